package io.serverlessmfa.core.enrollment;

import java.time.Clock;
import java.time.Instant;

/**
 * {@code GET /admin/mfa/users/{userId}}'s enrollment part: one read, no key service. The status is
 * the one the user would see (an expired setup is none), so the helpdesk and the user agree.
 * Thread-safe.
 */
public final class HelpdeskLookup {

    private final EnrollmentStore store;
    private final Clock clock;

    public HelpdeskLookup(EnrollmentStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public HelpdeskView lookup(String userId) {
        Instant now = clock.instant();
        EffectiveEnrollment seen = EffectiveEnrollment.of(store.find(userId), now);
        if (seen instanceof Enrollment.Pending pending) {
            return new HelpdeskView.PendingSetup(pending.expiresAt(), HelpdeskView.Throttling.of(pending.lockout(), now));
        }
        if (seen instanceof Enrollment.Enabled enabled) {
            return new HelpdeskView.MfaEnabled(enabled.enabledAt(), enabled.recoveryCodes().size(),
                    HelpdeskView.Throttling.of(enabled.lockout(), now));
        }
        return new HelpdeskView.NoMfa();
    }
}
