package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertLocked;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RouteTest;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /mfa/verify}: the second factor at sign-in, window ±1, replay, lockout. */
class VerifyIT extends RouteTest {

    private static final String VERIFY = "POST /mfa/verify";

    private static List<String> fieldNames(ApiResult result) {
        return List.copyOf(result.json().asObject().keySet());
    }

    @Test
    void theCurrentCodeIsVerified() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        ApiResult verified = assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));

        assertEquals(List.of("verified", "mfaToken", "mfaTokenExpiresAt"), fieldNames(verified));
        assertTrue(verified.json().asObject().get("verified").asBoolean());
    }

    @Test
    void aCodeWithASpaceInsideIsVerified() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String code = api.codeFor(enabled.secret());

        assertSuccess(200, api.verify(user, code.substring(0, 3) + " " + code.substring(3)));
    }

    @Test
    void withoutMfaVerifyIsRefused() {
        assertError(409, "mfa_not_enabled", api.verify(user, "123456"));
    }

    @Test
    void aPendingSetupIsNotEnoughToVerify() {
        String secret = fixtures.pending(user);

        assertError(409, "mfa_not_enabled", api.verify(user, api.codeFor(secret)));
        // ... and the refusal did not consume the code: it still confirms.
        assertSuccess(200, api.confirm(user, api.codeFor(secret)));
    }

    @Test
    void theSameCodeIsAcceptedOnlyOnce() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String code = api.codeFor(enabled.secret());
        assertSuccess(200, api.verify(user, code));

        assertError(400, "invalid_code", api.verify(user, code));
        clock.advance(Duration.ofSeconds(29));
        assertError(400, "invalid_code", api.verify(user, code));
    }

    @Test
    void aCodeFromAStepBeforeTheLastAcceptedOneIsRefusedInsideTheWindow() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String current = api.codeFor(enabled.secret());
        String next = api.codeFor(enabled.secret(), Duration.ofSeconds(30));
        assumeFalse(current.equals(next), "two steps happen to share a code");
        assertSuccess(200, api.verify(user, next));

        assertError(400, "invalid_code", api.verify(user, current));
    }

    @Test
    void theCodeOfThePreviousStepIsAccepted() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        clock.advance(Duration.ofSeconds(30));

        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret(), Duration.ofSeconds(-30))));
    }

    @Test
    void theCodeOfTheNextStepIsAccepted() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret(), Duration.ofSeconds(30))));
    }

    @Test
    void theCodeOfTwoStepsAheadIsRefused() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String twoAhead = api.codeFor(enabled.secret(), Duration.ofSeconds(60));
        assumeFalse(inWindow(enabled.secret()).contains(twoAhead), "steps happen to share a code");

        assertError(400, "invalid_code", api.verify(user, twoAhead));
    }

    @Test
    void theCodeOfTwoStepsBackIsRefused() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        clock.advance(Duration.ofSeconds(60));
        String twoBack = api.codeFor(enabled.secret(), Duration.ofSeconds(-60));
        assumeFalse(inWindow(enabled.secret()).contains(twoBack), "steps happen to share a code");

        assertError(400, "invalid_code", api.verify(user, twoBack));
    }

    @Test
    void aWrongCodeIsRefused() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertError(400, "invalid_code", api.verify(user, fixtures.wrongCode(enabled.secret())));
        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));
    }

    @Test
    void malformedCodesAreInvalidRequestsAndDoNotCountAsFailures() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (String body : List.of("{\"code\":\"12345\"}", "{\"code\":\"abcdef\"}", "{\"code\":123456}", "{}",
                "{\"code\":null}", "{\"code\":\"1234567\"}")) {
            assertError(400, "invalid_request", api.call(VERIFY, user, body));
        }
        for (int i = 0; i < 4; i++) {
            assertError(400, "invalid_code", api.verify(user, fixtures.wrongCode(enabled.secret())));
        }

        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));
    }

    @Test
    void fiveWrongCodesLockTheUserAndEvenTheRightCodeGets429UntilTheLockEnds() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        fixtures.lockOut(user, enabled.secret());

        ApiResult locked = assertLocked(api.verify(user, api.codeFor(enabled.secret())));
        assertEquals("300", locked.header("Retry-After"));

        clock.advance(Duration.ofSeconds(100));
        assertLocked(api.verify(user, api.codeFor(enabled.secret())), 200, 200);
        assertLocked(api.verify(user, fixtures.wrongCode(enabled.secret())), 200, 200);

        clock.advance(Duration.ofSeconds(200));
        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));
    }

    @Test
    void attemptsDuringTheLockDoNotExtendIt() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        fixtures.lockOut(user, enabled.secret());
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(30));
            long remaining = 300 - 30L * (i + 1);
            assertLocked(api.verify(user, fixtures.wrongCode(enabled.secret())), remaining, remaining);
        }

        clock.advance(Duration.ofSeconds(150));
        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));
    }

    @Test
    void aLockDoesNotRestartTheCountAndTheNextLockLastsTenMinutes() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        fixtures.lockOut(user, enabled.secret());
        clock.advance(Duration.ofMinutes(5));

        for (int i = 6; i <= 10; i++) {
            assertError(400, "invalid_code", api.verify(user, fixtures.wrongCode(enabled.secret())));
        }
        assertLocked(api.verify(user, fixtures.nextCode(enabled.secret())), 570, 600);
        clock.advance(Duration.ofMinutes(10));
        assertSuccess(200, api.verify(user, fixtures.nextCode(enabled.secret())));
    }

    @Test
    void theHundredthConsecutiveFailureLocksUntilAHelpdeskResetWithoutRetryAfter() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        int evaluated = fixtures.failWaitingOutLocks(user, enabled.secret(), 100);
        assertEquals(100, evaluated);

        clock.advance(Duration.ofDays(365));
        ApiResult locked = assertError(429, "locked_until_reset", api.verify(user, fixtures.nextCode(enabled.secret())));
        assertEquals(null, locked.header("Retry-After"), "waiting does not help: no Retry-After");
        assertError(429, "locked_until_reset", api.recover(user, enabled.recoveryCode()));
        assertError(429, "locked_until_reset", api.removeWithCode(user, fixtures.nextCode(enabled.secret())));
        ApiResult view = assertSuccess(200, api.admin("GET /admin/mfa/users/{userId}", TestUser.operator(), user.sub()));
        assertEquals(true, view.json().field("lockedUntilReset").orElseThrow().asBoolean());
        assertEquals("100", view.json().field("failedAttempts").orElseThrow().asNumber());

        assertSuccess(200, api.admin("POST /admin/mfa/users/{userId}/reset", TestUser.operator(), user.sub()));
        MfaFixtures.Enabled again = fixtures.enabled(user);
        assertSuccess(200, api.verify(user, fixtures.nextCode(again.secret())));
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (int i = 0; i < 4; i++) {
            assertError(400, "invalid_code", api.verify(user, fixtures.wrongCode(enabled.secret())));
        }
        assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));
        for (int i = 0; i < 4; i++) {
            assertError(400, "invalid_code", api.verify(user, fixtures.wrongCode(enabled.secret())));
        }

        // Counting restarted at the success: the fifth consecutive failure, not the ninth, locks.
        assertError(400, "invalid_code", api.verify(user, fixtures.wrongCode(enabled.secret())));
        assertLocked(api.verify(user, fixtures.nextCode(enabled.secret())));
    }

    @Test
    void aReplayedCodeCountsAsAFailure() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String code = api.codeFor(enabled.secret());
        assertSuccess(200, api.verify(user, code));
        for (int i = 0; i < 5; i++) {
            assertError(400, "invalid_code", api.verify(user, code));
        }

        assertLocked(api.verify(user, fixtures.nextCode(enabled.secret())));
    }

    @Test
    void oneUsersLockDoesNotLockAnother() {
        TestUser other = TestUser.random();
        MfaFixtures.Enabled mine = fixtures.enabled(user);
        MfaFixtures.Enabled theirs = fixtures.enabled(other);
        fixtures.lockOut(user, mine.secret());

        assertSuccess(200, api.verify(other, api.codeFor(theirs.secret())));
    }

    private List<String> inWindow(String secret) {
        return List.of(api.codeFor(secret, Duration.ofSeconds(-30)), api.codeFor(secret),
                api.codeFor(secret, Duration.ofSeconds(30)));
    }
}
