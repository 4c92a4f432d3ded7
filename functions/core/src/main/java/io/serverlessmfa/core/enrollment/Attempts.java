package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.SecretDecryptor;
import io.serverlessmfa.core.totp.SecretKeys;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The rules every code-checking use case shares: optimistic retries, the lock, the TOTP check and
 * the counting of failures. Thread-safe.
 */
final class Attempts {

    /**
     * Writes that lose a conditional check are re-decided on fresh state. Each loss means another
     * request committed, and a lock stops all writes after {@code maxFailures} of them, so a
     * request rarely loses more than a few times.
     */
    static final int MAX_CONFLICTS = 12;

    private final EnrollmentStore store;
    private final MfaPolicy policy;

    Attempts(EnrollmentStore store, MfaPolicy policy) {
        this.store = store;
        this.policy = policy;
    }

    /** Runs {@code decision} until its write is not pre-empted by a concurrent one. */
    <T> T retryingOnConflict(Supplier<T> decision) {
        for (int attempt = 1; ; attempt++) {
            try {
                return decision.get();
            } catch (ConcurrentUpdateException conflict) {
                if (attempt >= MAX_CONFLICTS) {
                    throw DependencyUnavailableException.busy("too much contention on one enrollment", conflict);
                }
                backOff(attempt);
            }
        }
    }

    /** Every attempt while a lock runs is refused, even a correct one (contract: lockout). */
    void rejectIfLocked(Enrollment enrollment, Instant now) {
        enrollment.activeLockUntil(now).ifPresent(until -> {
            throw new MfaRejection(MfaRejection.Reason.TOO_MANY_ATTEMPTS, Duration.between(now, until));
        });
    }

    /**
     * The user's enrollment, which must be enabled (a pending or expired setup is not enough) and
     * not locked.
     */
    Enrollment enabledAndUnlocked(String userId, Instant now) {
        Enrollment enrollment = store.find(userId)
                .orElseThrow(() -> new MfaRejection(MfaRejection.Reason.MFA_NOT_ENABLED));
        if (enrollment.effectiveStatus(now) != EnrollmentStatus.ENABLED) {
            throw new MfaRejection(MfaRejection.Reason.MFA_NOT_ENABLED);
        }
        rejectIfLocked(enrollment, now);
        return enrollment;
    }

    /** The time step the code is accepted for; otherwise the failure is counted and INVALID_CODE thrown. */
    long acceptOrFail(RequestOrigin origin, Enrollment enrollment, TotpCode code, Instant now, SecretDecryptor decryptor,
                      TotpVerifier verifier) {
        OptionalLong step = acceptedStep(enrollment, code, now, decryptor, verifier);
        if (step.isEmpty()) {
            throw fail(origin, enrollment, now, MfaRejection.Reason.INVALID_CODE);
        }
        return step.getAsLong();
    }

    /**
     * Decrypts the secret and checks the code against the window, refusing any step at or before
     * the last accepted one (RFC 6238 §5.2; NIST SP 800-63B §5.1.4.2: accept a code once).
     */
    private OptionalLong acceptedStep(Enrollment enrollment, TotpCode code, Instant now,
                              SecretDecryptor decryptor, TotpVerifier verifier) {
        byte[] secret = decryptor.decrypt(enrollment.userId(), enrollment.secret());
        try {
            return verifier.verify(SecretKeys.forTotp(secret, policy.totp().algorithm()), code, now,
                    enrollment.lastAcceptedStep());
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Counts a failed code in the same conditional write as the check's outcome, so parallel
     * guesses cannot get more evaluations than the lockout allows, then refuses the request.
     */
    RuntimeException fail(RequestOrigin origin, Enrollment enrollment, Instant now, MfaRejection.Reason reason) {
        Enrollment failed = enrollment.withFailure(now, policy.lockout());
        boolean lockStarted = failed.activeLockUntil(now).isPresent();
        // The lock is audited (the user and the helpdesk see it); single failures are not.
        store.replace(enrollment, failed, lockStarted
                ? Optional.of(SecurityEvent.of(SecurityEventType.LOCKED_OUT, now, origin)) : Optional.empty());
        return lockStarted ? MfaRejection.startingLock(reason) : new MfaRejection(reason);
    }

    private static void backOff(int attempt) {
        // Jitter spreads racing requests apart; not security-relevant, so no SecureRandom here.
        long millis = ThreadLocalRandom.current().nextLong(2, 10L * Math.min(attempt, 5));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw DependencyUnavailableException.busy("interrupted while retrying", interrupted);
        }
    }
}
