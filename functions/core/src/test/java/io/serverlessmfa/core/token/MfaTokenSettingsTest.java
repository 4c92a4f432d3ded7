package io.serverlessmfa.core.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A token lives whole seconds from 60 s to 12 h; the default is 5 minutes (contract: "Defaults"). */
class MfaTokenSettingsTest {

    private static final String AUDIENCE = "example-portal";

    static Stream<Duration> allowedLifetimes() {
        return Stream.of(Duration.ofSeconds(60), Duration.ofSeconds(61), Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofHours(12).minusSeconds(1), Duration.ofHours(12));
    }

    static Stream<Duration> refusedLifetimes() {
        return Stream.of(Duration.ZERO, Duration.ofSeconds(-300), Duration.ofSeconds(1), Duration.ofSeconds(59),
                Duration.ofSeconds(60).minusNanos(1), Duration.ofHours(12).plusSeconds(1),
                Duration.ofHours(12).plusNanos(1), Duration.ofDays(1),
                // not whole seconds, though within the range
                Duration.ofMillis(90_500), Duration.ofSeconds(60).plusNanos(1), Duration.ofMinutes(5).plusMillis(1));
    }

    @ParameterizedTest
    @MethodSource("allowedLifetimes")
    void aLifetimeOfWholeSecondsFrom60SecondsTo12HoursIsAccepted(Duration lifetime) {
        assertEquals(lifetime, new MfaTokenSettings(AUDIENCE, lifetime).lifetime());
    }

    @ParameterizedTest
    @MethodSource("refusedLifetimes")
    void anyOtherLifetimeIsRefused(Duration lifetime) {
        assertThrows(IllegalArgumentException.class, () -> new MfaTokenSettings(AUDIENCE, lifetime));
    }

    @Test
    void theDefaultLifetimeIsFiveMinutesAndAllowed() {
        assertEquals(Duration.ofMinutes(5), MfaTokenSettings.DEFAULT_LIFETIME);
        assertEquals(Duration.ofMinutes(5), new MfaTokenSettings(AUDIENCE, MfaTokenSettings.DEFAULT_LIFETIME).lifetime());
    }

    @Test
    void theBoundsAreTheContracts() {
        assertEquals(Duration.ofSeconds(60), MfaTokenSettings.MIN_LIFETIME);
        assertEquals(Duration.ofHours(12), MfaTokenSettings.MAX_LIFETIME);
    }

    @Test
    void aMissingLifetimeIsRefused() {
        assertThrows(NullPointerException.class, () -> new MfaTokenSettings(AUDIENCE, null));
    }

    @Test
    void anEmptyOrMissingAudienceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MfaTokenSettings("", Duration.ofMinutes(5)));
        assertThrows(NullPointerException.class, () -> new MfaTokenSettings(null, Duration.ofMinutes(5)));
    }

    @Test
    void theAudienceIsKept() {
        assertEquals(AUDIENCE, new MfaTokenSettings(AUDIENCE, Duration.ofMinutes(5)).audience());
    }
}
