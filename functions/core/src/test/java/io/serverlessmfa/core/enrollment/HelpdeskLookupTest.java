package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.START;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.serverlessmfa.core.enrollment.HelpdeskView.Throttling;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HelpdeskLookupTest {

    private final Fixture f = new Fixture();
    private final HelpdeskLookup lookup = new HelpdeskLookup(f.store, f.clock);

    @Test
    void aUserWithNothingStoredHasNoMfa() {
        assertEquals(new HelpdeskView.NoMfa(), lookup.lookup(ALICE));
    }

    @Test
    void aPendingSetupShowsItsExpiryAndItsFailures() {
        SetupStarted started = f.setup(ALICE);
        Fixture.rejection(() -> f.confirm(ALICE, f.wrongCode(started.secret())));

        assertEquals(new HelpdeskView.PendingSetup(started.expiresAt(), new Throttling(1, Optional.empty())),
                lookup.lookup(ALICE));
    }

    @Test
    void anExpiredSetupIsNoMfaAsTheUserSeesIt() {
        f.setup(ALICE);
        f.clock.advance(Duration.ofMinutes(10));

        assertEquals(new HelpdeskView.NoMfa(), lookup.lookup(ALICE));
    }

    @Test
    void enabledMfaShowsWhenItWasEnabledTheCodesLeftAndTheFailures() {
        Fixture.Enabled enabled = f.enable(ALICE);
        Fixture.rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));

        assertEquals(new HelpdeskView.MfaEnabled(START, 1, new Throttling(1, Optional.empty())), lookup.lookup(ALICE));
    }

    @Test
    void aRunningLockShowsItsEndAndAnEndedOneDoesNot() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < LockoutPolicy.defaults().maxFailures(); i++) {
            Fixture.rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        }
        Instant lockEnd = f.clock.instant().plus(LockoutPolicy.defaults().lockDuration());

        assertEquals(new HelpdeskView.MfaEnabled(START, 1, new Throttling(0, Optional.of(lockEnd))), lookup.lookup(ALICE));

        f.clock.advance(LockoutPolicy.defaults().lockDuration());
        assertEquals(new HelpdeskView.MfaEnabled(START, 1, new Throttling(0, Optional.empty())), lookup.lookup(ALICE));
    }
}
