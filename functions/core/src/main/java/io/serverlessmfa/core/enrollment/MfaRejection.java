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
        /** The consecutive failures reached the limit: locked until a helpdesk reset (no retry time). */
        LOCKED_UNTIL_RESET,
        /** Too many setup starts and cancels by one user in this window (a 429 with Retry-After). */
        TOO_MANY_REQUESTS,
        /** Removing an enabled MFA needs a code or a recovery code. */
        PROOF_REQUIRED,
        /** An operator's helpdesk reset of their own MFA. */
        CANNOT_RESET_SELF,
        /** A change that needs a recent sign-in, asked with an older (or undated) one: {@link FreshSignIn}. */
        REAUTHENTICATION_REQUIRED
    }

    private final Reason reason;
    private final transient Duration retryAfter;
    /** The consecutive failures when this refusal's failure started a lock; 0 when it started none. */
    private final int failuresAtLock;
    private final boolean lockUntilReset;

    public MfaRejection(Reason reason) {
        this(reason, null, 0, false);
    }

    public MfaRejection(Reason reason, Duration retryAfter) {
        this(reason, retryAfter, 0, false);
    }

    private MfaRejection(Reason reason, Duration retryAfter, int failuresAtLock, boolean lockUntilReset) {
        super(reason.name(), null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.failuresAtLock = failuresAtLock;
        this.lockUntilReset = lockUntilReset;
    }

    /**
     * A wrong code whose counted failure started a lock (ops count these).
     *
     * @param failures       the consecutive failures, this one included (locks do not restart them)
     * @param lockUntilReset the lock lasts until a helpdesk reset
     */
    public static MfaRejection startingLock(Reason reason, int failures, boolean lockUntilReset) {
        if (failures < 1) {
            throw new IllegalArgumentException("a lock is started by a failure");
        }
        return new MfaRejection(reason, null, failures, lockUntilReset);
    }

    public Reason reason() {
        return reason;
    }

    /** True when this refusal's counted failure started a lock. */
    public boolean lockStarted() {
        return failuresAtLock > 0;
    }

    /** The consecutive failures at the lock this refusal's failure started, or 0 when it started none. */
    public int failuresAtLock() {
        return failuresAtLock;
    }

    /** True when this refusal's failure started the lock that lasts until a helpdesk reset. */
    public boolean lockUntilResetStarted() {
        return lockUntilReset;
    }

    /** For {@link Reason#TOO_MANY_ATTEMPTS}: how long the lock still runs; for {@link Reason#TOO_MANY_REQUESTS}, the window. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
