package io.serverlessmfa.core.enrollment;

import static io.serverlessmfa.core.enrollment.Fixture.ALICE;
import static io.serverlessmfa.core.enrollment.Fixture.ORIGIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.serverlessmfa.core.audit.ResetReason;
import java.time.Duration;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The lockout's promise as a property (contract: "Lockout"; NIST SP 800-63B §5.2.2): over any
 * sequence of wrong codes, right codes, waits of any length and helpdesk resets, no more than 100
 * wrong codes are evaluated between two successes. Each seed is one random sequence, so a failure
 * names the seed that reproduces it.
 */
class LockoutPropertyTest {

    private static final int STEPS = 4_000;
    private static final int LIMIT = LockoutPolicy.NIST_LIMIT;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void betweenTwoSuccessesNoMoreThan100WrongCodesAreEvaluated(long seed) {
        Random random = new Random(seed);
        Fixture f = new Fixture();
        Fixture.Enabled[] enabled = {f.enable(ALICE)};
        // Some sequences have the user succeed often, some almost never and without a helpdesk
        // reset (a long attack, which must reach the limit).
        int rightCodesPerMille = new int[] {1, 10, 50}[(int) (seed % 3)];
        boolean longAttack = rightCodesPerMille == 1;
        int evaluatedSinceSuccess = 0;
        int mostEvaluated = 0;
        for (int step = 0; step < STEPS; step++) {
            int action = random.nextInt(100);
            boolean rightCode = random.nextInt(1000) < rightCodesPerMille;
            if (action < 25) {
                // Waits from seconds to days: an attacker with patience.
                long seconds = random.nextInt(4) == 0 ? random.nextInt(3 * 86_400) : random.nextInt(1_800);
                f.clock.advance(Duration.ofSeconds(seconds + 30));
                continue;
            }
            if (action == 25 && !longAttack) {
                new ResetMfa(f.attempts).reset(ORIGIN, "operator-1", ALICE, new ResetReason("identity checked"));
                enabled[0] = f.enable(ALICE);
                evaluatedSinceSuccess = 0;
                continue;
            }
            f.nextStep();
            Executable attempt = rightCode
                    ? () -> f.verify(ALICE, f.currentCode(enabled[0].secret()))
                    : action < 75
                    ? () -> f.verify(ALICE, f.wrongCode(enabled[0].secret()))
                    : action < 90
                    ? () -> f.recover(ALICE, f.unknownRecoveryCode())
                    : () -> f.remove(ALICE, f.wrongCode(enabled[0].secret()));
            Lockout before = f.stored(ALICE).lockout();
            boolean locked = before.untilReset() || before.activeUntil(f.clock.instant()).isPresent();
            int decrypts = f.cipher.decryptCalls();
            Outcome outcome = run(attempt);
            if (locked) {
                // Evaluated means a secret decrypted or a code compared: neither happens while locked,
                // and a right code is refused like a wrong one.
                assertEquals(Outcome.NOT_EVALUATED, outcome, "seed " + seed + ", step " + step + ": locked");
                assertEquals(decrypts, f.cipher.decryptCalls(), "seed " + seed + ", step " + step + ": nothing decrypted");
            } else {
                assertTrue(outcome != Outcome.NOT_EVALUATED, "seed " + seed + ", step " + step + ": unlocked, so evaluated");
            }
            switch (outcome) {
                case SUCCEEDED -> evaluatedSinceSuccess = 0;
                case EVALUATED_AND_REFUSED -> evaluatedSinceSuccess++;
                case NOT_EVALUATED -> { }
            }
            mostEvaluated = Math.max(mostEvaluated, evaluatedSinceSuccess);
            if (evaluatedSinceSuccess > LIMIT) {
                fail("seed " + seed + ", step " + step + ": " + evaluatedSinceSuccess + " wrong codes evaluated");
            }
            assertEquals(evaluatedSinceSuccess, f.stored(ALICE).lockout().failedAttempts(),
                    "seed " + seed + ", step " + step + ": the stored count is the evaluated wrong codes");
        }
        assertTrue(mostEvaluated > 0, "the sequence evaluated wrong codes at all");
        if (longAttack) {
            assertEquals(LIMIT, mostEvaluated, "seed " + seed + ": a long attack reaches the limit, and no further");
        }
    }

    /** A long attack with no success in between reaches the limit, and then nothing more is evaluated. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anAttackWithoutSuccessStopsAtExactly100(long seed) {
        Random random = new Random(seed);
        Fixture f = new Fixture();
        Fixture.Enabled enabled = f.enable(ALICE);
        int evaluated = 0;
        for (int step = 0; step < 3_000; step++) {
            f.clock.advance(Duration.ofSeconds(random.nextInt(2 * 86_400)));
            f.nextStep();
            if (run(() -> f.verify(ALICE, f.wrongCode(enabled.secret()))) == Outcome.EVALUATED_AND_REFUSED) {
                evaluated++;
            }
        }
        assertEquals(LIMIT, evaluated, "seed " + seed);
        assertTrue(f.stored(ALICE).lockout().untilReset());
    }

    private enum Outcome { SUCCEEDED, EVALUATED_AND_REFUSED, NOT_EVALUATED }

    private static Outcome run(Executable attempt) {
        try {
            attempt.execute();
            return Outcome.SUCCEEDED;
        } catch (MfaRejection rejection) {
            return switch (rejection.reason()) {
                case INVALID_CODE, INVALID_RECOVERY_CODE -> Outcome.EVALUATED_AND_REFUSED;
                case TOO_MANY_ATTEMPTS, LOCKED_UNTIL_RESET -> Outcome.NOT_EVALUATED;
                default -> throw new AssertionError("unexpected refusal " + rejection.reason());
            };
        } catch (Throwable unexpected) {
            throw new AssertionError(unexpected);
        }
    }
}
