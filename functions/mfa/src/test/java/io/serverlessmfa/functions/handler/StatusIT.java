package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static io.serverlessmfa.functions.testing.ContractAssertions.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RouteTest;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /mfa}: NONE, PENDING with expiresAt, ENABLED with enabledAt and recoveryCodesRemaining. */
class StatusIT extends RouteTest {

    @Test
    void aUserWhoNeverSetUpMfaHasStatusNone() {
        ApiResult status = assertSuccess(200, api.status(user));

        assertEquals("NONE", status.text("status"));
        assertEquals(1, status.json().asObject().size(), () -> "NONE carries nothing else: " + status);
    }

    @Test
    void aPendingSetupShowsWhenItExpires() {
        Instant started = clock.instant();
        fixtures.pending(user);

        ApiResult status = assertSuccess(200, api.status(user));

        assertEquals("PENDING", status.text("status"));
        assertEquals(started.plus(Duration.ofMinutes(10)).toString(), status.text("expiresAt"), "ISO-8601 UTC, 10 minutes");
        assertFalse(status.json().field("enabledAt").isPresent(), status::toString);
        assertFalse(status.json().field("recoveryCodesRemaining").isPresent(), status::toString);
    }

    @Test
    void anEnabledUserShowsWhenMfaWasEnabledAndHowManyRecoveryCodesRemain() {
        Instant confirmedAt = clock.instant();
        fixtures.enabled(user);

        ApiResult status = assertSuccess(200, api.status(user));

        assertEquals("ENABLED", status.text("status"));
        assertEquals(confirmedAt.toString(), status.text("enabledAt"), "ISO-8601 UTC");
        assertEquals(1, number(status, "recoveryCodesRemaining"), "one active recovery code by default");
        assertFalse(status.json().field("expiresAt").isPresent(), status::toString);
    }

    @Test
    void aPendingSetupIsStillShownJustBeforeItExpires() {
        fixtures.pending(user);
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));

        assertEquals("PENDING", assertSuccess(200, api.status(user)).text("status"));
    }

    @Test
    void anExpiredPendingSetupShowsNone() {
        fixtures.pending(user);
        clock.advance(Duration.ofMinutes(10));

        ApiResult status = assertSuccess(200, api.status(user));

        assertEquals("NONE", status.text("status"), "an expired setup is gone");
        assertFalse(status.json().field("expiresAt").isPresent(), status::toString);
    }

    @Test
    void recoveryCodesRemainingFollowsTheConfiguredCount() {
        MfaApi threeCodes = MfaApi.over(AwsEmulator.get(), clock, Map.of("MFA_RECOVERY_CODE_COUNT", "3"));
        MfaFixtures.Enabled enabled = new MfaFixtures(threeCodes, clock).enabled(user);
        assertEquals(3, enabled.recoveryCodes().size());

        assertEquals(3, number(assertSuccess(200, threeCodes.status(user)), "recoveryCodesRemaining"));

        // A recovery code is consumed and replaced: the count stays.
        assertSuccess(200, threeCodes.recover(user, enabled.recoveryCodes().get(1)));
        assertEquals(3, number(assertSuccess(200, threeCodes.status(user)), "recoveryCodesRemaining"));
    }

    @Test
    void statusIsPerUser() {
        TestUser other = TestUser.random();
        fixtures.enabled(other);

        assertEquals("NONE", assertSuccess(200, api.status(user)).text("status"));
        assertEquals("ENABLED", assertSuccess(200, api.status(other)).text("status"));
    }
}
