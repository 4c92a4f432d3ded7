package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The portal's whole flow, route by route, through the handlers over the emulator. */
class MfaLifecycleIT {

    private MutableClock clock;
    private MfaApi api;

    @BeforeEach
    void setUp() {
        clock = MutableClock.atStepStart();
        api = MfaApi.over(AwsEmulator.get(), clock, Map.of());
    }

    @Test
    void userSetsUpConfirmsVerifiesRecoversRegeneratesAndRemovesMfa() {
        TestUser user = TestUser.random();
        assertEquals("NONE", api.status(user).text("status"));

        ApiResult setup = api.setup(user);
        assertEquals(201, setup.status(), setup::toString);
        assertEquals("no-store", setup.header("Cache-Control"));
        String secret = setup.text("secret");
        assertTrue(secret.matches("[A-Z2-7]{32}"), "160-bit Base32 secret without padding");
        assertEquals("otpauth://totp/Example%20Corp:" + user.email().replace("@", "%40") + "?secret=" + secret
                + "&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30", setup.text("otpauthUri"));
        assertTrue(setup.text("qrCode").startsWith("data:image/png;base64,iVBORw0KGgo"));
        assertEquals(clock.instant().plus(Duration.ofMinutes(10)).toString(), setup.text("expiresAt"));
        assertEquals("PENDING", api.status(user).text("status"));

        ApiResult confirmed = api.confirm(user, api.codeFor(secret));
        assertEquals(200, confirmed.status(), confirmed::toString);
        assertEquals("ENABLED", confirmed.text("status"));
        assertEquals("no-store", confirmed.header("Cache-Control"));
        List<String> recoveryCodes = confirmed.texts("recoveryCodes");
        assertEquals(1, recoveryCodes.size());

        ApiResult status = api.status(user);
        assertEquals("ENABLED", status.text("status"));
        assertEquals(clock.instant().toString(), status.text("enabledAt"));
        assertEquals("1", status.json().field("recoveryCodesRemaining").orElseThrow().asNumber());

        clock.advance(Duration.ofSeconds(30));
        ApiResult verified = api.verify(user, api.codeFor(secret));
        assertEquals(200, verified.status(), verified::toString);
        assertEquals("true", verified.json().field("verified").orElseThrow().text());

        ApiResult recovered = api.recover(user, recoveryCodes.get(0));
        assertEquals(200, recovered.status(), recovered::toString);
        assertEquals("ENABLED", recovered.text("status"));
        String newRecoveryCode = recovered.texts("recoveryCodes").get(0);
        assertNotEquals(recoveryCodes.get(0), newRecoveryCode);
        assertEquals("invalid_recovery_code", api.recover(user, recoveryCodes.get(0)).error(), "a used code is gone");

        clock.advance(Duration.ofSeconds(30));
        ApiResult regenerated = api.regenerate(user, api.codeFor(secret));
        assertEquals(200, regenerated.status(), regenerated::toString);
        String regeneratedCode = regenerated.texts("recoveryCodes").get(0);
        assertEquals("invalid_recovery_code", api.recover(user, newRecoveryCode).error(), "older codes stop working");

        clock.advance(Duration.ofSeconds(30));
        ApiResult removed = api.removeWithCode(user, api.codeFor(secret));
        assertEquals(200, removed.status(), removed::toString);
        assertEquals("NONE", removed.text("status"));
        assertEquals("NONE", api.status(user).text("status"));
        assertEquals("mfa_not_enabled", api.recover(user, regeneratedCode).error());
    }
}
