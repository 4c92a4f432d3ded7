package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.core.secret.Base32;
import io.serverlessmfa.functions.crypto.DataKeyCaching;
import io.serverlessmfa.functions.crypto.EnvelopeSecretCipher;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.testing.RecoveryHashes;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.Race;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Races ConcurrencyIT does not cover: two different operations on one user, 20 parallel requests
 * from one start gate. Whatever the interleaving, the end state is one of the consistent ones and
 * agrees with what the requests were told; never a 5xx. The races that start all requests at once
 * are repeated with one side held back a few milliseconds, so that both outcomes occur.
 */
class RaceMatrixIT {

    private static final int THREADS = 20;
    private static final Duration PAST_LOCK = Duration.ofMinutes(5).plusSeconds(1);

    private AwsEmulator emulator;
    private MutableClock clock;
    private MfaApi api;
    private RawItems raw;
    private TestUser user;

    @BeforeEach
    void setUp() {
        emulator = AwsEmulator.get();
        clock = MutableClock.atStepStart();
        // Races start many setups for one user; the bound on setup changes (SetupIT) is not raced here.
        api = MfaApi.over(emulator, clock, Map.of(MfaConfiguration.SETUP_CHANGE_LIMIT, "1000"));
        raw = new RawItems(emulator);
        user = TestUser.random();
    }

    /**
     * 10 threads restart setup while 10 confirm with the current secret's code. ENABLED: with that
     * secret, recovery hashes, exactly one confirm winner whose code works, and no setup that
     * replaced the secret. PENDING: no confirm won and the stored secret is one a setup returned.
     */
    @RepeatedTest(6)
    void setupAgainstConfirm(RepetitionInfo repetition) {
        long lag = lag(repetition);
        ApiResult first = api.setup(user);
        assertEquals(201, first.status(), first::toString);
        String original = first.text("secret");
        String code = api.codeFor(original);

        List<ApiResult> results = Race.run(THREADS, i -> i % 2 == 0 ? after(lag, () -> api.setup(user)) : api.confirm(user, code));

        List<ApiResult> setups = every(results, 0);
        List<ApiResult> confirms = every(results, 1);
        System.out.println("setup vs confirm (setups " + lag + " ms late): setups " + tally(setups) + ", confirms " + tally(confirms));
        assertNo5xx(results);
        assertAll(setups, r -> r.status() == 201 || isError(r, 409, "mfa_already_enabled"), "setup");
        assertAll(confirms, r -> r.status() == 200 || isError(r, 400, "invalid_code") || isError(r, 409, "mfa_already_enabled")
                || isError(r, 409, "no_pending_setup") || r.status() == 429, "confirm");
        List<ApiResult> confirmWinners = confirms.stream().filter(r -> r.status() == 200).toList();
        List<ApiResult> setupWinners = setups.stream().filter(r -> r.status() == 201).toList();
        Map<String, AttributeValue> item = raw.get(user.sub());
        String stored = storedSecret(item);

        if (item.get("status").s().equals("ENABLED")) {
            assertEquals(1, confirmWinners.size(), () -> "ENABLED means exactly one confirm won: " + tally(confirms));
            assertTrue(item.containsKey(RecoveryHashes.KEYED) && !item.get(RecoveryHashes.KEYED).l().isEmpty()
                    || item.containsKey(RecoveryHashes.KEYED) && item.get(RecoveryHashes.KEYED).hasSs(),
                    () -> "never ENABLED without recovery hashes: " + item.keySet());
            assertEquals(original, stored, "the confirmed secret is the one whose code was sent");
            assertEquals(0, setupWinners.size(),
                    () -> "a setup that replaced the secret before the confirm would have made its code wrong: " + tally(setups));
            clock.advance(PAST_LOCK);
            ApiResult recovered = api.recover(user, confirmWinners.get(0).texts("recoveryCodes").get(0));
            assertEquals(200, recovered.status(), () -> "the winner's recovery code works: " + recovered);
            ApiResult verified = api.verify(user, api.codeFor(original));
            assertEquals(200, verified.status(), () -> "the original secret is the enabled one: " + verified);
        } else {
            assertEquals("PENDING", item.get("status").s(), item::toString);
            assertEquals(0, confirmWinners.size(), () -> "PENDING means no confirm won: " + tally(confirms));
            assertTrue(!item.containsKey(RecoveryHashes.KEYED) || !item.get(RecoveryHashes.KEYED).hasL()
                    || item.get(RecoveryHashes.KEYED).l().isEmpty(), "no recovery hashes while pending");
            List<String> returned = new ArrayList<>(setupWinners.stream().map(r -> r.text("secret")).toList());
            if (returned.isEmpty()) {
                returned.add(original);
            }
            assertTrue(returned.contains(stored), "the pending secret is one a setup returned");
            clock.advance(PAST_LOCK);
            ApiResult confirmed = api.confirm(user, api.codeFor(stored));
            assertEquals(200, confirmed.status(), () -> "the stored pending secret confirms: " + confirmed);
        }
    }

    /**
     * 10 threads confirm a pending setup while 10 cancel it ({@code POST /mfa/remove {}}). ENABLED:
     * exactly one confirm won and no cancel did. NONE: no confirm won and a cancel did.
     */
    @RepeatedTest(6)
    void confirmAgainstCancel(RepetitionInfo repetition) {
        long lag = lag(repetition);
        ApiResult setup = api.setup(user);
        assertEquals(201, setup.status(), setup::toString);
        String secret = setup.text("secret");
        String code = api.codeFor(secret);

        List<ApiResult> results = Race.run(THREADS, i -> i % 2 == 0 ? api.confirm(user, code)
                : after(lag, () -> api.call("POST /mfa/remove", user, "{}")));

        List<ApiResult> confirms = every(results, 0);
        List<ApiResult> removes = every(results, 1);
        System.out.println("confirm vs cancel (cancels " + lag + " ms late): confirms " + tally(confirms) + ", removes " + tally(removes));
        assertNo5xx(results);
        assertAll(confirms, r -> r.status() == 200 || isError(r, 409, "mfa_already_enabled") || isError(r, 409, "no_pending_setup")
                || isError(r, 400, "invalid_code") || r.status() == 429, "confirm");
        assertAll(removes, r -> r.status() == 200 || isError(r, 409, "mfa_not_enabled") || isError(r, 400, "invalid_request")
                || r.status() == 429, "remove");
        long confirmWins = confirms.stream().filter(r -> r.status() == 200).count();
        long removeWins = removes.stream().filter(r -> r.status() == 200).count();
        Map<String, AttributeValue> item = raw.get(user.sub());
        String status = item.isEmpty() ? "NONE" : item.get("status").s();
        String reported = api.status(user).text("status");
        assertEquals(status, reported, "the status route agrees with the table");

        if (status.equals("ENABLED")) {
            assertEquals(1, confirmWins, () -> "ENABLED: exactly one confirm won: " + tally(confirms));
            assertEquals(0, removeWins, () -> "a cancel that won would have left nothing to confirm: " + tally(removes));
            assertEquals(secret, storedSecret(item));
            clock.advance(PAST_LOCK);
            ApiResult recovered = api.recover(user, confirms.stream().filter(r -> r.status() == 200).findFirst().orElseThrow()
                    .texts("recoveryCodes").get(0));
            assertEquals(200, recovered.status(), recovered::toString);
        } else {
            assertEquals("NONE", status, item::toString);
            assertEquals(0, confirmWins, () -> "NONE: no confirm may have reported success: " + tally(confirms));
            assertTrue(removeWins >= 1, () -> "NONE: a cancel won: " + tally(removes));
            if (!item.isEmpty()) {
                RawItems.assertTombstone(item);
            }
        }
    }

    /** 20 removals with the same recovery code: exactly one 200, MFA is off, a tombstone is left. */
    @Test
    void sameRecoveryCodeOnRemoveRemovesExactlyOnce() {
        ApiResult setup = api.setup(user);
        assertEquals(201, setup.status(), setup::toString);
        ApiResult confirmed = api.confirm(user, api.codeFor(setup.text("secret")));
        assertEquals(200, confirmed.status(), confirmed::toString);
        String recoveryCode = confirmed.texts("recoveryCodes").get(0);

        List<ApiResult> results = Race.run(THREADS, i -> api.removeWithRecoveryCode(user, recoveryCode));

        System.out.println("same recovery code on remove: " + tally(results));
        assertNo5xx(results);
        assertEquals(1, results.stream().filter(r -> r.status() == 200).count(), () -> "exactly one removal: " + tally(results));
        assertAll(results, r -> r.status() == 200 || isError(r, 409, "mfa_not_enabled")
                || isError(r, 400, "invalid_recovery_code") || r.status() == 429, "remove");
        for (ApiResult result : results) {
            if (result.status() == 429) {
                assertNotNull(result.header("Retry-After"));
            }
        }
        RawItems.assertTombstone(raw.get(user.sub()));
        assertEquals("NONE", api.status(user).text("status"));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * The cheaper operation (setup or cancel needs no KMS Decrypt) always won when all started at
     * once; later repetitions hold it back a little so the other interleavings are exercised too.
     */
    private static long lag(RepetitionInfo repetition) {
        return new long[] {0, 0, 5, 15, 30, 60}[(repetition.getCurrentRepetition() - 1) % 6];
    }

    private static ApiResult after(long millis, java.util.function.Supplier<ApiResult> request) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(interrupted);
            }
        }
        return request.get();
    }

    /** Decrypts the stored ciphertext for its user, as the functions do: the secret as Base32. */
    private String storedSecret(Map<String, AttributeValue> item) {
        byte[] plain = new EnvelopeSecretCipher(emulator.kms(), emulator.keyId(), DataKeyCaching.OFF,
                java.time.Clock.systemUTC(), new java.security.SecureRandom())
                .decrypt(user.sub(), new EncryptedSecret(item.get("secretCiphertext").b().asByteArray()));
        return Base32.encode(plain);
    }

    private static List<ApiResult> every(List<ApiResult> results, int parity) {
        List<ApiResult> out = new ArrayList<>();
        for (int i = parity; i < results.size(); i += 2) {
            out.add(results.get(i));
        }
        return out;
    }

    private static void assertNo5xx(List<ApiResult> results) {
        for (ApiResult result : results) {
            assertTrue(result.status() < 500, () -> "no 5xx: " + result + " in " + tally(results));
        }
    }

    private static void assertAll(List<ApiResult> results, Predicate<ApiResult> allowed, String what) {
        for (ApiResult result : results) {
            assertTrue(allowed.test(result), () -> "unexpected " + what + " answer " + result + " in " + tally(results));
        }
    }

    private static boolean isError(ApiResult result, int status, String error) {
        return result.status() == status && error.equals(result.error());
    }

    private static Map<String, Integer> tally(List<ApiResult> results) {
        Map<String, Integer> counts = new TreeMap<>();
        for (ApiResult result : results) {
            counts.merge(result.status() + (result.error() == null ? "" : " " + result.error()), 1, Integer::sum);
        }
        return counts;
    }
}
