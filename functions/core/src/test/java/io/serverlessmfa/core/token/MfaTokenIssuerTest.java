package io.serverlessmfa.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.DependencyUnavailableException.Dependency;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MfaTokenIssuerTest {

    private static final String ISSUER = "https://mfa.example.com";
    private static final String AUDIENCE = "example-portal";
    private static final String ALICE = "user-alice";
    private static final Instant NOW = Instant.parse("2026-11-28T10:15:10Z");
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final MfaTokenRequest NO_NONCE = new MfaTokenRequest(ISSUER, Optional.empty());

    private final RecordingTokenSigner signer = new RecordingTokenSigner();
    private final MfaTokenIssuer issuer = issuer(LIFETIME);

    private MfaTokenIssuer issuer(Duration lifetime) {
        return new MfaTokenIssuer(signer, new MfaTokenSettings(AUDIENCE, lifetime), new SecureRandom());
    }

    private MfaToken issue(MfaTokenRequest request, AuthenticationMethod method, Instant authenticatedAt) {
        return issuer.prepare(authenticatedAt).issue(request, ALICE, method, authenticatedAt);
    }

    @Test
    void theClaimsSayWhoProvedWhatToWhomAndWhen() {
        issue(NO_NONCE, AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        MfaTokenClaims claims = signer.lastSigned();
        assertEquals(ISSUER, claims.issuer());
        assertEquals(ALICE, claims.subject());
        assertEquals(AUDIENCE, claims.audience());
        assertEquals(NOW, claims.issuedAt());
        assertEquals(NOW.plus(LIFETIME), claims.expiresAt());
        assertEquals(NOW, claims.authenticatedAt());
        assertEquals(List.of(AuthenticationMethod.ONE_TIME_PASSWORD), claims.methods());
        assertEquals(Optional.empty(), claims.nonce());
    }

    @Test
    void theIssuerIsTheOneTheRequestReached() {
        issue(new MfaTokenRequest("http://127.0.0.1:3000", Optional.empty()), AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        assertEquals("http://127.0.0.1:3000", signer.lastSigned().issuer());
    }

    @Test
    void aRecoveryCodeIsNamedRecAndNotOtp() {
        issue(NO_NONCE, AuthenticationMethod.RECOVERY_CODE, NOW);

        assertEquals(List.of(AuthenticationMethod.RECOVERY_CODE), signer.lastSigned().methods());
        assertFalse(signer.lastSigned().provedWith(AuthenticationMethod.ONE_TIME_PASSWORD));
    }

    @Test
    void expIsIatPlusTheConfiguredLifetime() {
        Duration twelveHours = Duration.ofHours(12);
        issuer(twelveHours).prepare(NOW).issue(NO_NONCE, ALICE, AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        MfaTokenClaims claims = signer.lastSigned();
        assertEquals(twelveHours, Duration.between(claims.issuedAt(), claims.expiresAt()));
    }

    @Test
    void timesAreWholeSecondsAndExpStaysIatPlusTheLifetime() {
        Instant checkedAt = NOW.plusMillis(750);

        MfaToken token = issue(NO_NONCE, AuthenticationMethod.ONE_TIME_PASSWORD, checkedAt);

        MfaTokenClaims claims = signer.lastSigned();
        assertEquals(NOW, claims.issuedAt());
        assertEquals(NOW, claims.authenticatedAt());
        assertEquals(NOW.plus(LIFETIME), claims.expiresAt());
        assertEquals(claims.expiresAt(), token.expiresAt());
    }

    @Test
    void theNonceIsEchoedWhenTheRequestCarriedOne() {
        Nonce nonce = new Nonce("n-0S6_WzA2Mj");

        issue(new MfaTokenRequest(ISSUER, Optional.of(nonce)), AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        assertEquals(Optional.of(nonce), signer.lastSigned().nonce());
    }

    @Test
    void thereIsNoNonceWhenTheRequestCarriedNone() {
        issue(new MfaTokenRequest(ISSUER, Optional.of(new Nonce("first"))), AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        issue(NO_NONCE, AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        assertEquals(Optional.empty(), signer.lastSigned().nonce(), "not carried over from an earlier token");
    }

    @Test
    void theJtiIs128BitsOfBase64url() {
        issue(NO_NONCE, AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        String jti = signer.lastSigned().tokenId();
        assertEquals(22, jti.length());
        assertTrue(jti.matches("[A-Za-z0-9_-]{22}"), jti);
        assertEquals(16, Base64.getUrlDecoder().decode(jti).length);
    }

    @Test
    void twoTokensHaveDifferentJtis() {
        issue(NO_NONCE, AuthenticationMethod.ONE_TIME_PASSWORD, NOW);
        issue(NO_NONCE, AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        List<MfaTokenClaims> signed = signer.signed();
        assertEquals(2, signed.size());
        assertNotEquals(signed.get(0).tokenId(), signed.get(1).tokenId());
    }

    @Test
    void twoTokensFromOnePreparedKeyHaveDifferentJtis() {
        MfaTokenIssuer.Prepared prepared = issuer.prepare(NOW);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            prepared.issue(NO_NONCE, ALICE, AuthenticationMethod.ONE_TIME_PASSWORD, NOW);
            ids.add(signer.lastSigned().tokenId());
        }

        assertEquals(50, ids.size());
    }

    @Test
    void theTokenIsWhatTheSignerReturnedAndExpiresWithTheClaims() {
        MfaToken token = issue(NO_NONCE, AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        MfaTokenClaims claims = signer.lastSigned();
        assertEquals(RecordingTokenSigner.COMPACT_PREFIX + "1." + claims.tokenId(), token.compact());
        assertEquals(NOW.plus(LIFETIME), token.expiresAt());
    }

    @Test
    void prepareAsksTheSignerForTheKeyAtThatInstantAndSignsNothing() {
        issuer.prepare(NOW);

        assertEquals(List.of(NOW), signer.prepared());
        assertEquals(0, signer.signedCount());
    }

    @Test
    void anOutageOfTheKeyPropagatesFromPrepare() {
        DependencyUnavailableException outage = new DependencyUnavailableException(Dependency.KEY_SERVICE,
                "injected key outage", null);
        signer.failNextPrepare(outage);

        assertSame(outage, assertThrows(DependencyUnavailableException.class, () -> issuer.prepare(NOW)));
        assertEquals(0, signer.signedCount());
    }

    @Test
    void toStringNeverShowsTheCompactToken() {
        MfaToken token = issue(NO_NONCE, AuthenticationMethod.ONE_TIME_PASSWORD, NOW);

        assertTrue(token.compact().startsWith(RecordingTokenSigner.COMPACT_PREFIX));
        assertFalse(token.toString().contains(token.compact()));
        assertFalse(token.toString().contains(RecordingTokenSigner.COMPACT_PREFIX));
        assertFalse(token.toString().contains(signer.lastSigned().tokenId()));
        assertTrue(token.toString().contains(token.expiresAt().toString()));
    }

    @Test
    void toStringOfARealLookingJwsShowsNoPartOfIt() {
        String header = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0";
        String payload = "eyJzdWIiOiJ1c2VyLWFsaWNlIn0";
        String signature = "c2lnbmF0dXJlLWJ5dGVz";
        MfaToken token = new MfaToken(header + "." + payload + "." + signature, NOW);

        String shown = token.toString();
        assertFalse(shown.contains(header));
        assertFalse(shown.contains(payload));
        assertFalse(shown.contains(signature));
    }
}
