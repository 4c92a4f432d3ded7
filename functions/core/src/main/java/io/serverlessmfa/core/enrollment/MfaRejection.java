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
    private final int startedLockLevel;

    public MfaRejection(Reason reason) {
        this(reason, null, 0);
    }

    public MfaRejection(Reason reason, Duration retryAfter) {
        this(reason, retryAfter, 0);
    }

    private MfaRejection(Reason reason, Duration retryAfter, int startedLockLevel) {
        super(reason.name(), null, false, false);
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.startedLockLevel = startedLockLevel;
    }

    /**
     * A wrong code whose counted failure started a lock (ops count these).
     *
     * @param level 1 for the first lock since the last success, 2 for the next, ...; the lock until
     *              a reset has the level its failure count would have had
     */
    public static MfaRejection startingLock(Reason reason, int level) {
        if (level < 1) {
            throw new IllegalArgumentException("a started lock has a level of at least 1");
        }
        return new MfaRejection(reason, null, level);
    }

    public Reason reason() {
        return reason;
    }

    /** True when this refusal's counted failure started a lock. */
    public boolean lockStarted() {
        return startedLockLevel > 0;
    }

    /** The level of the lock this refusal's failure started (see {@link #startingLock}), or 0. */
    public int startedLockLevel() {
        return startedLockLevel;
    }

    /** For {@link Reason#TOO_MANY_ATTEMPTS}: how long the lock still runs; for {@link Reason#TOO_MANY_REQUESTS}, the window. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
