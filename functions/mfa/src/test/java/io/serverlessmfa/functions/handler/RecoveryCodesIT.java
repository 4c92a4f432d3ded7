package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertLocked;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static io.serverlessmfa.functions.testing.ContractAssertions.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.RouteTest;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /mfa/recovery-codes}: a current TOTP code replaces every recovery code. */
class RecoveryCodesIT extends RouteTest {

    private static final String REGENERATE = "POST /mfa/recovery-codes";

    @Test
    void aCurrentCodeIssuesTheDefaultSingleNewCode() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        ApiResult regenerated = assertSuccess(200, api.regenerate(user, api.codeFor(enabled.secret())));

        List<String> codes = regenerated.texts("recoveryCodes");
        assertEquals(1, codes.size(), regenerated::toString);
        assertTrue(codes.get(0).matches("[A-Z2-7]{4}(-[A-Z2-7]{4}){5}"), codes.get(0));
        assertEquals(1, regenerated.json().asObject().size(), "only recoveryCodes: " + regenerated);
        assertEquals(1, number(assertSuccess(200, api.status(user)), "recoveryCodesRemaining"));
    }

    @Test
    void aSignInOlderThanAnHourCannotRegenerateAndNeitherItsCodeNorItsFailuresCount() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        RawItems raw = new RawItems(AwsEmulator.forTestClass(getClass()));
        Map<String, ?> before = raw.partition(user.sub());
        TestUser stale = user.signedInAt(clock.instant().minus(Duration.ofMinutes(61)));

        assertError(401, "reauthentication_required", api.regenerate(stale, api.codeFor(enabled.secret())));
        for (int i = 0; i < 6; i++) {
            assertError(401, "reauthentication_required", api.regenerate(stale, fixtures.wrongCode(enabled.secret())));
        }

        assertEquals(before, raw.partition(user.sub()), "no new codes, no failure counted, no lock, no event");
        // After signing in again the same code works (it was never checked), and nothing is locked.
        ApiResult regenerated = assertSuccess(200, api.regenerate(user.signedInAt(clock.instant()), api.codeFor(enabled.secret())));
        assertError(400, "invalid_recovery_code", api.recover(user, enabled.recoveryCode()));
        assertSuccess(200, api.recover(stale, regenerated.texts("recoveryCodes").get(0)));
    }

    @Test
    void theConfiguredCountOfCodesIsIssued() {
        MfaApi fourCodes = MfaApi.over(AwsEmulator.get(), clock, Map.of("MFA_RECOVERY_CODE_COUNT", "4"));
        MfaFixtures.Enabled enabled = new MfaFixtures(fourCodes, clock).enabled(user);

        List<String> codes = assertSuccess(200, fourCodes.regenerate(user, fourCodes.codeFor(enabled.secret())))
                .texts("recoveryCodes");

        assertEquals(4, codes.size());
        assertEquals(4, new HashSet<>(codes).size(), "distinct codes");
        assertEquals(4, number(assertSuccess(200, fourCodes.status(user)), "recoveryCodesRemaining"));
    }

    @Test
    void olderCodesStopWorkingAndTheNewOnesWork() {
        MfaApi threeCodes = MfaApi.over(AwsEmulator.get(), clock, Map.of("MFA_RECOVERY_CODE_COUNT", "3"));
        MfaFixtures.Enabled enabled = new MfaFixtures(threeCodes, clock).enabled(user);

        List<String> fresh = assertSuccess(200, threeCodes.regenerate(user, threeCodes.codeFor(enabled.secret())))
                .texts("recoveryCodes");

        for (String old : enabled.recoveryCodes()) {
            assertError(400, "invalid_recovery_code", threeCodes.recover(user, old));
        }
        for (String code : fresh) {
            assertSuccess(200, threeCodes.recover(user, code));
        }
    }

    @Test
    void aCodeReplacedByRecoveryIsAlsoRevoked() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String replacement = assertSuccess(200, api.recover(user, enabled.recoveryCode())).texts("recoveryCodes").get(0);

        String regenerated = assertSuccess(200, api.regenerate(user, api.codeFor(enabled.secret())))
                .texts("recoveryCodes").get(0);

        assertError(400, "invalid_recovery_code", api.recover(user, replacement));
        assertSuccess(200, api.recover(user, regenerated));
    }

    @Test
    void aWrongCodeIsRefusedAndTheOldRecoveryCodesStay() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertError(400, "invalid_code", api.regenerate(user, fixtures.wrongCode(enabled.secret())));

        assertSuccess(200, api.recover(user, enabled.recoveryCode()));
    }

    @Test
    void aReplayedCodeIsRefused() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String code = api.codeFor(enabled.secret());
        assertSuccess(200, api.verify(user, code));

        assertError(400, "invalid_code", api.regenerate(user, code));
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));
    }

    @Test
    void theCodeUsedToRegenerateCountsAsUsed() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String code = api.codeFor(enabled.secret());
        assertSuccess(200, api.regenerate(user, code));

        assertError(400, "invalid_code", api.regenerate(user, code));
        assertError(400, "invalid_code", api.verify(user, code));
    }

    @Test
    void theConfirmingCodeCannotRegenerate() {
        String secret = fixtures.pending(user);
        String code = api.codeFor(secret);
        assertSuccess(200, api.confirm(user, code));

        assertError(400, "invalid_code", api.regenerate(user, code));
    }

    @Test
    void malformedCodesAreInvalidRequestsAndDoNotCountAsFailures() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (String body : List.of("{\"code\":\"12345\"}", "{\"code\":\"abcdef\"}", "{\"code\":123456}", "{}",
                "{\"code\":null}", "{\"recoveryCode\":\"" + enabled.recoveryCode() + "\"}")) {
            assertError(400, "invalid_request", api.call(REGENERATE, user, body));
        }
        for (int i = 0; i < 4; i++) {
            assertError(400, "invalid_code", api.regenerate(user, fixtures.wrongCode(enabled.secret())));
        }

        assertSuccess(200, api.regenerate(user, api.codeFor(enabled.secret())));
    }

    @Test
    void withoutMfaRegenerationIsRefused() {
        assertError(409, "mfa_not_enabled", api.regenerate(user, "123456"));
    }

    @Test
    void aPendingSetupIsNotEnoughToRegenerate() {
        String secret = fixtures.pending(user);

        assertError(409, "mfa_not_enabled", api.regenerate(user, api.codeFor(secret)));
        fixtures.assertStatus(user, "PENDING");
    }

    @Test
    void aLockedUserGets429EvenWithTheRightCode() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (int i = 0; i < 5; i++) {
            assertError(400, "invalid_code", api.regenerate(user, fixtures.wrongCode(enabled.secret())));
        }

        ApiResult locked = assertLocked(api.regenerate(user, api.codeFor(enabled.secret())));
        assertEquals("300", locked.header("Retry-After"));
        // Regeneration failures lock the other routes too, and the old recovery code is untouched.
        assertLocked(api.verify(user, api.codeFor(enabled.secret())));

        clock.advance(Duration.ofMinutes(5));
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));
    }

    @Test
    void aLockFromVerifyAlsoBlocksRegeneration() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        fixtures.lockOut(user, enabled.secret());

        assertLocked(api.regenerate(user, api.codeFor(enabled.secret())));
    }
}
