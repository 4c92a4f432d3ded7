package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertLocked;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RouteTest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /mfa/confirm}: PENDING → ENABLED with the first code from the app. */
class ConfirmIT extends RouteTest {

    private static final String CONFIRM = "POST /mfa/confirm";

    @Test
    void theCurrentCodeEnablesMfaAndShowsTheRecoveryCodesOnce() {
        String secret = fixtures.pending(user);

        ApiResult confirmed = assertSuccess(200, api.confirm(user, api.codeFor(secret)));

        assertEquals("ENABLED", confirmed.text("status"));
        List<String> codes = confirmed.texts("recoveryCodes");
        assertEquals(1, codes.size(), "one recovery code by default");
        assertTrue(codes.get(0).matches("[A-Z2-7]{4}(-[A-Z2-7]{4}){5}"), codes.get(0));
        fixtures.assertStatus(user, "ENABLED");
    }

    @Test
    void theConfiguredNumberOfDistinctRecoveryCodesIsIssued() {
        MfaApi fiveCodes = MfaApi.over(AwsEmulator.get(), clock, Map.of("MFA_RECOVERY_CODE_COUNT", "5"));
        String secret = new MfaFixtures(fiveCodes, clock).pending(user);

        List<String> codes = assertSuccess(200, fiveCodes.confirm(user, fiveCodes.codeFor(secret))).texts("recoveryCodes");

        assertEquals(5, codes.size());
        assertEquals(5, new HashSet<>(codes).size(), "distinct codes");
    }

    @Test
    void theConfirmingCodeCountsAsUsed() {
        String secret = fixtures.pending(user);
        String code = api.codeFor(secret);
        assertSuccess(200, api.confirm(user, code));

        assertError(400, "invalid_code", api.verify(user, code));
    }

    @Test
    void withoutAPendingSetupConfirmIsRefused() {
        assertError(409, "no_pending_setup", api.confirm(user, "123456"));
    }

    @Test
    void anExpiredSetupCannotBeConfirmed() {
        String secret = fixtures.pending(user);
        clock.advance(Duration.ofMinutes(10).plusSeconds(30));

        assertError(409, "no_pending_setup", api.confirm(user, api.codeFor(secret)));
        fixtures.assertStatus(user, "NONE");
    }

    @Test
    void aSetupCanBeConfirmedJustBeforeItExpires() {
        String secret = fixtures.pending(user);
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));

        assertSuccess(200, api.confirm(user, api.codeFor(secret)));
    }

    @Test
    void anAlreadyEnabledMfaCannotBeConfirmedAgain() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertError(409, "mfa_already_enabled", api.confirm(user, api.codeFor(enabled.secret())));
        // The refused confirm neither consumed the code nor replaced the recovery codes.
        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));
    }

    @Test
    void aWrongCodeIsRefusedAndTheSetupStaysPending() {
        String secret = fixtures.pending(user);

        assertError(400, "invalid_code", api.confirm(user, fixtures.wrongCode(secret)));

        fixtures.assertStatus(user, "PENDING");
        assertSuccess(200, api.confirm(user, api.codeFor(secret)));
    }

    @Test
    void aCodeWithASpaceInsideIsAccepted() {
        String secret = fixtures.pending(user);
        String code = api.codeFor(secret);

        assertSuccess(200, api.confirm(user, code.substring(0, 3) + " " + code.substring(3)));
    }

    @Test
    void malformedCodesAreInvalidRequestsAndDoNotCountAsFailures() {
        String secret = fixtures.pending(user);
        List<String> malformed = List.of(
                "{\"code\":\"12345\"}",
                "{\"code\":\"1234567\"}",
                "{\"code\":\"12a456\"}",
                "{\"code\":\"abcdef\"}",
                "{\"code\":123456}",
                "{}",
                "{\"code\":null}",
                "{\"code\":\"\"}",
                "{\"code\":[\"123456\"]}",
                "{\"code\":\"\u0661\u0662\u0663\u0664\u0665\u0666\"}",
                "{\"code\":\"123-456\"}");
        for (String body : malformed) {
            assertError(400, "invalid_request", api.call(CONFIRM, user, body));
        }

        // Not one of those was counted: four wrong codes leave a fifth attempt, which succeeds.
        for (int i = 0; i < 4; i++) {
            assertError(400, "invalid_code", api.confirm(user, fixtures.wrongCode(secret)));
        }
        assertSuccess(200, api.confirm(user, api.codeFor(secret)));
    }

    @Test
    void afterSixMalformedRequestsAWrongCodeIsStillJustWrong() {
        String secret = fixtures.pending(user);
        for (int i = 0; i < 6; i++) {
            assertError(400, "invalid_request", api.call(CONFIRM, user, "{\"code\":\"12345\"}"));
        }

        assertError(400, "invalid_code", api.confirm(user, fixtures.wrongCode(secret)));
    }

    @Test
    void fiveWrongCodesLockConfirmForFiveMinutesEvenForTheRightCode() {
        String secret = fixtures.pending(user);
        for (int i = 0; i < 5; i++) {
            assertError(400, "invalid_code", api.confirm(user, fixtures.wrongCode(secret)));
        }

        ApiResult locked = assertLocked(api.confirm(user, api.codeFor(secret)));
        assertEquals("300", locked.header("Retry-After"), "the whole lock is still ahead");
        fixtures.assertStatus(user, "PENDING");

        clock.advance(Duration.ofMinutes(4).plusSeconds(30));
        assertLocked(api.confirm(user, api.codeFor(secret)), 1, 30);

        clock.advance(Duration.ofSeconds(30));
        assertSuccess(200, api.confirm(user, api.codeFor(secret)));
    }

    @Test
    void restartingSetupDoesNotLiftALock() {
        String secret = fixtures.pending(user);
        for (int i = 0; i < 5; i++) {
            assertError(400, "invalid_code", api.confirm(user, fixtures.wrongCode(secret)));
        }

        String newSecret = fixtures.pending(user);
        assertNotEquals(secret, newSecret);

        assertLocked(api.confirm(user, api.codeFor(newSecret)));
    }
}
