package io.serverlessmfa.core.enrollment;

import java.time.Duration;
import java.util.Optional;

/**
 * A request the enrollment rules refuse. Any state change the refusal implies (a failed attempt
 * counted, a lock started) has been written before this is thrown.
 */
public final class MfaRejection extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why; the HTTP layer maps each to the contract's status and error code. */
    public enum Reason {
        NO_PENDING_SETUP,
        MFA_ALREADY_ENABLED,
        MFA_NOT_ENABLED,
        INVALID_CODE,
        INVALID_RECOVERY_CODE,
        TOO_MANY_ATTEMPTS,
        /** Removing an enabled MFA needs a code or a recovery code. */
        PROOF_REQUIRED,
        /** An operator's helpdesk reset of their own MFA. */
        CANNOT_RESET_SELF
    }

    private final Reason reason;
    private final transient Duration retryAfter;
    private final boolean lockStarted;

    public MfaRejection(Reason reason) {
        this(reason, null, false);
    }

    public MfaRejection(Reason reason, Duration retryAfter) {
        this(reason, retryAfter, false);
    }

    private MfaRejection(Reason reason, Duration retryAfter, boolean lockStarted) {
        super(reason.name(), null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.lockStarted = lockStarted;
    }

    /** A wrong code whose counted failure reached the limit and started a lock (ops count these). */
    public static MfaRejection startingLock(Reason reason) {
        return new MfaRejection(reason, null, true);
    }

    public Reason reason() {
        return reason;
    }

    /** True when this refusal's counted failure started a lock. */
    public boolean lockStarted() {
        return lockStarted;
    }

    /** For {@link Reason#TOO_MANY_ATTEMPTS}: how long the lock still runs. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
