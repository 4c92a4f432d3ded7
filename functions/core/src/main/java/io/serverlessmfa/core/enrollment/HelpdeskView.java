package io.serverlessmfa.core.enrollment;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the helpdesk sees of one user's MFA: the status with its times, how many recovery codes
 * remain, and the throttling state. Nothing secret: never the ciphertext, the hashes or the step.
 */
public sealed interface HelpdeskView permits HelpdeskView.NoMfa, HelpdeskView.PendingSetup, HelpdeskView.MfaEnabled {

    EnrollmentStatus status();

    /** Nothing stored, or a pending setup past its expiry. */
    record NoMfa() implements HelpdeskView {
        @Override
        public EnrollmentStatus status() {
            return EnrollmentStatus.NONE;
        }
    }

    /** A setup awaiting its first code until {@code expiresAt}. */
    record PendingSetup(Instant expiresAt, Throttling throttling) implements HelpdeskView {
        public PendingSetup {
            Objects.requireNonNull(expiresAt, "expiresAt");
            Objects.requireNonNull(throttling, "throttling");
        }

        @Override
        public EnrollmentStatus status() {
            return EnrollmentStatus.PENDING;
        }
    }

    /** MFA on since {@code enabledAt}. */
    record MfaEnabled(Instant enabledAt, int recoveryCodesRemaining, Throttling throttling) implements HelpdeskView {
        public MfaEnabled {
            Objects.requireNonNull(enabledAt, "enabledAt");
            Objects.requireNonNull(throttling, "throttling");
        }

        @Override
        public EnrollmentStatus status() {
            return EnrollmentStatus.ENABLED;
        }
    }

    /**
     * @param failedAttempts   consecutive failed codes since the last success (locks do not restart it)
     * @param lockedUntil      the end of a timed lock running now; empty when none runs (an ended
     *                         lock is not shown: it no longer refuses anything)
     * @param lockedUntilReset the count reached the limit: only a helpdesk reset lets the user in
     */
    record Throttling(int failedAttempts, Optional<Instant> lockedUntil, boolean lockedUntilReset) {
        public Throttling {
            Objects.requireNonNull(lockedUntil, "lockedUntil");
            if (lockedUntilReset && lockedUntil.isPresent()) {
                throw new IllegalArgumentException("a lock until reset has no end");
            }
        }

        static Throttling of(Lockout lockout, Instant now) {
            return new Throttling(lockout.failedAttempts(), lockout.activeUntil(now), lockout.untilReset());
        }
    }
}
