package io.serverlessmfa.core.enrollment;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The throttling state of one enrollment (contract: "Lockout"; NIST SP 800-63B §5.2.2): the
 * consecutive failed codes since the last success or helpdesk reset, and the lock they started, if
 * any. A lock does not restart the count (a lock is not a success), so how long the next lock
 * lasts and when the count reaches the limit follow from the count alone.
 */
public sealed interface Lockout permits Lockout.Counting, Lockout.Locked, Lockout.LockedUntilReset {

    /** No failure since the last success (a new setup, a confirmation, an accepted code). */
    static Lockout clear() {
        return new Counting(0);
    }

    /** Consecutive failed codes since the last success or helpdesk reset; locks do not restart it. */
    int failedAttempts();

    /** The end of a timed lock still running at {@code now} (never for {@link LockedUntilReset}). */
    Optional<Instant> activeUntil(Instant now);

    /** The end of the last timed lock, running or not (stored until the next failure or a success). */
    Optional<Instant> lockEnd();

    /** True when no code is evaluated until a helpdesk reset. */
    default boolean untilReset() {
        return false;
    }

    /**
     * One more failed code, evaluated only while no lock runs. The failure that reaches
     * {@code failuresUntilReset} locks the user until a helpdesk reset; every
     * {@code failuresPerLock}-th one before that starts a timed lock.
     */
    default Lockout afterFailure(Instant now, LockoutPolicy policy) {
        if (untilReset() || activeUntil(now).isPresent()) {
            throw new IllegalStateException("a failure is counted only while no lock runs");
        }
        int failures = failedAttempts() + 1;
        if (failures >= policy.failuresUntilReset()) {
            return new LockedUntilReset(failures);
        }
        if (policy.startsLock(failures)) {
            return new Locked(failures, now.plus(policy.lockAfter(failures)));
        }
        return new Counting(failures);
    }

    /** Counting failures; no lock is stored (none has started since the last one ended or a success). */
    record Counting(int failedAttempts) implements Lockout {
        public Counting {
            if (failedAttempts < 0) {
                throw new IllegalArgumentException("failedAttempts must not be negative");
            }
        }

        @Override
        public Optional<Instant> activeUntil(Instant now) {
            return Optional.empty();
        }

        @Override
        public Optional<Instant> lockEnd() {
            return Optional.empty();
        }
    }

    /**
     * The {@code failedAttempts}-th failure started a lock until {@code until}: every attempt before
     * then is refused, even a correct one; after it, the count goes on from {@code failedAttempts}.
     */
    record Locked(int failedAttempts, Instant until) implements Lockout {
        public Locked {
            if (failedAttempts < 1) {
                throw new IllegalArgumentException("a lock is started by a failure");
            }
            Objects.requireNonNull(until, "until");
        }

        @Override
        public Optional<Instant> activeUntil(Instant now) {
            return now.isBefore(until) ? Optional.of(until) : Optional.empty();
        }

        @Override
        public Optional<Instant> lockEnd() {
            return Optional.of(until);
        }
    }

    /** The limit was reached: every attempt is refused until a helpdesk reset (NIST SP 800-63B §5.2.2). */
    record LockedUntilReset(int failedAttempts) implements Lockout {
        public LockedUntilReset {
            if (failedAttempts < 1) {
                throw new IllegalArgumentException("a lock is started by a failure");
            }
        }

        @Override
        public Optional<Instant> activeUntil(Instant now) {
            return Optional.empty();
        }

        @Override
        public Optional<Instant> lockEnd() {
            return Optional.empty();
        }

        @Override
        public boolean untilReset() {
            return true;
        }
    }
}
