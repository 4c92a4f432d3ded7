package io.serverlessmfa.core.audit;

/** The state changes a user (and the helpdesk) can see in the audit trail. */
public enum SecurityEventType {
    SETUP_STARTED,
    SETUP_CANCELLED,
    MFA_ENABLED,
    /** A failed code reached the limit and started a lock (NIST SP 800-63B §5.2.2). */
    LOCKED_OUT,
    RECOVERY_CODE_USED,
    RECOVERY_CODES_REGENERATED,
    MFA_REMOVED,
    /** An operator removed the user's MFA (helpdesk reset); the actor is the operator. */
    ADMIN_RESET
}
