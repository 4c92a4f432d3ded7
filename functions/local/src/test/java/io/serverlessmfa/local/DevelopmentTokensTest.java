package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.serverlessmfa.functions.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** The local issuer's tokens pass the check only as the HttpApi JWT authorizer would pass them. */
class DevelopmentTokensTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:15:30Z");
    private final DevelopmentTokens tokens = new DevelopmentTokens(new SecureRandom(), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aFreshTokenCarriesTheClaimsAsStrings() {
        Map<String, String> claims = tokens.verify("Bearer " + tokens.issue("alice@example.com", List.of("mfa-admin"))).orElseThrow();
        assertEquals("alice@example.com", claims.get("sub"));
        assertEquals("alice@example.com", claims.get("email"));
        assertEquals("[mfa-admin]", claims.get("groups"));
        assertEquals(DevelopmentTokens.ISSUER, claims.get("iss"));
        assertEquals(DevelopmentTokens.AUDIENCE, claims.get("aud"));
    }

    @Test
    void aTokenSaysTheUserSignedInWhenItWasIssuedUnlessAskedForAnEarlierSignIn() {
        Map<String, String> now = tokens.verify("Bearer " + tokens.issue("alice@example.com", List.of())).orElseThrow();
        assertEquals(Long.toString(NOW.getEpochSecond()), now.get("iat"));
        assertEquals(now.get("iat"), now.get("auth_time"), "signed in when issued: fresh for its whole hour");

        Instant twoHoursAgo = NOW.minus(Duration.ofHours(2));
        Map<String, String> earlier = tokens.verify("Bearer " + tokens.issue("alice@example.com", List.of(),
                Optional.of(twoHoursAgo))).orElseThrow();
        assertEquals(Long.toString(twoHoursAgo.getEpochSecond()), earlier.get("auth_time"));
        assertEquals(Long.toString(NOW.getEpochSecond()), earlier.get("iat"), "issued now, for the earlier sign-in");
    }

    @Test
    void noSignInAfterNowOrBefore1970() {
        assertThrows(IllegalArgumentException.class,
                () -> tokens.issue("alice@example.com", List.of(), Optional.of(NOW.plusSeconds(1))));
        assertThrows(IllegalArgumentException.class,
                () -> tokens.issue("alice@example.com", List.of(), Optional.of(Instant.EPOCH.minusSeconds(1))));
    }

    @Test
    void missingMalformedOrForeignTokensAreRefused() {
        String token = tokens.issue("alice@example.com", List.of());
        for (String header : new String[] {null, "", "Bearer", "Bearer ", "Basic " + token, "Bearer abc.def",
                "Bearer " + token + ".extra", "Bearer " + token.replace('.', ','),
                "Bearer " + new DevelopmentTokens(new SecureRandom(), Clock.systemUTC()).issue("alice@example.com", List.of())}) {
            assertTrue(tokens.verify(header).isEmpty(), String.valueOf(header));
        }
    }

    @Test
    void aTamperedPayloadOrAnUnsignedTokenIsRefused() {
        String[] parts = tokens.issue("alice@example.com", List.of()).split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.replace("alice@example.com", "bob@example.com").getBytes(StandardCharsets.UTF_8));
        assertTrue(tokens.verify("Bearer " + parts[0] + "." + forged + "." + parts[2]).isEmpty());
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        assertTrue(tokens.verify("Bearer " + none + "." + parts[1] + ".").isEmpty());
    }

    @Test
    void aTokenIsRefusedFromItsExpiryOn() {
        MutableClock clock = new MutableClock(NOW);
        DevelopmentTokens issuer = new DevelopmentTokens(new SecureRandom(), clock);
        String token = "Bearer " + issuer.issue("alice@example.com", List.of());
        clock.advance(DevelopmentTokens.LIFETIME.minusSeconds(1));
        assertTrue(issuer.verify(token).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(issuer.verify(token).isEmpty());
    }
}
