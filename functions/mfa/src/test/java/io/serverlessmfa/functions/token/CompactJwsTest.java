package io.serverlessmfa.functions.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.core.token.Nonce;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CompactJwsTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
    private static final Instant NOW = Instant.parse("2026-12-04T10:15:30Z");
    private static final MfaTokenClaims CLAIMS = new MfaTokenClaims("https://mfa.example.com", "user-1", "portal",
            NOW, NOW.plusSeconds(300), NOW, "jti-0123456789abcdef", List.of(AuthenticationMethod.ONE_TIME_PASSWORD),
            Optional.of(new Nonce("n-1")));

    private final KeyPair key = Es256.generate(RANDOM);
    private final String kid = SigningKey.thumbprint((ECPublicKey) key.getPublic());
    private final Function<String, Optional<ECPublicKey>> published =
            candidate -> candidate.equals(kid) ? Optional.of((ECPublicKey) key.getPublic()) : Optional.empty();

    @Test
    void aSignedTokenReadsBackToTheSameClaims() {
        String compact = CompactJws.sign(CLAIMS, kid, key.getPrivate(), RANDOM);

        assertEquals(Optional.of(CLAIMS), CompactJws.verify(compact, published));
    }

    @Test
    void theHeaderNamesEs256AndTheKid() {
        String header = decode(CompactJws.sign(CLAIMS, kid, key.getPrivate(), RANDOM).split("\\.")[0]);

        assertEquals("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}", header);
    }

    @Test
    void aChangedPayloadIsRefused() {
        String[] parts = CompactJws.sign(CLAIMS, kid, key.getPrivate(), RANDOM).split("\\.");
        String forged = encode(decode(parts[1]).replace("user-1", "user-2"));

        assertTrue(CompactJws.verify(parts[0] + "." + forged + "." + parts[2], published).isEmpty());
    }

    @Test
    void aTokenOfAnotherKeyIsRefusedEvenUnderAPublishedKid() {
        KeyPair other = Es256.generate(RANDOM);

        assertTrue(CompactJws.verify(CompactJws.sign(CLAIMS, kid, other.getPrivate(), RANDOM), published).isEmpty());
    }

    @Test
    void anUnpublishedKidIsRefused() {
        KeyPair other = Es256.generate(RANDOM);
        String otherKid = SigningKey.thumbprint((ECPublicKey) other.getPublic());

        assertTrue(CompactJws.verify(CompactJws.sign(CLAIMS, otherKid, other.getPrivate(), RANDOM), published).isEmpty());
    }

    @Test
    void algNoneIsRefused() {
        String[] parts = CompactJws.sign(CLAIMS, kid, key.getPrivate(), RANDOM).split("\\.");
        String none = encode("{\"alg\":\"none\",\"kid\":\"" + kid + "\"}");

        assertTrue(CompactJws.verify(none + "." + parts[1] + ".", published).isEmpty());
        assertTrue(CompactJws.verify(none + "." + parts[1] + "." + parts[2], published).isEmpty());
    }

    @Test
    void hs256SignedWithThePublicKeyIsRefused() throws Exception {
        String[] parts = CompactJws.sign(CLAIMS, kid, key.getPrivate(), RANDOM).split("\\.");
        String header = encode("{\"alg\":\"HS256\",\"kid\":\"" + kid + "\"}");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getPublic().getEncoded(), "HmacSHA256"));
        String signature = BASE64URL.encodeToString(mac.doFinal((header + "." + parts[1]).getBytes(StandardCharsets.US_ASCII)));

        assertTrue(CompactJws.verify(header + "." + parts[1] + "." + signature, published).isEmpty());
    }

    @Test
    void aCriticalHeaderIsRefused() {
        String[] parts = CompactJws.sign(CLAIMS, kid, key.getPrivate(), RANDOM).split("\\.");
        String header = encode("{\"alg\":\"ES256\",\"kid\":\"" + kid + "\",\"crit\":[\"exp\"]}");
        String signingInput = header + "." + parts[1];
        String signature = BASE64URL.encodeToString(Es256.sign(key.getPrivate(), signingInput.getBytes(StandardCharsets.US_ASCII), RANDOM));

        assertTrue(CompactJws.verify(signingInput + "." + signature, published).isEmpty());
    }

    @Test
    void malformedTokensAreRefusedWithoutAnException() {
        String valid = CompactJws.sign(CLAIMS, kid, key.getPrivate(), RANDOM);
        for (String malformed : List.of("", "a.b", "a.b.c.d", "!!.!!.!!", valid + "x", valid.replace('.', ','),
                "x".repeat(CompactJws.MAX_LENGTH + 1))) {
            assertTrue(CompactJws.verify(malformed, published).isEmpty(), malformed);
        }
        assertTrue(CompactJws.verify(null, published).isEmpty());
    }

    @Test
    void aPayloadWithoutARequiredClaimIsRefusedEvenWhenSigned() {
        String header = encode("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"" + kid + "\"}");
        String payload = encode("{\"iss\":\"https://mfa.example.com\",\"sub\":\"user-1\",\"aud\":\"portal\",\"iat\":1,\"exp\":2}");
        String signingInput = header + "." + payload;
        String signature = BASE64URL.encodeToString(Es256.sign(key.getPrivate(), signingInput.getBytes(StandardCharsets.US_ASCII), RANDOM));

        assertTrue(CompactJws.verify(signingInput + "." + signature, published).isEmpty());
    }

    @Test
    void twoSignaturesOfTheSameClaimsDifferBecauseEcdsaDrawsAFreshNonce() {
        String first = CompactJws.sign(CLAIMS, kid, key.getPrivate(), RANDOM);
        String second = CompactJws.sign(CLAIMS, kid, key.getPrivate(), RANDOM);

        assertEquals(first.substring(0, first.lastIndexOf('.')), second.substring(0, second.lastIndexOf('.')));
        assertTrue(!first.equals(second));
    }

    private static String decode(String part) {
        return new String(BASE64URL_DECODER.decode(part), StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return BASE64URL.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
