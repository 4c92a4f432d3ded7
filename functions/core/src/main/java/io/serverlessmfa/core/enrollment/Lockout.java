package io.serverlessmfa.core.enrollment;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The throttling state of one enrollment (NIST SP 800-63B §5.2.2): counting failed codes, or
 * locked until a time. A lock restarts the count, so a lock and a count never coexist: the
 * failure that reaches the limit starts the lock with a count of zero, and the first failure after
 * it ends counts one again.
 */
public sealed interface Lockout permits Lockout.Counting, Lockout.Locked {

    /** No failure since the last success (a new setup, a confirmation, an accepted code). */
    static Lockout clear() {
        return new Counting(0);
    }

    /** Consecutive failed codes since the last success or lock (zero while locked). */
    int failedAttempts();

    /** The end of a lock still running at {@code now}. */
    Optional<Instant> activeUntil(Instant now);

    /** The end of the last lock, running or not (it is stored until a failure or a success clears it). */
    Optional<Instant> lockEnd();

    /**
     * One more failed code, evaluated only while no lock runs. The failure that reaches the limit
     * starts the lock and restarts the count, so after the lock the user has the full number of
     * attempts again.
     */
    default Lockout afterFailure(Instant now, LockoutPolicy policy) {
        int failures = failedAttempts() + 1;
        return failures >= policy.maxFailures() ? new Locked(now.plus(policy.lockDuration())) : new Counting(failures);
    }

    /** Counting failures; no lock has been set since the last success or failure. */
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

    /** Every attempt until {@code until} is refused, even a correct one; after it, it is a count of zero. */
    record Locked(Instant until) implements Lockout {
        public Locked {
            Objects.requireNonNull(until, "until");
        }

        @Override
        public int failedAttempts() {
            return 0;
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
}
