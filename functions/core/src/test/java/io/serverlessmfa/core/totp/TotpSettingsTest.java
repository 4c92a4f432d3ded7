package io.serverlessmfa.core.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TotpSettingsTest {

    @Test
    void defaultsAreSha1SixDigitsThirtySeconds() {
        TotpSettings defaults = TotpSettings.defaults();
        assertEquals(HmacAlgorithm.SHA1, defaults.algorithm());
        assertEquals(6, defaults.digits());
        assertEquals(Duration.ofSeconds(30), defaults.period());
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 7, 8})
    void acceptsSixToEightDigits(int digits) {
        assertEquals(digits, new TotpSettings(HmacAlgorithm.SHA256, digits, Duration.ofSeconds(60)).digits());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 5, 9, 10})
    void rejectsDigitsOutsideSixToEight(int digits) {
        assertThrows(IllegalArgumentException.class,
                () -> new TotpSettings(HmacAlgorithm.SHA1, digits, Duration.ofSeconds(30)));
    }

    @Test
    void acceptsOneSecondPeriod() {
        assertEquals(Duration.ofSeconds(1), new TotpSettings(HmacAlgorithm.SHA1, 6, Duration.ofSeconds(1)).period());
    }

    @Test
    void rejectsZeroNegativeAndFractionalPeriods() {
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings(HmacAlgorithm.SHA1, 6, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings(HmacAlgorithm.SHA1, 6, Duration.ofSeconds(-30)));
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings(HmacAlgorithm.SHA1, 6, Duration.ofMillis(500)));
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings(HmacAlgorithm.SHA1, 6, Duration.ofMillis(30_500)));
    }

    @Test
    void rejectsNullComponents() {
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings(null, 6, Duration.ofSeconds(30)));
        assertThrows(IllegalArgumentException.class, () -> new TotpSettings(HmacAlgorithm.SHA1, 6, null));
    }
}
