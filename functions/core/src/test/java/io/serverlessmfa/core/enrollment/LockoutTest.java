package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static io.serverlessmfa.core.enrollment.Fixture.rejected;
import static io.serverlessmfa.core.enrollment.Fixture.rejection;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.audit.ResetReason;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.totp.TotpSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LockoutTest {

    private static final Duration LOCK = Duration.ofMinutes(5);

    private final Fixture f = new Fixture();
    private Fixture.Enabled enabled;

    @BeforeEach
    void enableAlice() {
        enabled = f.enable(ALICE);
    }

    /** Five failed codes, one on each route and of both kinds; returns when the lock started. */
    private Instant failFiveTimesAcrossRoutes() {
        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));
        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.recover(ALICE, f.unknownRecoveryCode())));
        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.remove(ALICE, f.wrongCode(enabled.secret()))));
        assertEquals(MfaRejection.Reason.INVALID_RECOVERY_CODE,
                rejection(() -> f.remove(ALICE, f.unknownRecoveryCode())));
        assertEquals(4, f.stored(ALICE).lockout().failedAttempts());
        assertEquals(Optional.empty(), f.stored(ALICE).lockout().lockEnd());
        Instant lockStart = f.clock.instant();
        assertEquals(MfaRejection.Reason.INVALID_CODE,
                rejection(() -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.wrongCode(enabled.secret()))),
                "the failure that reaches the limit is still answered as a wrong code");
        return lockStart;
    }

    @Test
    void fiveConsecutiveFailuresAcrossRoutesLockEvenTheCorrectCode() {
        Instant lockStart = failFiveTimesAcrossRoutes();

        assertEquals(Optional.of(lockStart.plus(LOCK)), f.stored(ALICE).lockout().lockEnd());
        MfaRejection refusal = rejected(() -> f.verify(ALICE, f.currentCode(enabled.secret())));
        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS, refusal.reason());
        assertEquals(Optional.of(LOCK), refusal.retryAfter());
    }

    @Test
    void retryAfterIsTheRemainingLockTime() {
        failFiveTimesAcrossRoutes();
        f.clock.advance(Duration.ofSeconds(75));

        MfaRejection refusal = rejected(() -> f.verify(ALICE, f.currentCode(enabled.secret())));

        assertEquals(Optional.of(LOCK.minusSeconds(75)), refusal.retryAfter());
    }

    @Test
    void everyRouteIsRefusedWhileLockedEvenWithTheRightProof() {
        failFiveTimesAcrossRoutes();
        f.clock.advance(Duration.ofSeconds(40));

        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                rejection(() -> f.verify(ALICE, f.currentCode(enabled.secret()))));
        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                rejection(() -> f.recover(ALICE, enabled.recoveryCode())));
        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                rejection(() -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(enabled.secret()))));
        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                rejection(() -> f.remove(ALICE, f.currentCode(enabled.secret()))));
        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                rejection(() -> f.remove(ALICE, enabled.recoveryCode())));
        assertEquals(EnrollmentStatus.ENABLED, f.stored(ALICE).status());
    }

    @Test
    void nothingIsEvaluatedOrCountedWhileLocked() {
        failFiveTimesAcrossRoutes();
        Enrollment locked = f.stored(ALICE);
        int decrypts = f.cipher.decryptCalls();
        int writes = f.store.committedWrites();

        for (int i = 0; i < 10; i++) {
            f.clock.advance(Duration.ofSeconds(20));
            assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                    rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));
            assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS,
                    rejection(() -> f.recover(ALICE, f.unknownRecoveryCode())));
        }

        assertEquals(locked, f.stored(ALICE), "the failure count and the lock end do not change");
        assertEquals(decrypts, f.cipher.decryptCalls(), "no code is checked while locked");
        assertEquals(writes, f.store.committedWrites());
    }

    @Test
    void oneSecondBeforeTheLockEndsTheCorrectCodeIsStillRefused() {
        Instant lockStart = failFiveTimesAcrossRoutes();
        f.clock.set(lockStart.plus(LOCK).minusSeconds(1));

        MfaRejection refusal = rejected(() -> f.verify(ALICE, f.currentCode(enabled.secret())));

        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS, refusal.reason());
        assertEquals(Optional.of(Duration.ofSeconds(1)), refusal.retryAfter());
    }

    @Test
    void afterTheLockExpiresTheCorrectCodeWorks() {
        Instant lockStart = failFiveTimesAcrossRoutes();
        f.clock.set(lockStart.plus(LOCK));

        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(enabled.secret())));

        Enrollment after = f.stored(ALICE);
        assertEquals(0, after.lockout().failedAttempts());
        assertEquals(Optional.empty(), after.lockout().lockEnd());
    }

    @Test
    void aLockDoesNotRestartTheCountAndTheNextLockIsTwiceAsLong() {
        Instant lockStart = failFiveTimesAcrossRoutes();
        f.clock.set(lockStart.plus(LOCK).plusSeconds(1));

        for (int i = 6; i <= 9; i++) {
            assertEquals(MfaRejection.Reason.INVALID_CODE,
                    rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))), "failure " + i);
            assertEquals(i, f.stored(ALICE).lockout().failedAttempts(), "a lock is not a success");
        }
        Instant secondLockStart = f.clock.instant();
        MfaRejection tenth = rejected(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        assertEquals(MfaRejection.Reason.INVALID_CODE, tenth.reason(), "the tenth is evaluated");
        assertEquals(10, tenth.failuresAtLock());

        MfaRejection refusal = rejected(() -> f.verify(ALICE, f.currentCode(enabled.secret())));
        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS, refusal.reason(), "and locks again");
        assertEquals(Optional.of(LOCK.multipliedBy(2)), refusal.retryAfter());
        assertEquals(Optional.of(secondLockStart.plus(LOCK.multipliedBy(2))), f.stored(ALICE).lockout().lockEnd());
    }

    @Test
    void locksDoubleFromFiveMinutesToAtMostADay() {
        List<Duration> locks = new ArrayList<>();
        for (int failure = 1; failure < 100; failure++) {
            MfaRejection refusal = rejected(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
            assertEquals(MfaRejection.Reason.INVALID_CODE, refusal.reason(), "failure " + failure);
            assertEquals(failure % 5 == 0 ? failure : 0, refusal.failuresAtLock(), "failure " + failure);
            Optional<Instant> end = f.stored(ALICE).activeLockUntil(f.clock.instant());
            assertEquals(failure % 5 == 0, end.isPresent(), "failure " + failure);
            if (end.isPresent()) {
                locks.add(Duration.between(f.clock.instant(), end.get()));
                f.clock.set(end.get());
                f.nextStep();
            }
        }

        List<Duration> expected = new ArrayList<>();
        for (int level = 1; level <= 19; level++) {
            expected.add(level <= 9 ? LOCK.multipliedBy(1L << (level - 1)) : Duration.ofHours(24));
        }
        assertEquals(expected, locks, "5, 10, 20, ... 1280 minutes, then 24 hours (contract: Lockout)");
    }

    @Test
    void theHundredthConsecutiveFailureLocksUntilAHelpdeskReset() {
        failWithLocksUntil(99);
        MfaRejection hundredth = rejected(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        assertEquals(MfaRejection.Reason.INVALID_CODE, hundredth.reason(), "the hundredth is still evaluated");
        assertTrue(hundredth.lockStarted());
        assertTrue(hundredth.lockUntilResetStarted());
        assertTrue(f.stored(ALICE).lockout().untilReset());
        assertEquals(100, f.stored(ALICE).lockout().failedAttempts());

        f.clock.advance(Duration.ofDays(400));
        f.nextStep();
        for (Executable proof : List.<Executable>of(
                () -> f.verify(ALICE, f.currentCode(enabled.secret())),
                () -> f.recover(ALICE, enabled.recoveryCode()),
                () -> f.remove(ALICE, f.currentCode(enabled.secret())),
                () -> f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(enabled.secret())))) {
            MfaRejection refusal = rejected(proof);
            assertEquals(MfaRejection.Reason.LOCKED_UNTIL_RESET, refusal.reason(), "even a year later, even a right code");
            assertEquals(Optional.empty(), refusal.retryAfter(), "waiting does not help");
        }

        new ResetMfa(f.attempts).reset(ORIGIN, "operator-1", ALICE, new ResetReason("lost phone, identity checked"));
        assertEquals(Optional.empty(), f.maybeStored(ALICE), "the helpdesk reset lifts it");
        Fixture.Enabled again = f.enable(ALICE);
        assertEquals(0, f.stored(ALICE).lockout().failedAttempts());
        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(again.secret())));
    }

    @Test
    void everyLockIsAnAuditEventAndTheLastOneSaysUntilReset() {
        failWithLocksUntil(100);

        List<SecurityEventType> locks = f.store.events(ALICE).stream().map(SecurityEvent::type)
                .filter(type -> type == SecurityEventType.LOCKED_OUT || type == SecurityEventType.LOCKED_UNTIL_RESET)
                .toList();
        assertEquals(20, locks.size(), "19 timed locks and the lock until reset");
        assertEquals(SecurityEventType.LOCKED_UNTIL_RESET, locks.get(locks.size() - 1));
        assertEquals(19, locks.stream().filter(type -> type == SecurityEventType.LOCKED_OUT).count());
    }

    @Test
    void aTotpSuccessResetsTheFailureCount() {
        failTimes(4);
        f.verify(ALICE, f.currentCode(enabled.secret()));
        assertEquals(0, f.stored(ALICE).lockout().failedAttempts());
        f.nextStep();

        failTimes(4);

        assertEquals(4, f.stored(ALICE).lockout().failedAttempts());
        assertEquals(Optional.empty(), f.stored(ALICE).lockout().lockEnd());
        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(enabled.secret())), "not locked");
    }

    @Test
    void aRecoveryCodeSuccessResetsTheFailureCount() {
        failTimes(4);

        f.recover(ALICE, enabled.recoveryCode());
        assertEquals(0, f.stored(ALICE).lockout().failedAttempts());

        failTimes(4);
        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(enabled.secret())));
    }

    @Test
    void aRegenerationSuccessResetsTheFailureCount() {
        failTimes(4);

        f.regenerateRecoveryCodes.regenerate(ORIGIN, ALICE, f.currentCode(enabled.secret()));

        assertEquals(0, f.stored(ALICE).lockout().failedAttempts());
    }

    @Test
    void refusalsWithoutACodeDoNotCount() {
        failTimes(4);

        assertEquals(MfaRejection.Reason.PROOF_REQUIRED, rejection(() -> f.removeMfa.remove(ORIGIN, ALICE, Optional.empty())));
        assertEquals(MfaRejection.Reason.MFA_ALREADY_ENABLED, rejection(() -> f.setup(ALICE)));

        assertEquals(4, f.stored(ALICE).lockout().failedAttempts());
        assertDoesNotThrow(() -> f.verify(ALICE, f.currentCode(enabled.secret())));
    }

    @Test
    void failedConfirmationsLockThePendingSetup() {
        Fixture g = new Fixture();
        String secret = g.setup(ALICE).secret();
        for (int i = 0; i < 5; i++) {
            assertEquals(MfaRejection.Reason.INVALID_CODE,
                    rejection(() -> g.confirm(ALICE, g.wrongCode(secret))));
        }

        MfaRejection refusal = rejected(() -> g.confirm(ALICE, g.currentCode(secret)));

        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS, refusal.reason());
        assertEquals(Optional.of(LOCK), refusal.retryAfter());
        assertEquals(EnrollmentStatus.PENDING, g.stored(ALICE).status());
        g.clock.advance(LOCK);
        assertDoesNotThrow(() -> g.confirm(ALICE, g.currentCode(secret)));
    }

    @Test
    void theConfiguredLockoutPolicyIsApplied() {
        Fixture g = new Fixture(new MfaPolicy(Fixture.ISSUER, TotpSettings.defaults(), 1,
                new LockoutPolicy(3, Duration.ofMinutes(1), Duration.ofMinutes(3), 7), Duration.ofMinutes(10), 1));
        Fixture.Enabled other = g.enable(ALICE);
        for (int i = 0; i < 3; i++) {
            assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> g.verify(ALICE, g.wrongCode(other.secret()))));
        }

        MfaRejection refusal = rejected(() -> g.verify(ALICE, g.currentCode(other.secret())));

        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS, refusal.reason());
        assertEquals(Optional.of(Duration.ofMinutes(1)), refusal.retryAfter());
        g.clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) {
            assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> g.verify(ALICE, g.wrongCode(other.secret()))));
        }
        assertEquals(Optional.of(Duration.ofMinutes(2)),
                rejected(() -> g.verify(ALICE, g.currentCode(other.secret()))).retryAfter(), "the second lock doubles");
        g.clock.advance(Duration.ofMinutes(2));
        assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> g.verify(ALICE, g.wrongCode(other.secret()))));
        assertEquals(MfaRejection.Reason.LOCKED_UNTIL_RESET,
                rejection(() -> g.verify(ALICE, g.currentCode(other.secret()))), "at the 7th failure");
    }

    @Test
    void theLockIsPerUser() {
        Fixture.Enabled bob = f.enable(Fixture.BOB);
        failFiveTimesAcrossRoutes();

        assertDoesNotThrow(() -> f.verify(Fixture.BOB, f.currentCode(bob.secret())));
        assertTrue(f.stored(ALICE).activeLockUntil(f.clock.instant()).isPresent());
    }

    @Test
    void onlyTheFailureThatReachesTheLimitSaysItStartedTheLock() {
        for (int i = 1; i <= 5; i++) {
            MfaRejection refusal = rejected(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
            assertEquals(MfaRejection.Reason.INVALID_CODE, refusal.reason());
            assertEquals(i == 5, refusal.lockStarted(), "failure " + i);
        }
        MfaRejection whileLocked = rejected(() -> f.verify(ALICE, f.wrongCode(enabled.secret())));
        assertEquals(MfaRejection.Reason.TOO_MANY_ATTEMPTS, whileLocked.reason());
        assertFalse(whileLocked.lockStarted(), "a refusal during the lock starts nothing");
    }

    /** Wrong codes until the count is {@code failures}, waiting out every lock they start. */
    private void failWithLocksUntil(int failures) {
        while (f.stored(ALICE).lockout().failedAttempts() < failures) {
            f.stored(ALICE).activeLockUntil(f.clock.instant()).ifPresent(f.clock::set);
            f.nextStep();
            assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));
        }
    }

    private void failTimes(int times) {
        for (int i = 0; i < times; i++) {
            assertEquals(MfaRejection.Reason.INVALID_CODE, rejection(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))));
        }
    }
}
