package io.serverlessmfa.core.enrollment;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.qr.QrCodeRenderer;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.core.secret.Base32;
import io.serverlessmfa.core.secret.TotpSecretGenerator;
import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaToken;
import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.core.token.MfaTokenIssuer;
import io.serverlessmfa.core.token.MfaTokenRequest;
import io.serverlessmfa.core.token.MfaTokenSettings;
import io.serverlessmfa.core.token.RecordingTokenSigner;
import io.serverlessmfa.core.totp.SecretKeys;
import io.serverlessmfa.core.totp.TotpCode;
import io.serverlessmfa.core.totp.TotpGenerator;
import io.serverlessmfa.core.totp.TotpSettings;
import io.serverlessmfa.core.totp.TotpVerifier;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.function.Executable;

/**
 * The enrollment use cases wired to in-memory doubles, a hand-moved clock, seeded randomness and a
 * token signer that records what it signed.
 */
final class Fixture {

    static final String ISSUER = "Example Corp";
    static final String ALICE = "user-alice";
    static final SecretKey RECOVERY_CODE_KEY = new SecretKeySpec(new byte[32], "HmacSHA256");
    static final String ALICE_ACCOUNT = "alice@example.com";
    static final String BOB = "user-bob";
    static final String BOB_ACCOUNT = "bob@example.com";
    /** 10 s into a 30 s time step (10:15:00 is a step boundary). */
    static final Instant START = Instant.parse("2026-11-28T10:15:10Z");
    /** Where the tests' requests come from, as the audit trail records it. */
    static final RequestOrigin ORIGIN = new RequestOrigin("192.0.2.10", "JUnit");
    static final Duration PERIOD = Duration.ofSeconds(30);
    static final int QR_PIXELS_PER_MODULE = 4;
    /** The MFA tokens' {@code iss}: the URL the requests reached. */
    static final String TOKEN_ISSUER = "https://mfa.example.com";
    /** The MFA tokens' {@code aud}. */
    static final String TOKEN_AUDIENCE = "example-portal";
    /** A request for a token without a nonce. */
    static final MfaTokenRequest NO_NONCE = new MfaTokenRequest(TOKEN_ISSUER, Optional.empty());

    final MfaPolicy policy;
    final MutableClock clock = new MutableClock(START);
    final InMemoryEnrollmentStore store = new InMemoryEnrollmentStore();
    final UserBoundTestCipher cipher = new UserBoundTestCipher();
    final TotpGenerator totp;
    final TotpVerifier verifier;
    final RecoveryCodeHasher hasher;
    final RecoveryCodeIssuer recoveryCodeIssuer;
    final Attempts attempts;
    final RecordingTokenSigner tokenSigner = new RecordingTokenSigner();
    final MfaTokenIssuer tokenIssuer;

    final GetStatus getStatus;
    final StartSetup startSetup;
    final ConfirmSetup confirmSetup;
    final VerifyCode verifyCode;
    final RecoverAccess recoverAccess;
    final RegenerateRecoveryCodes regenerateRecoveryCodes;
    final RemoveMfa removeMfa;

    /** A user with MFA enabled: the Base32 secret and the recovery codes shown at confirmation. */
    record Enabled(String secret, List<RecoveryCode> recoveryCodes, long confirmedStep) {
        RecoveryCode recoveryCode() {
            return recoveryCodes.get(0);
        }
    }

    Fixture() {
        this(MfaPolicy.defaults(ISSUER));
    }

    Fixture(MfaPolicy policy) {
        this.policy = policy;
        this.totp = new TotpGenerator(policy.totp());
        this.verifier = new TotpVerifier(totp, policy.window());
        // A fixed test key: the core only uses whatever key the adapter unseals.
        this.hasher = new RecoveryCodeHasher(seeded(3), () -> RECOVERY_CODE_KEY);
        this.recoveryCodeIssuer = new RecoveryCodeIssuer(new RecoveryCodeGenerator(seeded(2)), hasher);
        this.getStatus = new GetStatus(store, clock);
        this.attempts = new Attempts(store, policy, clock);
        CodeCheck codes = new CodeCheck(attempts, cipher, verifier);
        this.tokenIssuer = new MfaTokenIssuer(tokenSigner,
                new MfaTokenSettings(TOKEN_AUDIENCE, MfaTokenSettings.DEFAULT_LIFETIME), seeded(4));
        this.startSetup = new StartSetup(attempts, cipher, new TotpSecretGenerator(seeded(1)),
                new QrCodeRenderer(QR_PIXELS_PER_MODULE));
        this.confirmSetup = new ConfirmSetup(codes, recoveryCodeIssuer, tokenIssuer);
        this.verifyCode = new VerifyCode(codes, tokenIssuer);
        this.recoverAccess = new RecoverAccess(attempts, recoveryCodeIssuer, tokenIssuer);
        this.regenerateRecoveryCodes = new RegenerateRecoveryCodes(codes, recoveryCodeIssuer);
        this.removeMfa = new RemoveMfa(codes, recoveryCodeIssuer);
    }

    /** The contract's defaults with another number of recovery codes. */
    static Fixture withRecoveryCodeCount(int count) {
        return new Fixture(new MfaPolicy(ISSUER, TotpSettings.defaults(), 1, LockoutPolicy.defaults(),
                Duration.ofMinutes(10), count));
    }

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- driving the use cases -------------------------------------------------------------

    SetupStarted setup(String userId) {
        return startSetup.start(ORIGIN, userId, userId.equals(BOB) ? BOB_ACCOUNT : ALICE_ACCOUNT);
    }

    /** Setup, confirm with the current code, then move the clock to the next time step. */
    Enabled enable(String userId) {
        String secret = setup(userId).secret();
        long step = totp.timeStep(clock.instant());
        List<RecoveryCode> codes = confirm(userId, currentCode(secret)).recoveryCodes();
        nextStep();
        return new Enabled(secret, codes, step);
    }

    void nextStep() {
        clock.advance(PERIOD);
    }

    MfaToken verify(String userId, TotpCode code) {
        return verifyCode.verify(ORIGIN, userId, code, NO_NONCE);
    }

    ConfirmSetup.Confirmed confirm(String userId, TotpCode code) {
        return confirmSetup.confirm(ORIGIN, userId, code, NO_NONCE);
    }

    RecoverAccess.Recovered recover(String userId, RecoveryCode code) {
        return recoverAccess.recover(ORIGIN, userId, code, NO_NONCE);
    }

    void remove(String userId, TotpCode code) {
        removeMfa.remove(ORIGIN, userId, Optional.of(new SecondFactorProof.Totp(code)));
    }

    void remove(String userId, RecoveryCode code) {
        removeMfa.remove(ORIGIN, userId, Optional.of(new SecondFactorProof.Recovery(code)));
    }

    // ---- codes ------------------------------------------------------------------------------

    TotpCode codeAt(String base32Secret, Instant time) {
        return totp.generate(SecretKeys.forTotp(Base32.decode(base32Secret), policy.totp().algorithm()), time);
    }

    TotpCode currentCode(String base32Secret) {
        return codeAt(base32Secret, clock.instant());
    }

    /** The code of the time step {@code steps} away from now (negative: earlier). */
    TotpCode codeAtOffset(String base32Secret, int steps) {
        return codeAt(base32Secret, clock.instant().plus(PERIOD.multipliedBy(steps)));
    }

    /** A code that matches none of the steps within ±3 of now. */
    TotpCode wrongCode(String base32Secret) {
        Set<String> nearby = new HashSet<>();
        for (int offset = -3; offset <= 3; offset++) {
            nearby.add(codeAtOffset(base32Secret, offset).digits());
        }
        int candidate = Integer.parseInt(currentCode(base32Secret).digits());
        String digits;
        do {
            candidate = (candidate + 1) % 1_000_000;
            digits = String.format("%06d", candidate);
        } while (nearby.contains(digits));
        return new TotpCode(digits);
    }

    /** A well-formed recovery code the user was never given. */
    RecoveryCode unknownRecoveryCode() {
        return new RecoveryCode("AAAAAAAAAAAAAAAAAAAAAAAA");
    }

    long currentStep() {
        return totp.timeStep(clock.instant());
    }

    // ---- looking at the state ---------------------------------------------------------------

    Enrollment stored(String userId) {
        return store.find(userId).orElseThrow(() -> new AssertionError("no enrollment stored for " + userId));
    }

    /** The stored enrollment, which must be enabled. */
    Enrollment.Enabled storedEnabled(String userId) {
        Enrollment stored = stored(userId);
        if (!(stored instanceof Enrollment.Enabled enabled)) {
            throw new AssertionError("not enabled: " + stored);
        }
        return enabled;
    }

    /** The stored enrollment, which must be a pending setup. */
    Enrollment.Pending storedPending(String userId) {
        Enrollment stored = stored(userId);
        if (!(stored instanceof Enrollment.Pending pending)) {
            throw new AssertionError("not pending: " + stored);
        }
        return pending;
    }

    Optional<Enrollment> maybeStored(String userId) {
        return store.find(userId);
    }

    static MfaRejection.Reason rejection(Executable request) {
        return assertThrows(MfaRejection.class, request).reason();
    }

    static MfaRejection rejected(Executable request) {
        return assertThrows(MfaRejection.class, request);
    }

    /**
     * The last token signed is {@code token}: it proves that {@code user} passed the second factor
     * with {@code method} at {@code at}, for this issuer and audience, for the default lifetime,
     * with no nonce.
     */
    MfaTokenClaims assertLastTokenProves(String user, AuthenticationMethod method, Instant at, MfaToken token) {
        MfaTokenClaims claims = tokenSigner.lastSigned();
        assertEquals(user, claims.subject());
        assertEquals(List.of(method), claims.methods());
        assertEquals(at, claims.authenticatedAt());
        assertEquals(at, claims.issuedAt());
        assertEquals(at.plus(MfaTokenSettings.DEFAULT_LIFETIME), claims.expiresAt());
        assertEquals(TOKEN_ISSUER, claims.issuer());
        assertEquals(TOKEN_AUDIENCE, claims.audience());
        assertEquals(Optional.empty(), claims.nonce());
        assertEquals(claims.expiresAt(), token.expiresAt());
        assertTrue(token.compact().endsWith(claims.tokenId()), "the token returned is the one signed");
        return claims;
    }
}
