package io.serverlessmfa.core.enrollment;

import java.time.Clock;

/** {@code GET /mfa}: one read, no key service. Thread-safe. */
public final class GetStatus {

    private final EnrollmentStore store;
    private final Clock clock;

    public GetStatus(EnrollmentStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public MfaStatus status(String userId) {
        return MfaStatus.of(EffectiveEnrollment.of(store.find(userId), clock.instant()));
    }
}
