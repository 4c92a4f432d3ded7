package io.serverlessmfa.functions.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.enrollment.LockoutPolicy;
import io.serverlessmfa.core.enrollment.MfaPolicy;
import io.serverlessmfa.core.enrollment.SetupChangeLimit;
import io.serverlessmfa.core.totp.HmacAlgorithm;
import io.serverlessmfa.functions.crypto.DataKeyCaching;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class MfaConfigurationTest {

    private static Map<String, String> minimal() {
        Map<String, String> environment = new HashMap<>();
        environment.put("MFA_TABLE_NAME", "mfa");
        environment.put("AWS_REGION", "eu-west-1");
        return environment;
    }

    @Test
    void defaultsAreTheContractsDefaults() {
        MfaConfiguration configuration = MfaConfiguration.fromEnvironment(minimal());
        MfaPolicy policy = configuration.policy();
        assertEquals(HmacAlgorithm.SHA1, policy.totp().algorithm());
        assertEquals(6, policy.totp().digits());
        assertEquals(Duration.ofSeconds(30), policy.totp().period());
        assertEquals(1, policy.window());
        assertEquals(LockoutPolicy.defaults(), policy.lockout());
        assertEquals(5, policy.lockout().failuresPerLock());
        assertEquals(Duration.ofMinutes(5), policy.lockout().firstLock());
        assertEquals(Duration.ofHours(24), policy.lockout().longestLock());
        assertEquals(100, policy.lockout().failuresUntilReset());
        assertEquals(SetupChangeLimit.defaults(), policy.setupChanges());
        assertEquals(Duration.ofMinutes(10), policy.pendingLifetime());
        assertEquals(1, policy.recoveryCodeCount());
        assertEquals("Serverless MFA", policy.issuer());
        assertEquals(Optional.empty(), configuration.endpoint());
        assertEquals(Optional.empty(), configuration.kmsKeyId());
    }

    @Test
    void everySettingIsReadFromItsVariable() {
        Map<String, String> environment = minimal();
        environment.putAll(Map.of("MFA_KMS_KEY_ID", "alias/mfa", "MFA_ISSUER", "Example Corp",
                "MFA_TOTP_ALGORITHM", "sha256", "MFA_TOTP_DIGITS", "8", "MFA_TOTP_PERIOD_SECONDS", "60",
                "MFA_TOTP_WINDOW", "2", "MFA_LOCKOUT_FAILURES_PER_LOCK", "10", "MFA_LOCKOUT_FIRST_LOCK_SECONDS", "900",
                "MFA_PENDING_SETUP_SECONDS", "120", "MFA_RECOVERY_CODE_COUNT", "10"));
        environment.putAll(Map.of("MFA_LOCKOUT_LONGEST_LOCK_SECONDS", "7200", "MFA_LOCKOUT_FAILURES_UNTIL_RESET", "50",
                "MFA_SETUP_CHANGE_LIMIT", "3", "MFA_SETUP_CHANGE_WINDOW_SECONDS", "600"));
        environment.put("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
        MfaConfiguration configuration = MfaConfiguration.fromEnvironment(environment);
        MfaPolicy policy = configuration.policy();
        assertEquals("alias/mfa", configuration.requireKmsKeyId());
        assertEquals("Example Corp", policy.issuer());
        assertEquals(HmacAlgorithm.SHA256, policy.totp().algorithm());
        assertEquals(8, policy.totp().digits());
        assertEquals(Duration.ofSeconds(60), policy.totp().period());
        assertEquals(2, policy.window());
        assertEquals(new LockoutPolicy(10, Duration.ofSeconds(900), Duration.ofHours(2), 50), policy.lockout());
        assertEquals(new SetupChangeLimit(3, Duration.ofMinutes(10)), policy.setupChanges());
        assertEquals(Duration.ofSeconds(120), policy.pendingLifetime());
        assertEquals(10, policy.recoveryCodeCount());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:4566")), configuration.endpoint());
    }

    @ParameterizedTest
    @CsvSource({
        "MFA_TABLE_NAME, ''",
        "AWS_REGION, ''",
        "MFA_TOTP_ALGORITHM, MD5",
        "MFA_TOTP_DIGITS, 5",
        "MFA_TOTP_DIGITS, 9",
        "MFA_TOTP_DIGITS, six",
        "MFA_TOTP_PERIOD_SECONDS, 0",
        "MFA_TOTP_WINDOW, 11",
        "MFA_LOCKOUT_MAX_FAILURES, 5",
        "MFA_LOCKOUT_SECONDS, 300",
        "MFA_LOCKOUT_FAILURES_PER_LOCK, 0",
        "MFA_LOCKOUT_FAILURES_PER_LOCK, 101",
        "MFA_LOCKOUT_FIRST_LOCK_SECONDS, -1",
        "MFA_LOCKOUT_FIRST_LOCK_SECONDS, 86401",
        "MFA_LOCKOUT_LONGEST_LOCK_SECONDS, 299",
        "MFA_LOCKOUT_LONGEST_LOCK_SECONDS, 604801",
        "MFA_LOCKOUT_FAILURES_UNTIL_RESET, 4",
        "MFA_LOCKOUT_FAILURES_UNTIL_RESET, 101",
        "MFA_SETUP_CHANGE_LIMIT, 0",
        "MFA_SETUP_CHANGE_LIMIT, 1001",
        "MFA_SETUP_CHANGE_WINDOW_SECONDS, 59",
        "MFA_PENDING_SETUP_SECONDS, 59",
        "MFA_RECOVERY_CODE_COUNT, 0",
        "MFA_RECOVERY_CODE_COUNT, 17",
        "MFA_ISSUER, Example:Corp",
        "AWS_ENDPOINT_URL, not a url",
        "MFA_METRICS_NAMESPACE, AWS/Lambda",
        "MFA_METRICS_NAMESPACE, with space",
        "MFA_DATA_KEY_MAX_AGE_SECONDS, -1",
        "MFA_DATA_KEY_MAX_AGE_SECONDS, 86401",
        "MFA_DATA_KEY_MAX_USES, 0",
        "MFA_DATA_KEY_MAX_USES, 4294967296",
        "MFA_DATA_KEY_CACHE_ENTRIES, 0",
        "MFA_REAUTHENTICATION_MINUTES, 0",
        "MFA_REAUTHENTICATION_MINUTES, 1441",
        "MFA_REAUTHENTICATION_MINUTES, 60s",
    })
    void anInvalidValueStopsInitWithAMessageNamingTheVariable(String variable, String value) {
        Map<String, String> environment = minimal();
        environment.put(variable, value);
        ConfigurationException failure = assertThrows(ConfigurationException.class,
                () -> MfaConfiguration.fromEnvironment(environment));
        assertTrue(failure.getMessage().startsWith(variable + " "), failure.getMessage());
    }

    @Test
    void dataKeysAreCachedWithinBoundsUnlessTurnedOff() {
        assertEquals(DataKeyCaching.DEFAULT, MfaConfiguration.fromEnvironment(minimal()).dataKeyCaching());

        Map<String, String> environment = minimal();
        environment.put("MFA_DATA_KEY_MAX_AGE_SECONDS", "60");
        environment.put("MFA_DATA_KEY_MAX_USES", "500");
        environment.put("MFA_DATA_KEY_CACHE_ENTRIES", "20");
        assertEquals(new DataKeyCaching(Duration.ofSeconds(60), 500, 20),
                MfaConfiguration.fromEnvironment(environment).dataKeyCaching());

        environment.put("MFA_DATA_KEY_MAX_AGE_SECONDS", "0");
        assertEquals(DataKeyCaching.OFF, MfaConfiguration.fromEnvironment(environment).dataKeyCaching());
    }

    @Test
    void theKmsKeyIsRequiredOnlyWhereKmsIsUsed() {
        MfaConfiguration configuration = MfaConfiguration.fromEnvironment(minimal());
        ConfigurationException failure = assertThrows(ConfigurationException.class, configuration::requireKmsKeyId);
        assertTrue(failure.getMessage().startsWith("MFA_KMS_KEY_ID "));
    }

    @Test
    void aSignInMayBeAnHourOldForTheChangesThatMatterUnlessConfiguredFromAMinuteToADay() {
        assertEquals(Duration.ofMinutes(60), MfaConfiguration.fromEnvironment(minimal()).reauthenticationAge());
        Map<String, String> environment = minimal();
        for (String minutes : List.of("1", "15", "1440")) {
            environment.put(MfaConfiguration.REAUTHENTICATION_MINUTES, minutes);
            assertEquals(Duration.ofMinutes(Long.parseLong(minutes)),
                    MfaConfiguration.fromEnvironment(environment).reauthenticationAge());
        }
    }

    @Test
    void theOperatorGroupIsMfaAdminUnlessSetAndMustBeOneElementOfAGroupsClaim() {
        assertEquals("mfa-admin", MfaConfiguration.fromEnvironment(minimal()).operatorGroup());
        Map<String, String> environment = new java.util.HashMap<>(minimal());
        environment.put(MfaConfiguration.OPERATOR_GROUP, "helpdesk-tier-2");
        assertEquals("helpdesk-tier-2", MfaConfiguration.fromEnvironment(environment).operatorGroup());
        for (String invalid : List.of("two words", "[mfa-admin]", "x".repeat(129), "tab\there")) {
            environment.put(MfaConfiguration.OPERATOR_GROUP, invalid);
            ConfigurationException refused = assertThrows(ConfigurationException.class, () -> MfaConfiguration.fromEnvironment(environment));
            assertTrue(refused.getMessage().contains(MfaConfiguration.OPERATOR_GROUP), refused.getMessage());
        }
    }
}
