package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One user's stored MFA state. Immutable: every transition returns a new value with the version
 * incremented, and the store writes it on condition that the stored version is the one it was
 * computed from (optimistic concurrency: one conditional write per transition).
 *
 * @param userId            the {@code sub} claim
 * @param status            PENDING or ENABLED (NONE is the absence of a record)
 * @param secret            the KMS ciphertext of the TOTP secret
 * @param pendingExpiresAt  when a PENDING setup expires (null when ENABLED)
 * @param enabledAt         when MFA was confirmed (null when PENDING)
 * @param lastAcceptedStep  the last TOTP time step accepted, {@link #NO_STEP} if none: replay
 *                          protection (RFC 6238 §5.2)
 * @param failedAttempts    consecutive failed codes since the last success or lock
 * @param lockedUntil       end of the current lock, or null
 * @param recoveryCodes     salted hashes of the unused recovery codes (empty when PENDING)
 * @param version           incremented by every write
 */
public record Enrollment(String userId, EnrollmentStatus status, EncryptedSecret secret,
                         Instant pendingExpiresAt, Instant enabledAt, long lastAcceptedStep,
                         int failedAttempts, Instant lockedUntil,
                         List<HashedRecoveryCode> recoveryCodes, long version) {

    /** No time step accepted yet. */
    public static final long NO_STEP = Long.MIN_VALUE;

    public Enrollment {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(secret, "secret");
        if (status == EnrollmentStatus.PENDING && pendingExpiresAt == null) {
            throw new IllegalArgumentException("a pending enrollment needs an expiry");
        }
        if (status == EnrollmentStatus.ENABLED && enabledAt == null) {
            throw new IllegalArgumentException("an enabled enrollment needs enabledAt");
        }
        if (status == EnrollmentStatus.NONE || status == null) {
            throw new IllegalArgumentException("NONE is the absence of an enrollment, not a stored state");
        }
        if (failedAttempts < 0) {
            throw new IllegalArgumentException("failedAttempts must not be negative");
        }
        recoveryCodes = List.copyOf(recoveryCodes == null ? List.of() : recoveryCodes);
    }

    /** A new pending setup (its version is assigned by the store's conditional upsert). */
    public static Enrollment pending(String userId, EncryptedSecret secret, Instant expiresAt) {
        return new Enrollment(userId, EnrollmentStatus.PENDING, secret, expiresAt, null, NO_STEP,
                0, null, List.of(), 1);
    }

    /** The status a client sees: a pending setup past its expiry is gone. */
    public EnrollmentStatus effectiveStatus(Instant now) {
        if (status == EnrollmentStatus.PENDING && !now.isBefore(pendingExpiresAt)) {
            return EnrollmentStatus.NONE;
        }
        return status;
    }

    /** The end of a lock still running at {@code now}. */
    public Optional<Instant> activeLockUntil(Instant now) {
        return lockedUntil != null && now.isBefore(lockedUntil) ? Optional.of(lockedUntil) : Optional.empty();
    }

    /**
     * One more failed code, evaluated only while no lock runs. The failure that reaches the limit
     * starts the lock and restarts the count, so after the lock the user has the full number of
     * attempts again.
     */
    public Enrollment withFailure(Instant now, LockoutPolicy policy) {
        int failures = failedAttempts + 1;
        if (failures >= policy.maxFailures()) {
            return copy(status, pendingExpiresAt, enabledAt, lastAcceptedStep, 0, now.plus(policy.lockDuration()), recoveryCodes);
        }
        return copy(status, pendingExpiresAt, enabledAt, lastAcceptedStep, failures, null, recoveryCodes);
    }

    /** Pending → enabled with the confirming step recorded (it counts as used) and fresh recovery hashes. */
    public Enrollment confirmed(Instant now, long acceptedStep, List<HashedRecoveryCode> hashes) {
        return copy(EnrollmentStatus.ENABLED, null, now, acceptedStep, 0, null, hashes);
    }

    /** A TOTP code was accepted: record its step (replay) and clear the failure count. */
    public Enrollment withAcceptedStep(long acceptedStep) {
        return copy(status, pendingExpiresAt, enabledAt, acceptedStep, 0, null, recoveryCodes);
    }

    /** A success that replaces the recovery codes (regeneration, or one consumed and replaced). */
    public Enrollment withRecoveryCodes(long acceptedStep, List<HashedRecoveryCode> hashes) {
        return copy(status, pendingExpiresAt, enabledAt, acceptedStep, 0, null, hashes);
    }

    private Enrollment copy(EnrollmentStatus newStatus, Instant newPendingExpiresAt, Instant newEnabledAt,
                            long newLastAcceptedStep, int newFailedAttempts, Instant newLockedUntil,
                            List<HashedRecoveryCode> newRecoveryCodes) {
        return new Enrollment(userId, newStatus, secret, newPendingExpiresAt, newEnabledAt, newLastAcceptedStep,
                newFailedAttempts, newLockedUntil, newRecoveryCodes, version + 1);
    }
}
