package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.port.DependencyUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The rules every use case that writes an enrollment shares: optimistic retries, the lock, "enabled
 * and unlocked" and the counting of failures. It owns the store, the policy and the clock the use
 * cases decide with, so each of them is built from one of these instead of repeating the three.
 * Checking a TOTP code is {@link CodeCheck}'s (recovery never decrypts). Thread-safe.
 */
public final class Attempts {

    /**
     * Writes that lose a conditional check are re-decided on fresh state. Each loss means another
     * request committed, and a lock stops all writes after {@code failuresPerLock} of them, so a
     * request rarely loses more than a few times.
     */
    static final int MAX_CONFLICTS = 12;

    private final EnrollmentStore store;
    private final MfaPolicy policy;
    private final Clock clock;

    public Attempts(EnrollmentStore store, MfaPolicy policy, Clock clock) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
    }

    EnrollmentStore store() {
        return store;
    }

    MfaPolicy policy() {
        return policy;
    }

    /** The time a decision is made at: read afresh on every retry, since a retry is a new decision. */
    Instant now() {
        return clock.instant();
    }

    /** Runs {@code decision} until its write is not pre-empted by a concurrent one. */
    <T> T retryingOnConflict(Supplier<T> decision) {
        for (int attempt = 1; ; attempt++) {
            try {
                return decision.get();
            } catch (ConcurrentUpdateException conflict) {
                if (attempt >= MAX_CONFLICTS) {
                    throw DependencyUnavailableException.busy("too much contention on one enrollment", conflict);
                }
                backOff(attempt);
            }
        }
    }

    /** Every attempt while a lock runs is refused, even a correct one (contract: lockout). */
    void rejectIfLocked(Enrollment enrollment, Instant now) {
        if (enrollment.lockout().untilReset()) {
            throw new MfaRejection(MfaRejection.Reason.LOCKED_UNTIL_RESET);
        }
        enrollment.lockout().activeUntil(now).ifPresent(until -> {
            throw new MfaRejection(MfaRejection.Reason.TOO_MANY_ATTEMPTS, Duration.between(now, until));
        });
    }

    /** The refusal of a setup change past the user's bound: retry when the window ends. */
    MfaRejection tooManySetupChanges(SetupChangeLimitReachedException limit) {
        Duration wait = Duration.between(now(), limit.window().end());
        return new MfaRejection(MfaRejection.Reason.TOO_MANY_REQUESTS, wait.isNegative() ? Duration.ZERO : wait);
    }

    /**
     * The user's enrollment, which must be enabled (a pending or expired setup is not enough) and
     * not locked.
     */
    Enrollment.Enabled enabledAndUnlocked(String userId, Instant now) {
        if (!(EffectiveEnrollment.of(store.find(userId), now) instanceof Enrollment.Enabled enabled)) {
            throw new MfaRejection(MfaRejection.Reason.MFA_NOT_ENABLED);
        }
        rejectIfLocked(enabled, now);
        return enabled;
    }

    /**
     * Counts a failed code in the same conditional write as the check's outcome, so parallel
     * guesses cannot get more evaluations than the lockout allows, then refuses the request.
     */
    RuntimeException fail(RequestOrigin origin, Enrollment enrollment, Instant now, MfaRejection.Reason reason) {
        Enrollment failed = enrollment.withFailure(now, policy.lockout());
        Lockout lockout = failed.lockout();
        // Each lock is audited (the user and the helpdesk see it); single failures are not.
        Optional<SecurityEvent> lockEvent = lockout.untilReset()
                ? Optional.of(SecurityEvent.of(SecurityEventType.LOCKED_UNTIL_RESET, now, origin))
                : lockout.activeUntil(now).map(until -> SecurityEvent.of(SecurityEventType.LOCKED_OUT, now, origin));
        store.replace(enrollment, failed, lockEvent);
        if (lockEvent.isEmpty()) {
            return new MfaRejection(reason);
        }
        return MfaRejection.startingLock(reason, lockout.failedAttempts(), lockout.untilReset());
    }

    private static void backOff(int attempt) {
        // Jitter spreads racing requests apart; not security-relevant, so no SecureRandom here.
        long millis = ThreadLocalRandom.current().nextLong(2, 10L * Math.min(attempt, 5));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw DependencyUnavailableException.busy("interrupted while retrying", interrupted);
        }
    }
}
