package io.serverlessmfa.core.enrollment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fresh sign-in of setup, regeneration and removal: {@code auth_time} (else {@code iat}) at most
 * the maximum age old and at most 5 minutes ahead, read from the claims' text as API Gateway hands
 * it over; anything else is 401 reauthentication_required.
 */
class FreshSignInTest {

    /** A whole second, as the claims are. */
    private static final Instant NOW = Instant.parse("2026-11-28T10:15:30Z");
    private final MutableClock clock = new MutableClock(NOW);
    private final FreshSignIn hourly = new FreshSignIn(Duration.ofMinutes(60), clock);

    private static Map<String, String> claims(String... namesAndValues) {
        Map<String, String> claims = new HashMap<>();
        claims.put("sub", "user-1");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            claims.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return claims;
    }

    private static String seconds(Instant at) {
        return Long.toString(at.getEpochSecond());
    }

    private void assertFresh(Map<String, String> claims) {
        assertDoesNotThrow(() -> hourly.require(claims), claims::toString);
    }

    private void assertRefused(Map<String, String> claims) {
        MfaRejection rejection = assertThrows(MfaRejection.class, () -> hourly.require(claims), claims::toString);
        assertEquals(MfaRejection.Reason.REAUTHENTICATION_REQUIRED, rejection.reason());
    }

    @Test
    void aSignInExactlyTheMaximumAgeOldIsStillFresh() {
        assertFresh(claims("auth_time", seconds(NOW.minus(Duration.ofMinutes(60)))));
        assertFresh(claims("iat", seconds(NOW.minus(Duration.ofMinutes(60)))));
    }

    @Test
    void aSignInOneSecondOverTheMaximumAgeIsRefused() {
        assertRefused(claims("auth_time", seconds(NOW.minus(Duration.ofMinutes(60)).minusSeconds(1))));
        assertRefused(claims("iat", seconds(NOW.minus(Duration.ofMinutes(60)).minusSeconds(1))));
    }

    @Test
    void aSignInJustNowIsFresh() {
        assertFresh(claims("auth_time", seconds(NOW), "iat", seconds(NOW)));
    }

    @Test
    void theSameTokenGoesStaleAsTheClockMovesOn() {
        Map<String, String> token = claims("auth_time", seconds(NOW), "iat", seconds(NOW));
        clock.advance(Duration.ofMinutes(60));
        assertFresh(token);
        clock.advance(Duration.ofMillis(1));
        assertRefused(token);
    }

    @Test
    void authTimeIsPreferredOverIat() {
        // Refreshed without a new sign-in: issued just now for a sign-in two hours ago.
        assertRefused(claims("auth_time", seconds(NOW.minus(Duration.ofHours(2))), "iat", seconds(NOW)));
        // And the other way round: auth_time decides, not the older of the two.
        assertFresh(claims("auth_time", seconds(NOW), "iat", seconds(NOW.minus(Duration.ofHours(2)))));
    }

    @Test
    void iatDecidesOnlyWithoutAuthTime() {
        assertFresh(claims("iat", seconds(NOW.minus(Duration.ofMinutes(59)))));
        assertRefused(claims("iat", seconds(NOW.minus(Duration.ofMinutes(61)))));
    }

    @Test
    void aTokenWithNeitherClaimIsRefused() {
        assertRefused(claims());
        assertRefused(claims("exp", seconds(NOW.plus(Duration.ofMinutes(30))), "nbf", seconds(NOW)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "yesterday", "-60", "-0", "+1795860000", " 1795860000", "1795860000 ", "1795860000abc",
        "0x6b0a3c20", "1_795_860_000", "01795860000", "1795860000.", ".5", "1e", "1e+", "1e100", "1E999999999",
        "NaN", "Infinity", "null", "true", "[1795860000]", "\"1795860000\"", "Fri Nov 28 10:00:00 UTC 2026",
        "2026-11-28T10:00:00Z", "99999999999999999999999", "1795860000.0000000000000000000000000000001"})
    void garbageIsRefusedAndNeverFallsBackToIat(String authTime) {
        assertRefused(claims("auth_time", authTime, "iat", seconds(NOW)));
        assertRefused(claims("iat", authTime));
    }

    @Test
    void readingAnAbsurdExponentIsCheap() {
        // A scale of 10^-99 at most: the pattern refuses longer exponents before BigDecimal sees them.
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            assertRefused(claims("auth_time", "1e-999999999"));
            assertRefused(claims("auth_time", "1e999999999"));
            assertRefused(claims("auth_time", "1e-99"));
            assertRefused(claims("auth_time", "9e99"));
        });
    }

    @ParameterizedTest
    @CsvSource({
        "1795860930, 2026-11-28T10:15:30Z",
        "1795860930.999, 2026-11-28T10:15:30Z",
        "1795860930.0, 2026-11-28T10:15:30Z",
        "1.79586093E9, 2026-11-28T10:15:30Z",
        "1.79586093e+9, 2026-11-28T10:15:30Z",
        "179586093000e-2, 2026-11-28T10:15:30Z",
        "0, 1970-01-01T00:00:00Z",
    })
    void aNumericDateIsReadAsTheJsonNumberItIsWrittenAs(String text, String expected) {
        assertEquals(Optional.of(Instant.parse(expected)), FreshSignIn.numericDate(text));
    }

    @Test
    void aSignInUpToFiveMinutesAheadCountsForClockSkewAndNoFurther() {
        assertFresh(claims("auth_time", seconds(NOW.plus(FreshSignIn.CLOCK_SKEW))));
        assertRefused(claims("auth_time", seconds(NOW.plus(FreshSignIn.CLOCK_SKEW).plusSeconds(1))));
        assertRefused(claims("auth_time", seconds(NOW.plus(Duration.ofDays(365)))));
        assertRefused(claims("iat", seconds(NOW.plus(FreshSignIn.CLOCK_SKEW).plusSeconds(1))));
    }

    @Test
    void theMaximumAgeIsTheConfiguredOne() {
        FreshSignIn fiveMinutes = new FreshSignIn(Duration.ofMinutes(5), clock);
        Map<String, String> sixMinutesAgo = claims("auth_time", seconds(NOW.minus(Duration.ofMinutes(6))));

        assertDoesNotThrow(() -> hourly.require(sixMinutesAgo));
        MfaRejection rejection = assertThrows(MfaRejection.class, () -> fiveMinutes.require(sixMinutesAgo));
        assertEquals(MfaRejection.Reason.REAUTHENTICATION_REQUIRED, rejection.reason());
        assertEquals(Duration.ofMinutes(5), fiveMinutes.maxAge());
    }

    @Test
    void theMaximumAgeIsFromAMinuteToADay() {
        assertDoesNotThrow(() -> new FreshSignIn(Duration.ofMinutes(1), clock));
        assertDoesNotThrow(() -> new FreshSignIn(Duration.ofMinutes(1440), clock));
        assertThrows(IllegalArgumentException.class, () -> new FreshSignIn(Duration.ofSeconds(59), clock));
        assertThrows(IllegalArgumentException.class, () -> new FreshSignIn(Duration.ofMinutes(1441), clock));
        assertThrows(IllegalArgumentException.class, () -> new FreshSignIn(null, clock));
        assertEquals(Duration.ofMinutes(60), FreshSignIn.DEFAULT_MAX_AGE);
    }
}
