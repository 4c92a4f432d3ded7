package io.serverlessmfa.core.adoption;

import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.enrollment.Enrollment;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How one write changes the adoption counts, so the store can apply it in the same transaction as
 * the write itself: the counts then cannot drift from the enrollments, and nothing scans the table
 * on the request path.
 *
 * <p>Pending setups expire by time alone, with no write, so they are counted by their expiry
 * second: the pending users at time t are the counts of the seconds after t.
 *
 * @param enabled         change in the number of users with MFA enabled (-1, 0, +1)
 * @param pendingByExpiry change in pending setups per expiry instant (no zero entries)
 * @param setupsStarted   setups started by this write (daily statistics)
 * @param enablements     MFA turned on by this write
 * @param removals        MFA turned off by this write (by the user or an operator)
 * @param adminResets     operator resets
 */
public record AdoptionChange(int enabled, Map<Instant, Integer> pendingByExpiry, int setupsStarted,
                             int enablements, int removals, int adminResets) {

    public AdoptionChange {
        pendingByExpiry = Map.copyOf(pendingByExpiry);
    }

    /** The change from the stored enrollment {@code before} to {@code after} (empty: none or removed). */
    public static AdoptionChange between(Optional<Enrollment> before, Optional<Enrollment> after,
                                         Optional<SecurityEvent> event) {
        boolean wasEnabled = before.filter(Enrollment.Enabled.class::isInstance).isPresent();
        boolean isEnabled = after.filter(Enrollment.Enabled.class::isInstance).isPresent();
        Map<Instant, Integer> pending = new TreeMap<>();
        pendingExpiry(before).ifPresent(expiry -> pending.merge(expiry, -1, Integer::sum));
        pendingExpiry(after).ifPresent(expiry -> pending.merge(expiry, 1, Integer::sum));
        pending.values().removeIf(delta -> delta == 0);
        Optional<SecurityEventType> type = event.map(SecurityEvent::type);
        return new AdoptionChange(
                (isEnabled ? 1 : 0) - (wasEnabled ? 1 : 0),
                pending,
                type.filter(t -> t == SecurityEventType.SETUP_STARTED).isPresent() ? 1 : 0,
                !wasEnabled && isEnabled ? 1 : 0,
                wasEnabled && !isEnabled ? 1 : 0,
                type.filter(t -> t == SecurityEventType.ADMIN_RESET).isPresent() ? 1 : 0);
    }

    private static Optional<Instant> pendingExpiry(Optional<Enrollment> enrollment) {
        return enrollment.filter(Enrollment.Pending.class::isInstance).map(e -> ((Enrollment.Pending) e).expiresAt());
    }

    /** True when no counter changes (most writes: an accepted code, a counted failure). */
    public boolean isEmpty() {
        return enabled == 0 && pendingByExpiry.isEmpty() && setupsStarted == 0 && enablements == 0 && removals == 0
                && adminResets == 0;
    }
}
