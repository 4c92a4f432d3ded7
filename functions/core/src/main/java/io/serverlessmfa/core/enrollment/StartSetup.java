package io.serverlessmfa.core.enrollment;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.port.EnrollmentStore;
import io.serverlessmfa.core.port.SecretEncryptor;
import io.serverlessmfa.core.qr.QrCodeRenderer;
import io.serverlessmfa.core.secret.Base32;
import io.serverlessmfa.core.secret.TotpSecretGenerator;
import io.serverlessmfa.core.uri.KeyUri;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;

/**
 * {@code POST /mfa/setup}: a new secret, encrypted, written as a pending setup in one conditional
 * write that never touches an enabled enrollment (Cognito's "setup silently disables MFA" bug).
 * Three AWS calls: Encrypt, a read (the setup it replaces moves the pending count, and is audited)
 * and one conditional write with the event and the counts. Thread-safe.
 */
public final class StartSetup {

    private final EnrollmentStore store;
    private final SecretEncryptor encryptor;
    private final TotpSecretGenerator secrets;
    private final QrCodeRenderer qrCodes;
    private final MfaPolicy policy;
    private final Clock clock;
    private final Attempts attempts;

    public StartSetup(EnrollmentStore store, SecretEncryptor encryptor, TotpSecretGenerator secrets,
                      QrCodeRenderer qrCodes, MfaPolicy policy, Clock clock) {
        this.store = store;
        this.encryptor = encryptor;
        this.secrets = secrets;
        this.qrCodes = qrCodes;
        this.policy = policy;
        this.clock = clock;
        this.attempts = new Attempts(store, policy);
    }

    /**
     * @throws MfaRejection MFA_ALREADY_ENABLED; nothing is written
     * @throws IllegalArgumentException if the account name cannot be put in a Key URI
     */
    public SetupStarted start(RequestOrigin origin, String userId, String accountName) {
        byte[] secret = secrets.generate();
        try {
            String base32 = Base32.encode(secret);
            // The URI and its QR code are built before anything is written, so a failure here
            // leaves no pending setup behind.
            String uri = new KeyUri(policy.issuer(), accountName, base32, policy.totp()).toUriString();
            String qrCode = qrCodes.renderDataUri(uri);
            EncryptedSecret encrypted = encryptor.encrypt(userId, secret);
            Instant expiresAt = attempts.retryingOnConflict(() -> {
                Instant now = clock.instant();
                Optional<Enrollment> current = store.find(userId);
                if (current.isPresent() && current.get().effectiveStatus(now) == EnrollmentStatus.ENABLED) {
                    throw new MfaRejection(MfaRejection.Reason.MFA_ALREADY_ENABLED);
                }
                Instant expires = now.truncatedTo(ChronoUnit.SECONDS).plus(policy.pendingLifetime());
                store.savePending(current, Enrollment.pending(userId, encrypted, expires),
                        SecurityEvent.of(SecurityEventType.SETUP_STARTED, now, origin));
                return expires;
            });
            return new SetupStarted(base32, uri, qrCode, expiresAt);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
