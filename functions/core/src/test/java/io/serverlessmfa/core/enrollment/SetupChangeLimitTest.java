package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.BOB;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.rejected;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.serverlessmfa.core.audit.ResetReason;
import io.serverlessmfa.core.totp.TotpSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The per-user bound on setup starts and cancels, and the failure count a cancel keeps. */
class SetupChangeLimitTest {

    private final Fixture f = new Fixture();

    /** Alternates setup and cancel {@code times} times in all (5 → setup, cancel, setup, cancel, setup). */
    private void changeSetup(int times) {
        for (int change = 0; change < times; change++) {
            if (change % 2 == 0) {
                f.setup(ALICE);
            } else {
                f.removeMfa.remove(ORIGIN, ALICE, Optional.empty());
            }
        }
    }

    @Test
    void theEleventhSetupChangeInAnHourIsRefusedUntilTheWindowEndsAndWritesNothing() {
        Instant windowEnd = SetupChangeLimit.defaults().windowAt(f.clock.instant()).end();
        changeSetup(9);
        f.setup(ALICE);
        int events = f.store.events(ALICE).size();

        MfaRejection setup = rejected(() -> f.setup(ALICE));
        MfaRejection cancel = rejected(() -> f.removeMfa.remove(ORIGIN, ALICE, Optional.empty()));

        for (MfaRejection refusal : new MfaRejection[] {setup, cancel}) {
            assertEquals(MfaRejection.Reason.TOO_MANY_REQUESTS, refusal.reason());
            assertEquals(Optional.of(Duration.between(f.clock.instant(), windowEnd)), refusal.retryAfter());
        }
        assertEquals(events, f.store.events(ALICE).size(), "nothing written");
        f.clock.set(windowEnd);
        assertDoesNotThrow(() -> f.setup(ALICE), "the next window allows changes again");
    }

    @Test
    void theBoundIsPerUser() {
        changeSetup(10);

        assertDoesNotThrow(() -> f.setup(BOB));
    }

    @Test
    void confirmingVerifyingAndRemovingWithACodeAreNotSetupChanges() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < 12; i++) {
            f.nextStep();
            f.verify(ALICE, f.currentCode(enabled.secret()));
        }
        f.nextStep();
        f.remove(ALICE, f.currentCode(enabled.secret()));

        assertDoesNotThrow(() -> changeSetup(9), "only the first setup counted: 1 + 9 changes");
        assertEquals(MfaRejection.Reason.TOO_MANY_REQUESTS, rejected(() -> f.setup(ALICE)).reason());
    }

    @Test
    void theLimitAndTheWindowAreConfiguration() {
        Fixture g = new Fixture(new MfaPolicy(Fixture.ISSUER, TotpSettings.defaults(), 1, LockoutPolicy.defaults(),
                Duration.ofMinutes(10), 1, new SetupChangeLimit(2, Duration.ofMinutes(5))));
        g.clock.set(Instant.parse("2026-11-28T10:15:00Z"));
        g.setup(ALICE);
        g.setup(ALICE);

        MfaRejection refusal = rejected(() -> g.setup(ALICE));

        assertEquals(Optional.of(Duration.ofMinutes(5)), refusal.retryAfter(), "windows are aligned to the epoch");
    }

    @Test
    void windowsAreFixedAndAlignedSoEveryFunctionComputesTheSameOne() {
        SetupChangeLimit hourly = SetupChangeLimit.defaults();
        SetupChangeWindow window = hourly.windowAt(Instant.parse("2026-11-28T10:59:59Z"));

        assertEquals(new SetupChangeWindow(Instant.parse("2026-11-28T10:00:00Z"), Instant.parse("2026-11-28T11:00:00Z"), 10),
                window);
        assertEquals(window, hourly.windowAt(Instant.parse("2026-11-28T10:00:00Z")));
    }

    @Test
    void theLimitIsBetween1And1000ChangesInAMinuteToADay() {
        assertThrows(IllegalArgumentException.class, () -> new SetupChangeLimit(0, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new SetupChangeLimit(1_001, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new SetupChangeLimit(10, Duration.ofSeconds(59)));
        assertThrows(IllegalArgumentException.class, () -> new SetupChangeLimit(10, Duration.ofDays(1).plusSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new SetupChangeLimit(10, null));
    }

    @Test
    void aCancelledSetupKeepsItsFailureCountForTheNextSetup() {
        String secret = f.setup(ALICE).secret();
        for (int i = 0; i < 5; i++) {
            rejected(() -> f.confirm(ALICE, f.wrongCode(secret)));
        }
        f.clock.advance(Duration.ofMinutes(5));
        f.removeMfa.remove(ORIGIN, ALICE, Optional.empty());

        String next = f.setup(ALICE).secret();

        assertEquals(5, f.stored(ALICE).lockout().failedAttempts(), "a cancel is not a success");
        for (int i = 6; i <= 10; i++) {
            rejected(() -> f.confirm(ALICE, f.wrongCode(next)));
        }
        assertEquals(Optional.of(Duration.ofMinutes(10)), rejected(() -> f.confirm(ALICE, f.currentCode(next))).retryAfter(),
                "the tenth failure starts the second lock");
    }

    @Test
    void aPendingSetupLockedUntilAResetCannotBeRestartedOrCancelledButTheHelpdeskCanResetIt() {
        f.setup(ALICE);
        Enrollment.Pending pending = f.storedPending(ALICE);
        f.store.put(new Enrollment.Pending(ALICE, pending.authenticator(), pending.expiresAt(),
                new Lockout.LockedUntilReset(100), pending.version() + 1));
        int events = f.store.events(ALICE).size();

        assertEquals(MfaRejection.Reason.LOCKED_UNTIL_RESET, rejected(() -> f.setup(ALICE)).reason(),
                "a new secret could never be confirmed");
        assertEquals(MfaRejection.Reason.LOCKED_UNTIL_RESET,
                rejected(() -> f.removeMfa.remove(ORIGIN, ALICE, Optional.empty())).reason());
        assertEquals(events, f.store.events(ALICE).size(), "nothing written");

        new ResetMfa(f.attempts).reset(ORIGIN, "operator-1", ALICE, new ResetReason("identity checked"));
        assertDoesNotThrow(() -> f.setup(ALICE));
        assertEquals(0, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void aHelpdeskResetAndARemovalWithACodeSetTheCountBackTo0() {
        Fixture.Enabled enabled = f.enable(ALICE);
        for (int i = 0; i < 3; i++) {
            rejected(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        }
        f.nextStep();
        f.remove(ALICE, f.currentCode(enabled.secret()));
        f.setup(ALICE);

        assertEquals(0, f.stored(ALICE).lockout().failedAttempts());
    }
}
