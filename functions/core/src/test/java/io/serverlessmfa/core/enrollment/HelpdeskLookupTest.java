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

        assertEquals(new HelpdeskView.PendingSetup(started.expiresAt(), new Throttling(1, Optional.empty(), false)),
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

        assertEquals(new HelpdeskView.MfaEnabled(START, 1, new Throttling(1, Optional.empty(), false)), lookup.lookup(ALICE));
    }

    @Test
    void aRunningLockShowsItsEndAndAnEndedOneDoesNot() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < LockoutPolicy.defaults().failuresPerLock(); i++) {
            Fixture.rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        }
        Instant lockEnd = f.clock.instant().plus(LockoutPolicy.defaults().firstLock());

        assertEquals(new HelpdeskView.MfaEnabled(START, 1, new Throttling(5, Optional.of(lockEnd), false)), lookup.lookup(ALICE));

        f.clock.advance(LockoutPolicy.defaults().firstLock());
        assertEquals(new HelpdeskView.MfaEnabled(START, 1, new Throttling(5, Optional.empty(), false)), lookup.lookup(ALICE),
                "the count goes on after the lock");
    }

    @Test
    void aLockUntilResetIsShownWithoutAnEnd() {
        Fixture.Enabled enabled = f.enable(ALICE);
        while (f.stored(ALICE).lockout().failedAttempts() < LockoutPolicy.NIST_LIMIT) {
            f.stored(ALICE).activeLockUntil(f.clock.instant()).ifPresent(f.clock::set);
            f.nextStep();
            Fixture.rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        }

        assertEquals(new HelpdeskView.MfaEnabled(START, 1, new Throttling(100, Optional.empty(), true)),
                lookup.lookup(ALICE));
    }
}
