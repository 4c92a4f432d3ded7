package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.SecretEncryptor;
import io.serverlessmfa.core.qr.QrCodeRenderer;
import io.serverlessmfa.core.secret.Base32;
import io.serverlessmfa.core.secret.TotpSecretGenerator;
import io.serverlessmfa.core.uri.KeyUri;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code POST /mfa/setup}: a new secret, encrypted, written as a pending setup in one conditional
 * write that never touches an enabled enrollment (Cognito's "setup silently disables MFA" bug).
 * A user's first setup is one write and no read: the conditional write with the event and the
 * counts (and the encryption's KMS call, until the cipher has a data key). Restarting a pending
 * setup is two writes, the second decided on what the first found. Thread-safe.
 */
public final class StartSetup {

    private final Attempts attempts;
    private final SecretEncryptor encryptor;
    private final TotpSecretGenerator secrets;
    private final QrCodeRenderer qrCodes;

    /** The policy (issuer, TOTP settings, pending lifetime) and the clock come from {@code attempts}. */
    public StartSetup(Attempts attempts, SecretEncryptor encryptor, TotpSecretGenerator secrets,
                      QrCodeRenderer qrCodes) {
        this.attempts = attempts;
        this.encryptor = encryptor;
        this.secrets = secrets;
        this.qrCodes = qrCodes;
    }

    /**
     * @throws MfaRejection MFA_ALREADY_ENABLED, LOCKED_UNTIL_RESET, TOO_MANY_REQUESTS; nothing is written
     * @throws IllegalArgumentException if the account name cannot be put in a Key URI
     */
    public SetupStarted start(RequestOrigin origin, String userId, String accountName) {
        byte[] secret = secrets.generate();
        try {
            return started(origin, userId, accountName, secret);
        } catch (SetupChangeLimitReachedException limit) {
            throw attempts.tooManySetupChanges(limit);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private SetupStarted started(RequestOrigin origin, String userId, String accountName, byte[] secret) {
        String base32 = Base32.encode(secret);
        // The URI and its QR code are built before anything is written, so a failure here
        // leaves no pending setup behind.
        String uri = new KeyUri(attempts.policy().issuer(), accountName, base32, attempts.policy().totp()).toUriString();
        String qrCode = qrCodes.renderDataUri(uri);
        EncryptedSecret encrypted = encryptor.encrypt(userId, secret);
        return new SetupStarted(base32, uri, qrCode, save(origin, userId, encrypted));
    }

    /**
     * Writes the pending setup; returns when it expires. Most setups are a user's first, so the
     * first write assumes nothing is stored and reads nothing: its condition (nothing stored, or a
     * removal's tombstone) is exactly the state a read would have had to show for that write, so
     * the outcome is the same and a call is saved. When something is stored, the refused write
     * says what ({@link EnrollmentChangedException}), and the decision is made again on that: an
     * enabled enrollment is a 409 with nothing written, a pending one is replaced. Only a refusal
     * that says nothing (another transaction held one of the items), or a second lost race, falls
     * back to reading, with the back-off every use case has.
     */
    private Instant save(RequestOrigin origin, String userId, EncryptedSecret encrypted) {
        try {
            return saveOver(Optional.empty(), origin, userId, encrypted);
        } catch (EnrollmentChangedException changed) {
            try {
                return saveOver(changed.stored(), origin, userId, encrypted);
            } catch (ConcurrentUpdateException raced) {
                // Another request wrote in between: read, as below.
            }
        } catch (ConcurrentUpdateException refused) {
            // Refused without saying what is stored: read, as below.
        }
        return attempts.retryingOnConflict(() -> saveOver(attempts.store().find(userId), origin, userId, encrypted));
    }

    /** Starts setup over {@code current}, the enrollment as stored (empty: none), unless MFA is on. */
    private Instant saveOver(Optional<Enrollment> current, RequestOrigin origin, String userId, EncryptedSecret encrypted) {
        Instant now = attempts.now();
        // Enabled MFA never expires; a pending setup, expired or not, is replaced.
        if (current.isPresent() && current.get() instanceof Enrollment.Enabled) {
            throw new MfaRejection(MfaRejection.Reason.MFA_ALREADY_ENABLED);
        }
        // A new secret could never be confirmed: say so now rather than show a QR code that fails.
        if (current.isPresent() && current.get().lockout().untilReset()) {
            throw new MfaRejection(MfaRejection.Reason.LOCKED_UNTIL_RESET);
        }
        Instant expires = now.truncatedTo(ChronoUnit.SECONDS).plus(attempts.policy().pendingLifetime());
        attempts.store().savePending(current, Enrollment.Pending.started(userId, encrypted, expires),
                SecurityEvent.of(SecurityEventType.SETUP_STARTED, now, origin), attempts.policy().setupChanges().windowAt(now));
        return expires;
    }
}
