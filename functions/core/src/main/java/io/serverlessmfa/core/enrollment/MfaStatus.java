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

    static MfaStatus of(Enrollment enrollment, Instant now) {
        return switch (enrollment.effectiveStatus(now)) {
            case NONE -> none();
            case PENDING -> new MfaStatus(EnrollmentStatus.PENDING, enrollment.pendingExpiresAt(), null, 0);
            case ENABLED -> new MfaStatus(EnrollmentStatus.ENABLED, null, enrollment.enabledAt(),
                    enrollment.recoveryCodes().size());
        };
    }

    static MfaStatus none() {
        return new MfaStatus(EnrollmentStatus.NONE, null, null, 0);
    }
}
