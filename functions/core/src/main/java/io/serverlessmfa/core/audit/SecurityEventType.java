package io.serverlessmfa.core.audit;

/** The state changes a user (and the helpdesk) can see in the audit trail. */
public enum SecurityEventType {
    SETUP_STARTED,
    SETUP_CANCELLED,
    MFA_ENABLED,
    /** A failed code started a timed lock, the first or a longer one (NIST SP 800-63B §5.2.2). */
    LOCKED_OUT,
    /** The consecutive failures reached the limit: no code is evaluated until a helpdesk reset. */
    LOCKED_UNTIL_RESET,
    RECOVERY_CODE_USED,
    RECOVERY_CODES_REGENERATED,
    MFA_REMOVED,
    /** An operator removed the user's MFA (helpdesk reset): in the user's trail. */
    ADMIN_RESET,
    /** The same reset in the operator's own trail: whom they reset, when and why. */
    ADMIN_RESET_PERFORMED
}
