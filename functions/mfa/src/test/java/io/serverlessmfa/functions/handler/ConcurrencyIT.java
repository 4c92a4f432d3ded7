package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.testing.RecoveryHashes;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.FaultProxy;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.Race;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Parallel requests with the same code, through one shared set of handlers (as one warm Lambda
 * environment per request would behave against one table): every state change is one conditional
 * write, so exactly one request wins, and parallel guessing never gets past the lockout.
 */
class ConcurrencyIT {

    private static final int THREADS = 20;
    private static final int MAX_FAILURES = 5;
    private static final Duration LOCK = Duration.ofMinutes(5);

    private RecoveryCodeHasher hasher;
    private final RecoveryCodeGenerator generator = new RecoveryCodeGenerator(new SecureRandom());

    private MutableClock clock;
    private MfaApi api;
    private RawItems raw;
    private TestUser user;

    @BeforeEach
    void setUp() {
        AwsEmulator emulator = AwsEmulator.get();
        clock = MutableClock.atStepStart();
        api = MfaApi.over(emulator, clock, Map.of(MfaConfiguration.RECOVERY_CODE_COUNT, "3"));
        raw = new RawItems(emulator);
        hasher = RecoveryHashes.hasher(emulator);
        user = TestUser.random();
    }

    @Test
    void sameCodeOnVerifyIsAcceptedExactlyOnce() {
        Enabled mfa = enable();
        clock.advance(Duration.ofSeconds(30));
        String code = api.codeFor(mfa.secret());

        List<ApiResult> results = Race.run(THREADS, i -> api.verify(user, code));

        assertExactlyOneWinner(results, loser -> isInvalidCode(loser) || isLocked(loser));
        assertTrue(count(results, ConcurrencyIT::isInvalidCode) <= MAX_FAILURES, () -> tally(results));
        assertEquals(Long.toString(clock.instant().getEpochSecond() / 30),
                raw.get(user.sub()).get("lastAcceptedStep").n(), "the winner recorded the code's step");
    }

    @Test
    void sameCodeOnConfirmEnablesExactlyOnceWithOneSetOfRecoveryCodes() {
        ApiResult setup = api.setup(user);
        assertEquals(201, setup.status(), setup::toString);
        String code = api.codeFor(setup.text("secret"));

        List<ApiResult> results = Race.run(THREADS, i -> api.confirm(user, code));

        ApiResult winner = assertExactlyOneWinner(results,
                loser -> isError(loser, 409, "mfa_already_enabled") || isInvalidCode(loser) || isLocked(loser));
        assertEquals("ENABLED", winner.text("status"));
        assertTrue(results.stream().filter(result -> result != winner).allMatch(result -> result.texts("recoveryCodes").isEmpty()),
                "no loser was shown recovery codes");
        Map<String, AttributeValue> item = raw.get(user.sub());
        assertEquals("ENABLED", item.get("status").s());
        assertStoredCodesAreExactly(winner.texts("recoveryCodes"), item);
        assertEquals("ENABLED", api.status(user).text("status"));
    }

    @Test
    void sameRecoveryCodeOnRecoverIsAcceptedExactlyOnce() {
        MfaApi oneCode = MfaApi.over(AwsEmulator.get(), clock, Map.of());
        Enabled mfa = enable(oneCode);
        String used = mfa.recoveryCodes().get(0);

        List<ApiResult> results = Race.run(THREADS, i -> oneCode.recover(user, used));

        ApiResult winner = assertExactlyOneWinner(results,
                loser -> isError(loser, 400, "invalid_recovery_code") || isLocked(loser));
        List<String> replacement = winner.texts("recoveryCodes");
        assertEquals(1, replacement.size());
        assertStoredCodesAreExactly(replacement, raw.get(user.sub()));

        clock.advance(LOCK.plusSeconds(1)); // the losers' failures may have locked the user
        assertEquals("invalid_recovery_code", oneCode.recover(user, used).error(), "the raced code is used up");
        ApiResult next = oneCode.recover(user, replacement.get(0));
        assertEquals(200, next.status(), "exactly the winner's new code works: " + next);
    }

    @Test
    void sameCodeOnRegenerateIssuesExactlyOneNewSet() {
        Enabled mfa = enable();
        clock.advance(Duration.ofSeconds(30));
        String code = api.codeFor(mfa.secret());

        List<ApiResult> results = Race.run(THREADS, i -> api.regenerate(user, code));

        ApiResult winner = assertExactlyOneWinner(results, loser -> isInvalidCode(loser) || isLocked(loser));
        List<String> issued = winner.texts("recoveryCodes");
        assertEquals(3, issued.size());
        assertStoredCodesAreExactly(issued, raw.get(user.sub()));

        clock.advance(LOCK.plusSeconds(1));
        assertEquals("invalid_recovery_code", api.recover(user, mfa.recoveryCodes().get(0)).error(),
                "codes from before the regeneration stop working");
        for (String winnersCode : issued) {
            ApiResult recovered = api.recover(user, winnersCode);
            assertEquals(200, recovered.status(), "each of the winner's codes works: " + recovered);
        }
    }

    @Test
    void sameCodeOnRemoveRemovesExactlyOnce() {
        Enabled mfa = enable();
        clock.advance(Duration.ofSeconds(30));
        String code = api.codeFor(mfa.secret());

        List<ApiResult> results = Race.run(THREADS, i -> api.removeWithCode(user, code));

        ApiResult winner = assertExactlyOneWinner(results,
                loser -> isError(loser, 409, "mfa_not_enabled") || isInvalidCode(loser) || isLocked(loser));
        assertEquals("NONE", winner.text("status"));
        RawItems.assertTombstone(raw.get(user.sub()));
        assertEquals("NONE", api.status(user).text("status"));
    }

    @Test
    void parallelWrongCodesOnVerifyGetAtMostFiveEvaluations() {
        Enabled mfa = enable();
        clock.advance(Duration.ofSeconds(30));
        List<String> guesses = wrongCodes(mfa.secret(), THREADS);

        List<ApiResult> results = Race.run(THREADS, i -> api.verify(user, guesses.get(i)));

        assertLockedAfterAtMostFiveFailures(results, ConcurrencyIT::isInvalidCode);
        ApiResult correct = api.verify(user, api.codeFor(mfa.secret()));
        assertEquals(429, correct.status(), "while locked even the right code is refused: " + correct);
    }

    @Test
    void parallelWrongCodesOnConfirmGetAtMostFiveEvaluations() {
        ApiResult setup = api.setup(user);
        assertEquals(201, setup.status(), setup::toString);
        List<String> guesses = wrongCodes(setup.text("secret"), THREADS);

        List<ApiResult> results = Race.run(THREADS, i -> api.confirm(user, guesses.get(i)));

        assertLockedAfterAtMostFiveFailures(results, ConcurrencyIT::isInvalidCode);
        assertEquals("PENDING", api.status(user).text("status"));
    }

    @Test
    void parallelWrongCodesAcrossRoutesShareOneLockout() {
        Enabled mfa = enable();
        clock.advance(Duration.ofSeconds(30));
        List<String> guesses = wrongCodes(mfa.secret(), THREADS);
        List<String> wrongRecoveryCodes = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            wrongRecoveryCodes.add(generator.generate().formatted());
        }

        List<ApiResult> results = Race.run(THREADS, i -> switch (i % 5) {
            case 0 -> api.verify(user, guesses.get(i));
            case 1 -> api.regenerate(user, guesses.get(i));
            case 2 -> api.removeWithCode(user, guesses.get(i));
            case 3 -> api.recover(user, wrongRecoveryCodes.get(i));
            default -> api.removeWithRecoveryCode(user, wrongRecoveryCodes.get(i));
        });

        assertLockedAfterAtMostFiveFailures(results,
                result -> isInvalidCode(result) || isError(result, 400, "invalid_recovery_code"));
        assertEquals("ENABLED", api.status(user).text("status"), "no wrong guess removed MFA");
    }

    @Test
    void distinctRecoveryCodesUsedInParallelAllSucceed() {
        MfaApi sixteenCodes = MfaApi.over(AwsEmulator.get(), clock, Map.of(MfaConfiguration.RECOVERY_CODE_COUNT, "16"));
        Enabled mfa = enable(sixteenCodes);
        List<String> codes = mfa.recoveryCodes();
        assertEquals(16, codes.size());

        List<ApiResult> results = Race.run(codes.size(), i -> sixteenCodes.recover(user, codes.get(i)));

        System.out.println("distinct recovery codes outcome: " + tally(results));
        assertNo5xx(results);
        assertEquals(codes.size(), count(results, result -> result.status() == 200),
                () -> "every valid, unused code is accepted: " + tally(results));
        List<String> replacements = results.stream().map(result -> result.texts("recoveryCodes").get(0)).toList();
        assertStoredCodesAreExactly(replacements, raw.get(user.sub()));
    }

    /**
     * ABA on the version: removal deletes the item and a new setup starts again at version 1, so
     * a request that read the old enrollment (version N) can later win its conditional write
     * against the new one once that reaches version N again.
     */
    @Test
    void aStalledVerifyCannotResurrectAnEnrollmentThatWasRemovedAndSetUpAgain() throws Exception {
        AwsEmulator emulator = AwsEmulator.get();
        Enabled old = enable();
        clock.advance(Duration.ofSeconds(30));
        String oldCode = api.codeFor(old.secret());

        try (FaultProxy slowKms = FaultProxy.start(emulator.endpoint());
             KmsClient kms = AwsClients.kms(MfaConfiguration.fromEnvironment(
                     emulator.environment(Map.of(MfaConfiguration.ENDPOINT_URL, slowKms.endpoint()))))) {
            // Decrypt is held long enough for the user to remove MFA and set it up again.
            slowKms.delay(operation -> operation.endsWith(".Decrypt"), Duration.ofMillis(1500));
            MfaApi stalled = new MfaApi(new Wiring(MfaConfiguration.fromEnvironment(emulator.environment(Map.of())),
                    clock, new SecureRandom(), emulator.dynamoDb(), kms));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<ApiResult> late = pool.submit(() -> stalled.verify(user, oldCode));
                assertTrue(slowKms.awaitDelayedRequest(Duration.ofSeconds(5)), "the verify read the old enrollment");

                assertEquals(200, api.removeWithCode(user, oldCode).status(), "the user removes MFA");
                ApiResult setup = api.setup(user);
                assertEquals(201, setup.status(), setup::toString);
                String newSecret = setup.text("secret");
                ApiResult confirmed = api.confirm(user, api.codeFor(newSecret));
                assertEquals(200, confirmed.status(), confirmed::toString);
                Map<String, AttributeValue> reenrolled = raw.get(user.sub());

                ApiResult lateAnswer = late.get(30, TimeUnit.SECONDS);
                assertEquals(400, lateAnswer.status(),
                        "the old code was spent by the removal and the old secret is gone: " + lateAnswer);
                assertEquals(reenrolled.get("secretCiphertext"), raw.get(user.sub()).get("secretCiphertext"),
                        "the new enrollment's secret must survive the stalled write");
                assertEquals(reenrolled.get(RecoveryHashes.KEYED), raw.get(user.sub()).get(RecoveryHashes.KEYED));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private record Enabled(String secret, List<String> recoveryCodes) {
    }

    private Enabled enable() {
        return enable(api);
    }

    private Enabled enable(MfaApi handlers) {
        ApiResult setup = handlers.setup(user);
        assertEquals(201, setup.status(), setup::toString);
        String secret = setup.text("secret");
        ApiResult confirmed = handlers.confirm(user, handlers.codeFor(secret));
        assertEquals(200, confirmed.status(), confirmed::toString);
        return new Enabled(secret, confirmed.texts("recoveryCodes"));
    }

    private static ApiResult assertExactlyOneWinner(List<ApiResult> results, Predicate<ApiResult> allowedLoser) {
        System.out.println("race outcome: " + tally(results));
        assertNo5xx(results);
        List<ApiResult> winners = results.stream().filter(result -> result.status() == 200).toList();
        assertEquals(1, winners.size(), () -> "exactly one request may win: " + tally(results));
        for (ApiResult result : results) {
            if (result != winners.get(0)) {
                assertTrue(allowedLoser.test(result), () -> "unexpected answer " + result + " in " + tally(results));
            }
            if (isLocked(result)) {
                assertNotNull(result.header("Retry-After"), "429 carries Retry-After");
            }
        }
        return winners.get(0);
    }

    private void assertLockedAfterAtMostFiveFailures(List<ApiResult> results, Predicate<ApiResult> evaluatedFailure) {
        System.out.println("guessing outcome: " + tally(results));
        assertNo5xx(results);
        long failures = count(results, evaluatedFailure);
        long locked = count(results, ConcurrencyIT::isLocked);
        assertTrue(failures >= 1 && failures <= MAX_FAILURES,
                () -> "at most " + MAX_FAILURES + " codes may be evaluated before the lock: " + tally(results));
        assertEquals(THREADS, failures + locked, () -> "every other guess is refused as locked: " + tally(results));
        Map<String, AttributeValue> item = raw.get(user.sub());
        assertEquals(Long.toString(clock.instant().plus(LOCK).toEpochMilli()), item.get("lockedUntilMillis").n(),
                "the lock runs five minutes from the fifth failure");
        assertEquals(Integer.toString(MAX_FAILURES), item.get("failedAttempts").n(), "the count goes on through the lock");
        assertEquals(MAX_FAILURES, failures, () -> "20 wrong guesses reach the limit: " + tally(results));
    }

    /** The stored hashes are exactly the given codes: one hash each, nothing else. */
    private void assertStoredCodesAreExactly(List<String> codes, Map<String, AttributeValue> item) {
        List<HashedRecoveryCode> stored = RecoveryHashes.keyed(item);
        assertEquals(codes.size(), stored.size(), "one set of recovery hashes");
        Set<Integer> matched = new HashSet<>();
        for (String code : codes) {
            RecoveryCode parsed = RecoveryCode.parse(code).orElseThrow();
            int index = hasher.findMatch(user.sub(), parsed, stored).orElseThrow(() -> new AssertionError("no stored hash for a winner's code"));
            matched.add(index);
        }
        assertEquals(codes.size(), matched.size(), "each stored hash belongs to one of the winner's codes");
    }

    /** Distinct six-digit codes none of which the window accepts now. */
    private List<String> wrongCodes(String secret, int count) {
        Set<String> accepted = Set.of(api.codeFor(secret, Duration.ofSeconds(-30)), api.codeFor(secret),
                api.codeFor(secret, Duration.ofSeconds(30)));
        List<String> codes = new ArrayList<>();
        for (int n = 100_000; codes.size() < count; n += 7_919) {
            String candidate = String.format(Locale.ROOT, "%06d", n % 1_000_000);
            if (!accepted.contains(candidate) && !codes.contains(candidate)) {
                codes.add(candidate);
            }
        }
        return codes;
    }

    private static void assertNo5xx(List<ApiResult> results) {
        assertFalse(results.stream().anyMatch(result -> result.status() >= 500), () -> "a race produced a 5xx: " + tally(results));
    }

    private static boolean isInvalidCode(ApiResult result) {
        return isError(result, 400, "invalid_code");
    }

    private static boolean isLocked(ApiResult result) {
        return isError(result, 429, "too_many_attempts");
    }

    private static boolean isError(ApiResult result, int status, String error) {
        return result.status() == status && error.equals(result.error());
    }

    private static long count(List<ApiResult> results, Predicate<ApiResult> which) {
        return results.stream().filter(which).count();
    }

    private static String tally(List<ApiResult> results) {
        Map<String, Integer> tally = new TreeMap<>();
        for (ApiResult result : results) {
            tally.merge(result.status() + (result.error() == null ? "" : " " + result.error()), 1, Integer::sum);
        }
        return tally.toString();
    }
}
