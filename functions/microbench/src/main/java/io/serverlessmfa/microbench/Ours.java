package io.serverlessmfa.microbench;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.enrollment.ConfirmSetup;
import io.serverlessmfa.core.enrollment.Attempts;
import io.serverlessmfa.core.enrollment.CodeCheck;
import io.serverlessmfa.core.enrollment.Enrollment;
import io.serverlessmfa.core.enrollment.MfaPolicy;
import io.serverlessmfa.core.enrollment.MfaRejection;
import io.serverlessmfa.core.enrollment.RecoveryCodeIssuer;
import io.serverlessmfa.core.enrollment.SetupStarted;
import io.serverlessmfa.core.enrollment.StartSetup;
import io.serverlessmfa.core.enrollment.VerifyCode;
import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.qr.QrCodeRenderer;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.core.secret.TotpSecretGenerator;
import io.serverlessmfa.core.token.MfaToken;
import io.serverlessmfa.core.token.MfaTokenIssuer;
import io.serverlessmfa.core.token.MfaTokenRequest;
import io.serverlessmfa.core.token.MfaTokenSettings;
import io.serverlessmfa.core.totp.SecretKeys;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpGenerator;
import io.serverlessmfa.core.totp.TotpVerifier;
import io.serverlessmfa.functions.token.SigningKeyRing;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Our use cases as the functions wire them (MfaPolicy defaults: SHA-1, 6 digits, 30 s, window ±1, one recovery
 * code; one SecureRandom; QR at 6 px per module), with the AWS round trips excluded: the store is a HashMap
 * ({@link InMemoryStore}) and the cipher returns the bytes as they are ({@link PassThroughCipher}). Confirm and
 * verify sign their MFA token with the functions' own SigningKeyRing, its key unsealed at set-up as in a warm
 * container ({@link TokenSigning#warmRing}).
 *
 * <p>Every operation does its full work and succeeds: setup starts from a user with no enrollment; confirm and
 * verify start from a fresh pending, resp. enabled, record (one HashMap put before the call), because the same
 * code on the same record would otherwise be refused as a replay, as {@link #setUp} checks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class Ours {

    private final RequestOrigin origin = new RequestOrigin("203.0.113.7", "Mozilla/5.0 (benchmark)");
    private InMemoryStore store;
    private static final MfaTokenRequest TOKEN_REQUEST = new MfaTokenRequest("https://bench.invalid", java.util.Optional.empty());
    private StartSetup startSetup;
    private ConfirmSetup confirmSetup;
    private VerifyCode verifyCode;
    private VerifyCode verifyWithoutSignature;
    private SigningKeyRing signingKeys;
    private static final String UNSIGNED = "unsigned";
    private Enrollment.Pending pending;
    private Enrollment enabled;
    private TotpCode code;

    @Setup(Level.Trial)
    public void setUp() {
        SecureRandom random = new SecureRandom();
        MfaPolicy policy = MfaPolicy.defaults(Fixtures.ISSUER);
        Clock clock = Clock.fixed(Fixtures.NOW, ZoneOffset.UTC);
        PassThroughCipher cipher = new PassThroughCipher();
        TotpGenerator generator = new TotpGenerator(policy.totp());
        TotpVerifier verifier = new TotpVerifier(generator, policy.window());
        // The key as a warm container holds it, unsealed (a cold one unseals it first: docs/performance.md).
        byte[] hashKey = new byte[32];
        random.nextBytes(hashKey);
        SecretKey recoveryCodeKey = new SecretKeySpec(hashKey, "HmacSHA256");
        RecoveryCodeIssuer recoveryCodes = new RecoveryCodeIssuer(new RecoveryCodeGenerator(random),
                new RecoveryCodeHasher(random, () -> recoveryCodeKey));
        store = new InMemoryStore();
        Attempts attempts = new Attempts(store, policy, clock);
        CodeCheck codes = new CodeCheck(attempts, cipher, verifier);
        startSetup = new StartSetup(attempts, cipher, new TotpSecretGenerator(random),
                new QrCodeRenderer(Fixtures.OUR_PIXELS_PER_MODULE));
        MfaTokenSettings tokenSettings = new MfaTokenSettings("bench", MfaTokenSettings.DEFAULT_LIFETIME);
        signingKeys = TokenSigning.warmRing(random);
        MfaTokenIssuer tokens = new MfaTokenIssuer(signingKeys, tokenSettings, random);
        confirmSetup = new ConfirmSetup(codes, recoveryCodes, tokens);
        verifyCode = new VerifyCode(codes, tokens);
        // The same verify with a signer that signs nothing: the difference to verify() is the token's signature.
        verifyWithoutSignature = new VerifyCode(codes, new MfaTokenIssuer(now -> claims -> UNSIGNED, tokenSettings, random));

        byte[] secret = new TotpSecretGenerator(random).generate();
        EncryptedSecret encrypted = cipher.encrypt(Fixtures.USER_ID, secret);
        code = generator.generate(SecretKeys.forTotp(secret, policy.totp().algorithm()), Fixtures.NOW);
        long step = generator.timeStep(Fixtures.NOW);
        pending = Enrollment.Pending.started(Fixtures.USER_ID, encrypted, Fixtures.NOW.plus(policy.pendingLifetime()));
        // Enabled an hour ago, last sign-in two steps ago.
        enabled = pending.confirmed(Fixtures.NOW.minusSeconds(3600), step - 2,
                recoveryCodes.issue(Fixtures.USER_ID, policy.recoveryCodeCount()).hashes());

        SetupStarted started = setup();
        Fixtures.checkQr(started.qrCode(), started.otpauthUri());
        Fixtures.check(Fixtures.width(Fixtures.png(started.qrCode())) == Fixtures.QR_PIXELS, "our QR size");
        Fixtures.check(confirm().size() == policy.recoveryCodeCount(), "confirm issues the recovery codes");
        MfaToken token = verify();
        Fixtures.check(signingKeys.verifiedClaims(token.compact()).map(claims -> claims.subject().equals(Fixtures.USER_ID))
                .orElse(false), "verify's token verifies with the published key");
        Fixtures.check(replayRefused(), "a replayed code is refused");
        Fixtures.check(verifyWithoutSigning().compact().equals(UNSIGNED), "the unsigned verify issues no signature");
    }

    private boolean replayRefused() {
        try {
            verifyCode.verify(origin, Fixtures.USER_ID, code, TOKEN_REQUEST);
            return false;
        } catch (MfaRejection expected) {
            return expected.reason() == MfaRejection.Reason.INVALID_CODE;
        }
    }

    /** POST /mfa/setup: secret, Key URI, QR PNG data URI, "encrypt", read, conditional write. */
    @Benchmark
    public SetupStarted setup() {
        store.remove(Fixtures.USER_ID);
        return startSetup.start(origin, Fixtures.USER_ID, Fixtures.ACCOUNT);
    }

    /** POST /mfa/confirm: read, "decrypt", TOTP check (3 steps), recovery code + keyed hash (SHA-256, HMAC-SHA-256), write. */
    @Benchmark
    public List<RecoveryCode> confirm() {
        store.put(pending);
        return confirmSetup.confirm(origin, Fixtures.USER_ID, code, TOKEN_REQUEST).recoveryCodes();
    }

    /**
     * POST /mfa/verify: read, "decrypt", TOTP check (3 steps) with replay protection, write, and the MFA token
     * signed by the functions' SigningKeyRing (its key unsealed at set-up, as in a warm container).
     */
    @Benchmark
    public MfaToken verify() {
        store.put(enabled);
        return verifyCode.verify(origin, Fixtures.USER_ID, code, TOKEN_REQUEST);
    }

    /** The same verify, claims (and their jti) included, with a signer that returns a constant: verify() less its signature. */
    @Benchmark
    public MfaToken verifyWithoutSigning() {
        store.put(enabled);
        return verifyWithoutSignature.verify(origin, Fixtures.USER_ID, code, TOKEN_REQUEST);
    }
}
