package io.serverlessmfa.core.enrollment;

import java.time.Instant;

/**
 * What {@code GET /mfa} shows.
 *
 * @param expiresAt              for PENDING
 * @param enabledAt              for ENABLED
 * @param recoveryCodesRemaining for ENABLED: unused recovery codes
 */
public record MfaStatus(EnrollmentStatus status, Instant expiresAt, Instant enabledAt, int recoveryCodesRemaining) {

    static MfaStatus of(EffectiveEnrollment seen) {
        if (seen instanceof Enrollment.Pending pending) {
            return new MfaStatus(EnrollmentStatus.PENDING, pending.expiresAt(), null, 0);
        }
        if (seen instanceof Enrollment.Enabled enabled) {
            return new MfaStatus(EnrollmentStatus.ENABLED, null, enabled.enabledAt(), enabled.recoveryCodes().size());
        }
        return none();
    }

    static MfaStatus none() {
        return new MfaStatus(EnrollmentStatus.NONE, null, null, 0);
    }
}
