package io.serverlessmfa.functions.testing;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every route test starts from: the handlers over the emulator with default settings, a clock
 * at the start of a time step, fixtures that drive a user into a state, and a fresh user.
 */
public abstract class RouteTest {

    protected MutableClock clock;
    protected MfaApi api;
    protected MfaFixtures fixtures;
    protected TestUser user;

    @BeforeEach
    void startFromAFreshUser() {
        clock = MutableClock.atStepStart();
        api = MfaApi.over(AwsEmulator.forTestClass(getClass()), clock, Map.of());
        fixtures = new MfaFixtures(api, clock);
        user = TestUser.random();
    }
}
