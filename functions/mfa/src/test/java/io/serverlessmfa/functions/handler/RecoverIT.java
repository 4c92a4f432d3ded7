package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertLocked;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static io.serverlessmfa.functions.testing.ContractAssertions.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RouteTest;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /mfa/recover}: a recovery code is consumed and replaced by a new one. */
class RecoverIT extends RouteTest {

    private static final String RECOVER = "POST /mfa/recover";
    private static final String RECOVERY_CODE_FORMAT = "[A-Z2-7]{4}(-[A-Z2-7]{4}){5}";

    @Test
    void aRecoveryCodeIsReplacedByANewOne() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        ApiResult recovered = assertSuccess(200, api.recover(user, enabled.recoveryCode()));

        assertEquals("ENABLED", recovered.text("status"));
        List<String> replacement = recovered.texts("recoveryCodes");
        assertEquals(1, replacement.size(), recovered::toString);
        assertTrue(replacement.get(0).matches(RECOVERY_CODE_FORMAT), replacement.get(0));
        assertNotEquals(enabled.recoveryCode(), replacement.get(0));
        assertEquals(1, number(assertSuccess(200, api.status(user)), "recoveryCodesRemaining"));

        assertError(400, "invalid_recovery_code", api.recover(user, enabled.recoveryCode()));
        assertSuccess(200, api.recover(user, replacement.get(0)));
    }

    @Test
    void recoveryLeavesTotpWorking() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));

        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));
    }

    @Test
    void theCodeIsCaseInsensitiveAndSpacesAndDashesAreIgnored() {
        String code = fixtures.enabled(user).recoveryCode();

        code = recoverWith(code.toLowerCase(Locale.ROOT));
        code = recoverWith(code.replace("-", ""));
        code = recoverWith(code.replace('-', ' '));
        code = recoverWith(" " + code.replace("-", "").toLowerCase(Locale.ROOT).replaceAll("(.{3})", "$1 - ") + " ");
        recoverWith(code.replace("-", "--"));
    }

    @Test
    void aUsedCodeIsRefused() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));

        assertError(400, "invalid_recovery_code", api.recover(user, enabled.recoveryCode()));
        assertError(400, "invalid_recovery_code", api.recover(user, enabled.recoveryCode().toLowerCase(Locale.ROOT)));
    }

    @Test
    void aWrongCodeIsRefused() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertError(400, "invalid_recovery_code", api.recover(user, MfaFixtures.wrongRecoveryCode()));
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));
    }

    @Test
    void anotherUsersRecoveryCodeIsRefused() {
        fixtures.enabled(user);
        MfaFixtures.Enabled theirs = fixtures.enabled(TestUser.random());

        assertError(400, "invalid_recovery_code", api.recover(user, theirs.recoveryCode()));
    }

    @Test
    void malformedRecoveryCodesAreInvalidRequestsAndDoNotCountAsFailures() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String compact = enabled.recoveryCode().replace("-", "");
        List<String> malformed = List.of(
                body(compact.substring(1)),                           // 23 characters
                body(compact + "A"),                                  // 25 characters
                body("0" + compact.substring(1)),                     // '0' is not Base32
                body("1" + compact.substring(1)),                     // nor '1'
                body("8" + compact.substring(1)),                     // nor '8'
                body(compact.substring(1) + "_"),
                body("\u0131" + compact.substring(1)),                // dotless i: not ASCII
                "{\"recoveryCode\":123456789012345678901234}",
                "{\"recoveryCode\":null}",
                "{\"recoveryCode\":true}",
                "{\"recoveryCode\":\"\"}",
                "{}");
        for (String body : malformed) {
            assertError(400, "invalid_request", api.call(RECOVER, user, body));
        }

        for (int i = 0; i < 4; i++) {
            assertError(400, "invalid_recovery_code", api.recover(user, MfaFixtures.wrongRecoveryCode()));
        }
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));
    }

    @Test
    void withoutMfaRecoverIsRefused() {
        assertError(409, "mfa_not_enabled", api.recover(user, MfaFixtures.wrongRecoveryCode()));
    }

    @Test
    void aPendingSetupIsNotEnoughToRecover() {
        fixtures.pending(user);

        assertError(409, "mfa_not_enabled", api.recover(user, MfaFixtures.wrongRecoveryCode()));
    }

    @Test
    void fiveWrongRecoveryCodesLockEvenTheRightOne() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (int i = 0; i < 5; i++) {
            assertError(400, "invalid_recovery_code", api.recover(user, MfaFixtures.wrongRecoveryCode()));
        }

        ApiResult locked = assertLocked(api.recover(user, enabled.recoveryCode()));
        assertEquals("300", locked.header("Retry-After"));
        assertLocked(api.verify(user, api.codeFor(enabled.secret())));

        clock.advance(Duration.ofMinutes(5));
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));
    }

    @Test
    void recoveryFailuresAndTotpFailuresCountTogether() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (int i = 0; i < 3; i++) {
            assertError(400, "invalid_code", api.verify(user, fixtures.wrongCode(enabled.secret())));
        }
        for (int i = 0; i < 2; i++) {
            assertError(400, "invalid_recovery_code", api.recover(user, MfaFixtures.wrongRecoveryCode()));
        }

        assertLocked(api.verify(user, api.codeFor(enabled.secret())));
        assertLocked(api.recover(user, enabled.recoveryCode()));
    }

    @Test
    void aSuccessfulRecoveryResetsTheFailureCount() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (int i = 0; i < 4; i++) {
            assertError(400, "invalid_code", api.verify(user, fixtures.wrongCode(enabled.secret())));
        }
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));

        for (int i = 0; i < 4; i++) {
            assertError(400, "invalid_recovery_code", api.recover(user, MfaFixtures.wrongRecoveryCode()));
        }
        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));
    }

    @Test
    void withSeveralCodesOnlyTheUsedOneIsReplaced() {
        MfaApi threeCodes = MfaApi.over(AwsEmulator.get(), clock, Map.of("MFA_RECOVERY_CODE_COUNT", "3"));
        List<String> codes = new MfaFixtures(threeCodes, clock).enabled(user).recoveryCodes();

        ApiResult recovered = assertSuccess(200, threeCodes.recover(user, codes.get(1)));
        assertEquals(1, recovered.texts("recoveryCodes").size(), "only the replacement is shown");

        assertError(400, "invalid_recovery_code", threeCodes.recover(user, codes.get(1)));
        assertSuccess(200, threeCodes.recover(user, codes.get(0)));
        assertSuccess(200, threeCodes.recover(user, codes.get(2)));
        assertSuccess(200, threeCodes.recover(user, recovered.texts("recoveryCodes").get(0)));
        assertEquals(3, number(assertSuccess(200, threeCodes.status(user)), "recoveryCodesRemaining"));
    }

    private String recoverWith(String typed) {
        ApiResult recovered = assertSuccess(200, api.recover(user, typed));
        return recovered.texts("recoveryCodes").get(0);
    }

    private static String body(String recoveryCode) {
        return "{\"recoveryCode\":\"" + recoveryCode + "\"}";
    }
}
