package io.serverlessmfa.core.enrollment;

import java.time.Instant;
import java.util.Optional;

/**
 * What a client sees at a given time: no MFA, a live pending setup, or MFA enabled. A pending
 * setup past its expiry is no MFA, whether or not DynamoDB's TTL has deleted it yet (TTL deletion
 * can lag by days), so every use case decides on this rather than on the stored record.
 */
public sealed interface EffectiveEnrollment permits EffectiveEnrollment.None, Enrollment.Pending, Enrollment.Enabled {

    /** The state of {@code stored} at {@code now} (empty: nothing stored). */
    static EffectiveEnrollment of(Optional<Enrollment> stored, Instant now) {
        return stored.map(enrollment -> enrollment.at(now)).orElseGet(None::new);
    }

    EnrollmentStatus status();

    /** No MFA: nothing stored, or a pending setup past its expiry. */
    record None() implements EffectiveEnrollment {
        @Override
        public EnrollmentStatus status() {
            return EnrollmentStatus.NONE;
        }
    }
}
