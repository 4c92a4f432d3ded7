package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One user's stored MFA state: a pending setup or enabled MFA (NONE is the absence of a record).
 * Each state is a type of its own, holding only what it has, so a pending setup with recovery
 * codes or an enabled one without {@code enabledAt} cannot be built. Immutable: every transition
 * returns the next state with the version incremented, and the store writes it on condition that
 * the stored version is the one it was computed from (optimistic concurrency: one conditional
 * write per transition).
 */
public sealed interface Enrollment permits Enrollment.Pending, Enrollment.Enabled {

    /** The {@code sub} claim. */
    String userId();

    /** The TOTP secret and its replay state. */
    Authenticator authenticator();

    /** Failed codes and any lock; both states are throttled alike. */
    Lockout lockout();

    /** Incremented by every write. */
    long version();

    /** PENDING or ENABLED, as stored (a pending setup past its expiry is still PENDING here). */
    EnrollmentStatus status();

    /** What a client sees at {@code now}: this state, or no MFA for a pending setup past its expiry. */
    EffectiveEnrollment at(Instant now);

    /** One more failed code, in the same state (see {@link Lockout#afterFailure}). */
    Enrollment withFailure(Instant now, LockoutPolicy policy);

    /** The end of a lock still running at {@code now}. */
    default Optional<Instant> activeLockUntil(Instant now) {
        return lockout().activeUntil(now);
    }

    /**
     * A secret was issued and awaits its first code.
     *
     * @param expiresAt when the setup expires if not confirmed
     */
    record Pending(String userId, Authenticator authenticator, Instant expiresAt, Lockout lockout, long version)
            implements Enrollment, EffectiveEnrollment {

        public Pending {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(authenticator, "authenticator");
            Objects.requireNonNull(expiresAt, "a pending enrollment needs an expiry");
            Objects.requireNonNull(lockout, "lockout");
        }

        /** A new pending setup (its version and lockout are settled by the store's conditional upsert). */
        public static Pending started(String userId, EncryptedSecret secret, Instant expiresAt) {
            return new Pending(userId, Authenticator.fresh(secret), expiresAt, Lockout.clear(), 1);
        }

        @Override
        public EnrollmentStatus status() {
            return EnrollmentStatus.PENDING;
        }

        /** Past its expiry a setup is gone for the client, whether or not TTL has deleted it yet. */
        @Override
        public EffectiveEnrollment at(Instant now) {
            return now.isBefore(expiresAt) ? this : new EffectiveEnrollment.None();
        }

        @Override
        public Pending withFailure(Instant now, LockoutPolicy policy) {
            return new Pending(userId, authenticator, expiresAt, lockout.afterFailure(now, policy), version + 1);
        }

        /** Pending → enabled with the confirming step recorded (it counts as used) and fresh recovery hashes. */
        public Enabled confirmed(Instant now, long acceptedStep, List<HashedRecoveryCode> hashes) {
            return new Enabled(userId, authenticator.accepted(acceptedStep), now, hashes, Lockout.clear(), version + 1);
        }
    }

    /**
     * MFA is on: codes and recovery codes are checked.
     *
     * @param enabledAt     when MFA was confirmed
     * @param recoveryCodes salted hashes of the unused recovery codes
     */
    record Enabled(String userId, Authenticator authenticator, Instant enabledAt,
                   List<HashedRecoveryCode> recoveryCodes, Lockout lockout, long version)
            implements Enrollment, EffectiveEnrollment {

        public Enabled {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(authenticator, "authenticator");
            Objects.requireNonNull(enabledAt, "an enabled enrollment needs enabledAt");
            Objects.requireNonNull(lockout, "lockout");
            recoveryCodes = List.copyOf(recoveryCodes);
        }

        @Override
        public EnrollmentStatus status() {
            return EnrollmentStatus.ENABLED;
        }

        /** Enabled MFA does not expire. */
        @Override
        public EffectiveEnrollment at(Instant now) {
            return this;
        }

        @Override
        public Enabled withFailure(Instant now, LockoutPolicy policy) {
            return new Enabled(userId, authenticator, enabledAt, recoveryCodes, lockout.afterFailure(now, policy),
                    version + 1);
        }

        /** A TOTP code was accepted: record its step (replay) and clear the failure count. */
        public Enabled withAcceptedStep(long acceptedStep) {
            return new Enabled(userId, authenticator.accepted(acceptedStep), enabledAt, recoveryCodes, Lockout.clear(),
                    version + 1);
        }

        /** A TOTP code was accepted and every recovery code replaced (regeneration). */
        public Enabled withRecoveryCodes(long acceptedStep, List<HashedRecoveryCode> hashes) {
            return new Enabled(userId, authenticator.accepted(acceptedStep), enabledAt, hashes, Lockout.clear(),
                    version + 1);
        }

        /**
         * A recovery code was used: it is replaced by {@code replacement} at the same place, the
         * failure count cleared; the TOTP replay state is untouched (no TOTP code was checked).
         */
        public Enabled withRecoveryCodeReplaced(int index, HashedRecoveryCode replacement) {
            List<HashedRecoveryCode> remaining = new ArrayList<>(recoveryCodes);
            remaining.set(index, replacement);
            return new Enabled(userId, authenticator, enabledAt, remaining, Lockout.clear(), version + 1);
        }
    }
}
