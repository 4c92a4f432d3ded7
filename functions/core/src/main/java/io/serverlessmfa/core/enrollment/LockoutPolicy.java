package io.serverlessmfa.core.enrollment;

import java.time.Duration;

/**
 * Throttling of failed codes (NIST SP 800-63B §5.2.2 allows at most 100 consecutive failures; we
 * lock far earlier). After {@code maxFailures} consecutive failed codes, TOTP or recovery, on any
 * route, every attempt is refused for {@code lockDuration}, even a correct one.
 */
public record LockoutPolicy(int maxFailures, Duration lockDuration) {

    public LockoutPolicy {
        if (maxFailures < 1 || maxFailures > 100) {
            throw new IllegalArgumentException("maxFailures must be between 1 and 100 (NIST SP 800-63B §5.2.2)");
        }
        if (lockDuration == null || lockDuration.isNegative() || lockDuration.isZero()) {
            throw new IllegalArgumentException("lockDuration must be positive");
        }
    }

    public static LockoutPolicy defaults() {
        return new LockoutPolicy(5, Duration.ofMinutes(5));
    }
}
