package io.serverlessmfa.core.enrollment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.serverlessmfa.core.totp.HmacAlgorithm;
import io.serverlessmfa.core.totp.TotpSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyTest {

    private static final String ISSUER = "Example Corp";
    private static final TotpSettings TOTP = TotpSettings.defaults();
    private static final LockoutPolicy LOCKOUT = LockoutPolicy.defaults();
    private static final Duration LIFETIME = Duration.ofMinutes(10);

    private static MfaPolicy policyWithLifetime(Duration lifetime) {
        return new MfaPolicy(ISSUER, TOTP, 1, LOCKOUT, lifetime, 1);
    }

    // ---- LockoutPolicy ----

    @Test
    void lockoutDefaultsAreTheContracts() {
        assertEquals(new LockoutPolicy(5, Duration.ofMinutes(5), Duration.ofHours(24), 100), LockoutPolicy.defaults());
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 101, 1000})
    void lockoutRejectsFailuresPerLockOutside1To100(int failuresPerLock) {
        assertThrows(IllegalArgumentException.class,
                () -> new LockoutPolicy(failuresPerLock, Duration.ofMinutes(5), Duration.ofHours(1), 100));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 100})
    void lockoutAcceptsFailuresPerLockFrom1To100(int failuresPerLock) {
        assertDoesNotThrow(() -> new LockoutPolicy(failuresPerLock, Duration.ofMinutes(5), Duration.ofHours(1), 100));
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 101, 0, -1})
    void theLockUntilResetComesAtTheEarliestAtTheFirstLockAndAtTheLatestAt100(int failuresUntilReset) {
        assertThrows(IllegalArgumentException.class,
                () -> new LockoutPolicy(5, Duration.ofMinutes(5), Duration.ofHours(1), failuresUntilReset));
        assertDoesNotThrow(() -> new LockoutPolicy(5, Duration.ofMinutes(5), Duration.ofHours(1), 5));
    }

    @Test
    void lockoutRejectsAMissingZeroOrNegativeFirstLockAndALongestLockShorterThanIt() {
        Duration day = Duration.ofHours(24);
        assertThrows(IllegalArgumentException.class, () -> new LockoutPolicy(5, null, day, 100));
        assertThrows(IllegalArgumentException.class, () -> new LockoutPolicy(5, Duration.ZERO, day, 100));
        assertThrows(IllegalArgumentException.class, () -> new LockoutPolicy(5, Duration.ofSeconds(-1), day, 100));
        assertThrows(IllegalArgumentException.class, () -> new LockoutPolicy(5, Duration.ofMinutes(5), null, 100));
        assertThrows(IllegalArgumentException.class,
                () -> new LockoutPolicy(5, Duration.ofMinutes(5), Duration.ofMinutes(4), 100));
        assertDoesNotThrow(() -> new LockoutPolicy(5, Duration.ofNanos(1), Duration.ofNanos(1), 100));
    }

    @ParameterizedTest
    @CsvSource({"5, 5", "10, 10", "15, 20", "20, 40", "45, 1280", "50, 1440", "95, 1440"})
    void eachLockIsTwiceTheOneBeforeUpToTheLongest(int failures, long minutes) {
        assertEquals(Duration.ofMinutes(minutes), LOCKOUT.lockAfter(failures));
    }

    @Test
    void theLockLengthDoesNotOverflowWithAVeryLongCount() {
        LockoutPolicy everyFailure = new LockoutPolicy(1, Duration.ofSeconds(1), Duration.ofDays(7), 100);
        assertEquals(Duration.ofDays(7), everyFailure.lockAfter(99));
    }

    // ---- MfaPolicy ----

    @Test
    void mfaDefaultsAreTheContractsDefaults() {
        MfaPolicy defaults = MfaPolicy.defaults(ISSUER);

        assertEquals(ISSUER, defaults.issuer());
        assertEquals(HmacAlgorithm.SHA1, defaults.totp().algorithm());
        assertEquals(6, defaults.totp().digits());
        assertEquals(Duration.ofSeconds(30), defaults.totp().period());
        assertEquals(1, defaults.window());
        assertEquals(LockoutPolicy.defaults(), defaults.lockout());
        assertEquals(Duration.ofMinutes(10), defaults.pendingLifetime());
        assertEquals(1, defaults.recoveryCodeCount());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "Example:Corp", ":"})
    void mfaPolicyRejectsAnIssuerThatIsBlankOrHasAColon(String issuer) {
        assertThrows(IllegalArgumentException.class, () -> new MfaPolicy(issuer, TOTP, 1, LOCKOUT, LIFETIME, 1));
        if (issuer != null) {
            assertThrows(IllegalArgumentException.class, () -> MfaPolicy.defaults(issuer));
        }
    }

    @Test
    void mfaPolicyRequiresTotpAndLockoutSettings() {
        assertThrows(IllegalArgumentException.class, () -> new MfaPolicy(ISSUER, null, 1, LOCKOUT, LIFETIME, 1));
        assertThrows(IllegalArgumentException.class, () -> new MfaPolicy(ISSUER, TOTP, 1, null, LIFETIME, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 11, Integer.MAX_VALUE})
    void mfaPolicyRejectsAWindowOutside0To10(int window) {
        assertThrows(IllegalArgumentException.class, () -> new MfaPolicy(ISSUER, TOTP, window, LOCKOUT, LIFETIME, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 10})
    void mfaPolicyAcceptsAWindowFrom0To10(int window) {
        assertDoesNotThrow(() -> new MfaPolicy(ISSUER, TOTP, window, LOCKOUT, LIFETIME, 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 17})
    void mfaPolicyRejectsARecoveryCodeCountOutside1To16(int count) {
        assertThrows(IllegalArgumentException.class, () -> new MfaPolicy(ISSUER, TOTP, 1, LOCKOUT, LIFETIME, count));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16})
    void mfaPolicyAcceptsARecoveryCodeCountFrom1To16(int count) {
        assertDoesNotThrow(() -> new MfaPolicy(ISSUER, TOTP, 1, LOCKOUT, LIFETIME, count));
    }

    @Test
    void mfaPolicyRejectsAMissingOrTooShortPendingLifetime() {
        assertThrows(IllegalArgumentException.class, () -> policyWithLifetime(null));
        assertThrows(IllegalArgumentException.class, () -> policyWithLifetime(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> policyWithLifetime(Duration.ofMinutes(-10)));
        assertThrows(IllegalArgumentException.class, () -> policyWithLifetime(Duration.ofSeconds(59)));
        assertThrows(IllegalArgumentException.class, () -> policyWithLifetime(Duration.ofMillis(59_999)));
    }

    @Test
    void mfaPolicyRejectsAPendingLifetimeOfAWholeHourOverADay() {
        assertThrows(IllegalArgumentException.class, () -> policyWithLifetime(Duration.ofHours(25)));
        assertThrows(IllegalArgumentException.class, () -> policyWithLifetime(Duration.ofDays(7)));
    }

    @Test
    void mfaPolicyAcceptsAPendingLifetimeFromOneMinuteToOneDay() {
        assertDoesNotThrow(() -> policyWithLifetime(Duration.ofMinutes(1)));
        assertDoesNotThrow(() -> policyWithLifetime(Duration.ofMinutes(10)));
        assertDoesNotThrow(() -> policyWithLifetime(Duration.ofHours(24)));
    }

    @Test
    void mfaPolicyRejectsAPendingLifetimeJustOverADay() {
        assertThrows(IllegalArgumentException.class,
                () -> policyWithLifetime(Duration.ofHours(24).plusSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> policyWithLifetime(Duration.ofHours(24).plusMinutes(59)));
    }
}
