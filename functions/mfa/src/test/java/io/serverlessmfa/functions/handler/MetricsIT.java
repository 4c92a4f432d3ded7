package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.PrintedMetrics;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The EMF metrics of a whole user journey, read back from what the handlers write to standard
 * output (what CloudWatch Logs would extract): each event counted once, under the right function
 * and outcome, in the configured namespace, with no dimension but function and outcome.
 */
class MetricsIT {

    @Test
    void aUserJourneyEmitsEachEventOnceUnderItsFunctionAndOutcome() {
        AwsEmulator emulator = AwsEmulator.get();
        MutableClock clock = MutableClock.atStepStart();
        TestUser user = TestUser.random();
        PrintedMetrics.Counted printed = PrintedMetrics.whileRunning("Test/Mfa", () -> {
            // Built inside: each handler takes System.out when it is constructed.
            MfaApi api = MfaApi.over(emulator, clock, Map.of(MfaConfiguration.METRICS_NAMESPACE, "Test/Mfa"));
            MfaFixtures fixtures = new MfaFixtures(api, clock);

            String secret = assertSuccess(201, api.setup(user)).text("secret");
            assertError(400, "invalid_code", api.confirm(user, fixtures.wrongCode(secret)));
            String recoveryCode = assertSuccess(200, api.confirm(user, api.codeFor(secret))).texts("recoveryCodes").get(0);
            clock.advance(Duration.ofSeconds(30));
            assertSuccess(200, api.verify(user, api.codeFor(secret)));
            for (int i = 0; i < 5; i++) {
                assertError(400, "invalid_code", api.verify(user, fixtures.wrongCode(secret)));
            }
            assertError(429, "too_many_attempts", api.verify(user, fixtures.nextCode(secret)));
            clock.advance(Duration.ofMinutes(6));
            String replacement = assertSuccess(200, api.recover(user, recoveryCode)).texts("recoveryCodes").get(0);
            assertSuccess(200, api.regenerate(user, fixtures.nextCode(secret)));
            assertError(400, "invalid_recovery_code", api.removeWithRecoveryCode(user, replacement));
            assertSuccess(200, api.removeWithCode(user, fixtures.nextCode(secret)));
            assertSuccess(201, api.setup(user));
            assertSuccess(200, api.call("POST /mfa/remove", user, "{}"));
            assertSuccess(200, api.status(user));
        });
        Map<String, Integer> counted = printed.counts();
        int documents = printed.documents();

        Map<String, Integer> expected = new TreeMap<>(Map.ofEntries(
                Map.entry("SetupStarted setup/ok", 2),
                Map.entry("VerifyFailed confirm/invalid_code", 1),
                Map.entry("MfaEnabled confirm/ok", 1),
                Map.entry("VerifySucceeded confirm/ok", 1),
                Map.entry("VerifySucceeded verify/ok", 1),
                Map.entry("VerifyFailed verify/invalid_code", 5),
                Map.entry("LockedOut verify/invalid_code", 1),
                Map.entry("VerifySucceeded recover/ok", 1),
                Map.entry("RecoveryCodeUsed recover/ok", 1),
                Map.entry("VerifySucceeded recovery-codes/ok", 1),
                Map.entry("RecoveryCodesRegenerated recovery-codes/ok", 1),
                Map.entry("VerifyFailed remove/invalid_recovery_code", 1),
                Map.entry("VerifySucceeded remove/ok", 1),
                Map.entry("MfaRemoved remove/ok", 1)));
        assertEquals(expected, counted, "every event once; the locked attempt, the cancel and the status reads count nothing");
        System.out.println("metrics: " + documents + " EMF documents for " + counted.values().stream()
                .mapToInt(Integer::intValue).sum() + " events");
    }

    @Test
    void theThirdLockInARowAndEveryLaterOneSignalAnAccountUnderAttack() {
        AwsEmulator emulator = AwsEmulator.get();
        MutableClock clock = MutableClock.atStepStart();
        TestUser user = TestUser.random();
        PrintedMetrics.Counted printed = PrintedMetrics.whileRunning("Test/Attack", () -> {
            MfaApi api = MfaApi.over(emulator, clock, Map.of(MfaConfiguration.METRICS_NAMESPACE, "Test/Attack"));
            MfaFixtures fixtures = new MfaFixtures(api, clock);
            MfaFixtures.Enabled enabled = fixtures.enabled(user);
            fixtures.failWaitingOutLocks(user, enabled.secret(), 20);
        });

        Map<String, Integer> counted = printed.counts();
        assertEquals(4, counted.get("LockedOut verify/invalid_code"), "locks at 5, 10, 15 and 20 failures");
        assertEquals(2, counted.get("AccountUnderAttack verify/invalid_code"), "the locks at 15 and 20 failures");
    }
}
