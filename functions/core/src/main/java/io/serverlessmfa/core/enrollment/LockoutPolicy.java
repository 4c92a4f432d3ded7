package io.serverlessmfa.core.enrollment;

import java.time.Duration;

/**
 * Throttling of failed codes, TOTP or recovery, on any route (contract: "Lockout"; NIST SP 800-63B
 * §5.2.2: at most 100 consecutive failed attempts). The count of consecutive failures goes on
 * through locks: every {@code failuresPerLock}-th failure starts a lock, the first lasting
 * {@code firstLock} and each next one twice the one before, at most {@code longestLock}; at
 * {@code failuresUntilReset} the user stays locked until a helpdesk reset. So between two
 * successful codes at most {@code failuresUntilReset} wrong codes are ever evaluated, however long
 * an attacker waits.
 */
public record LockoutPolicy(int failuresPerLock, Duration firstLock, Duration longestLock, int failuresUntilReset) {

    /** NIST SP 800-63B §5.2.2: no more than 100 consecutive failed attempts on one account. */
    public static final int NIST_LIMIT = 100;

    public LockoutPolicy {
        if (failuresPerLock < 1 || failuresPerLock > NIST_LIMIT) {
            throw new IllegalArgumentException("failuresPerLock must be between 1 and 100 (NIST SP 800-63B §5.2.2)");
        }
        if (firstLock == null || firstLock.isNegative() || firstLock.isZero()) {
            throw new IllegalArgumentException("firstLock must be positive");
        }
        if (longestLock == null || longestLock.compareTo(firstLock) < 0) {
            throw new IllegalArgumentException("longestLock must be at least firstLock");
        }
        if (failuresUntilReset < failuresPerLock || failuresUntilReset > NIST_LIMIT) {
            throw new IllegalArgumentException(
                    "failuresUntilReset must be between failuresPerLock and 100 (NIST SP 800-63B §5.2.2)");
        }
    }

    /** The contract's defaults: a lock at every 5th failure, 5 minutes doubling to 24 hours, for good at 100. */
    public static LockoutPolicy defaults() {
        return new LockoutPolicy(5, Duration.ofMinutes(5), Duration.ofHours(24), NIST_LIMIT);
    }

    /**
     * How long the lock that the {@code failures}-th consecutive failure starts lasts; the first
     * lock ({@code failures == failuresPerLock}) lasts {@code firstLock}, each next one twice as
     * long, at most {@code longestLock}.
     */
    Duration lockAfter(int failures) {
        int level = failures / failuresPerLock;
        Duration lock = firstLock;
        for (int doubling = 1; doubling < level && lock.compareTo(longestLock) < 0; doubling++) {
            lock = lock.multipliedBy(2);
        }
        return lock.compareTo(longestLock) < 0 ? lock : longestLock;
    }

    /** Whether the {@code failures}-th consecutive failure starts a lock (every {@code failuresPerLock}-th). */
    boolean startsLock(int failures) {
        return failures % failuresPerLock == 0;
    }
}
