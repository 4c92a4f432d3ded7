package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertLocked;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.RouteTest;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /mfa/remove}: off only with proof of the second factor; a pending setup needs none. */
class RemoveIT extends RouteTest {

    private static final String REMOVE = "POST /mfa/remove";

    @Test
    void aPendingSetupIsCancelledWithAnEmptyObject() {
        String secret = fixtures.pending(user);

        assertRemoved(api.call(REMOVE, user, "{}"));

        fixtures.assertStatus(user, "NONE");
        assertError(409, "no_pending_setup", api.confirm(user, api.codeFor(secret)));
    }

    @Test
    void aPendingSetupIsCancelledWithoutABody() {
        fixtures.pending(user);

        assertRemoved(api.call(REMOVE, user, null));

        fixtures.assertStatus(user, "NONE");
    }

    @Test
    void anExpiredSetupIsNotSetUp() {
        fixtures.pending(user);
        clock.advance(Duration.ofMinutes(10));

        assertError(409, "mfa_not_enabled", api.call(REMOVE, user, "{}"));
    }

    @Test
    void withoutMfaRemoveIsRefused() {
        assertError(409, "mfa_not_enabled", api.call(REMOVE, user, "{}"));
        assertError(409, "mfa_not_enabled", api.removeWithCode(user, "123456"));
        assertError(409, "mfa_not_enabled", api.removeWithRecoveryCode(user, MfaFixtures.wrongRecoveryCode()));
    }

    @Test
    void anEnabledMfaNeedsProofAndAskingWithoutProofIsNotCounted() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (int i = 0; i < 3; i++) {
            assertError(400, "invalid_request", api.call(REMOVE, user, "{}"));
            assertError(400, "invalid_request", api.call(REMOVE, user, null));
        }
        fixtures.assertStatus(user, "ENABLED");

        for (int i = 0; i < 4; i++) {
            assertError(400, "invalid_code", api.removeWithCode(user, fixtures.wrongCode(enabled.secret())));
        }
        assertRemoved(api.removeWithCode(user, api.codeFor(enabled.secret())));
    }

    @Test
    void bothCodeAndRecoveryCodeIsAnInvalidRequest() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertError(400, "invalid_request", api.call(REMOVE, user, "{\"code\":\"" + api.codeFor(enabled.secret())
                + "\",\"recoveryCode\":\"" + enabled.recoveryCode() + "\"}"));

        fixtures.assertStatus(user, "ENABLED");
        assertRemoved(api.removeWithCode(user, api.codeFor(enabled.secret())));
    }

    @Test
    void malformedProofIsAnInvalidRequest() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (String body : List.of("{\"code\":\"12345\"}", "{\"code\":123456}", "{\"code\":null}",
                "{\"recoveryCode\":\"0000-0000-0000-0000-0000-0000\"}", "{\"recoveryCode\":42}")) {
            assertError(400, "invalid_request", api.call(REMOVE, user, body));
        }

        fixtures.assertStatus(user, "ENABLED");
        assertRemoved(api.removeWithRecoveryCode(user, enabled.recoveryCode()));
    }

    @Test
    void aWrongCodeIsRefused() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertError(400, "invalid_code", api.removeWithCode(user, fixtures.wrongCode(enabled.secret())));

        fixtures.assertStatus(user, "ENABLED");
    }

    @Test
    void aUsedCodeIsRefused() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String code = api.codeFor(enabled.secret());
        assertSuccess(200, api.verify(user, code));

        assertError(400, "invalid_code", api.removeWithCode(user, code));

        fixtures.assertStatus(user, "ENABLED");
    }

    @Test
    void aWrongRecoveryCodeIsRefused() {
        fixtures.enabled(user);

        assertError(400, "invalid_recovery_code", api.removeWithRecoveryCode(user, MfaFixtures.wrongRecoveryCode()));

        fixtures.assertStatus(user, "ENABLED");
    }

    @Test
    void aUsedRecoveryCodeIsRefused() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));

        assertError(400, "invalid_recovery_code", api.removeWithRecoveryCode(user, enabled.recoveryCode()));

        fixtures.assertStatus(user, "ENABLED");
    }

    @Test
    void theRightCodeRemovesMfaAndSetupCanStartAgain() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertRemoved(api.removeWithCode(user, api.codeFor(enabled.secret())));

        fixtures.assertStatus(user, "NONE");
        clock.advance(Duration.ofSeconds(30));
        assertError(409, "mfa_not_enabled", api.verify(user, api.codeFor(enabled.secret())));
        assertError(409, "mfa_not_enabled", api.recover(user, enabled.recoveryCode()));

        String secret = fixtures.pending(user);
        fixtures.assertStatus(user, "PENDING");
        assertSuccess(200, api.confirm(user, api.codeFor(secret)));
        fixtures.assertStatus(user, "ENABLED");
    }

    @Test
    void theRightRecoveryCodeRemovesMfa() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertRemoved(api.removeWithRecoveryCode(user, enabled.recoveryCode().toLowerCase(java.util.Locale.ROOT)));

        fixtures.assertStatus(user, "NONE");
        assertSuccess(201, api.setup(user));
    }

    @Test
    void aSignInOlderThanAnHourCannotRemoveMfaAndItsWrongCodesAreNotCounted() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        RawItems raw = new RawItems(AwsEmulator.forTestClass(getClass()));
        Map<String, ?> before = raw.partition(user.sub());
        TestUser stale = user.signedInAt(clock.instant().minus(Duration.ofDays(7)));

        assertError(401, "reauthentication_required", api.removeWithCode(stale, api.codeFor(enabled.secret())));
        assertError(401, "reauthentication_required", api.removeWithRecoveryCode(stale, enabled.recoveryCode()));
        assertError(401, "reauthentication_required", api.call(REMOVE, stale, "{}"));
        for (int i = 0; i < 6; i++) {
            assertError(401, "reauthentication_required", api.removeWithCode(stale, fixtures.wrongCode(enabled.secret())));
        }

        assertEquals(before, raw.partition(user.sub()), "MFA on, no failure counted, no lock, no event");
        fixtures.assertStatus(stale, "ENABLED");
        assertRemoved(api.removeWithCode(user.signedInAt(clock.instant()), api.codeFor(enabled.secret())));
        fixtures.assertStatus(user, "NONE");
    }

    @Test
    void cancellingAPendingSetupNeedsAFreshSignInToo() {
        String secret = fixtures.pending(user);
        RawItems raw = new RawItems(AwsEmulator.forTestClass(getClass()));
        Map<String, ?> before = raw.partition(user.sub());
        TestUser stale = user.signedInAt(clock.instant().minus(Duration.ofMinutes(61)));

        assertError(401, "reauthentication_required", api.call(REMOVE, stale, "{}"));

        assertEquals(before, raw.partition(user.sub()), "the pending setup and the trail as they were");
        assertRemoved(api.call(REMOVE, user.signedInAt(clock.instant()), "{}"));
        assertError(409, "no_pending_setup", api.confirm(user, api.codeFor(secret)));
    }

    @Test
    void aLockedUserGets429EvenWithTheRightCodeOrRecoveryCode() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        for (int i = 0; i < 3; i++) {
            assertError(400, "invalid_code", api.removeWithCode(user, fixtures.wrongCode(enabled.secret())));
        }
        for (int i = 0; i < 2; i++) {
            assertError(400, "invalid_recovery_code", api.removeWithRecoveryCode(user, MfaFixtures.wrongRecoveryCode()));
        }

        ApiResult locked = assertLocked(api.removeWithCode(user, api.codeFor(enabled.secret())));
        assertEquals("300", locked.header("Retry-After"));
        assertLocked(api.removeWithRecoveryCode(user, enabled.recoveryCode()));
        fixtures.assertStatus(user, "ENABLED");

        clock.advance(Duration.ofMinutes(5));
        assertRemoved(api.removeWithCode(user, api.codeFor(enabled.secret())));
    }

    @Test
    void aLockFromVerifyAlsoBlocksRemoval() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        fixtures.lockOut(user, enabled.secret());

        assertLocked(api.removeWithRecoveryCode(user, enabled.recoveryCode()));
        fixtures.assertStatus(user, "ENABLED");
    }

    @Test
    void cancellingAPendingSetupDoesNotLiftALock() {
        String secret = fixtures.pending(user);
        for (int i = 0; i < 5; i++) {
            assertError(400, "invalid_code", api.confirm(user, fixtures.wrongCode(secret)));
        }
        assertLocked(api.confirm(user, api.codeFor(secret)));

        // Cancelling would delete the lock with the pending record: it waits for the lock too,
        // and a restarted setup keeps the lock.
        assertLocked(api.call(REMOVE, user, "{}"));
        fixtures.assertStatus(user, "PENDING");
        String newSecret = fixtures.pending(user);
        assertLocked(api.confirm(user, api.codeFor(newSecret)));
    }

    private static void assertRemoved(ApiResult result) {
        assertSuccess(200, result);
        assertEquals("{\"status\":\"NONE\"}", result.body());
    }
}
