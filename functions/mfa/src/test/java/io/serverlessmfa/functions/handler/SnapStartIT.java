package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertUnauthorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.core.token.MfaTokenVerifier;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsCallCounter;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * SnapStart: priming before the snapshot (each handler's beforeCheckpoint hook) and the restore
 * (afterRestore), driven as Lambda's runtime drives them, over the emulator.
 *
 * <p>"One snapshot, two restores" is two execution environments whose state is the same: each has
 * its own table (so both see the same world) and clock (at the same instant), and a SecureRandom
 * in the same state, SHA1PRNG seeded with one fixed seed before first use, which is deterministic
 * and keeps its whole state in the heap, as a snapshot would capture it.
 */
class SnapStartIT {

    private static final byte[] SNAPSHOT_SEED = "the state captured in the snapshot".getBytes(StandardCharsets.US_ASCII);

    /** A user with MFA on, as one execution environment served them: the secret and the recovery codes it handed out. */
    private record Served(String secret, List<String> recoveryCodes) {
    }

    /** Setup and confirm for {@code user} in an environment resumed from the snapshot, with or without the restore hook. */
    private static Served setUpInAnEnvironmentRestoredFromTheSnapshot(TestUser user, Instant now, boolean restoreHook)
            throws Exception {
        AwsEmulator environment = AwsEmulator.get().withFreshTable();
        SecureRandom snapshotState = SecureRandom.getInstance("SHA1PRNG");
        snapshotState.setSeed(SNAPSHOT_SEED);
        MfaApi api = new MfaApi(new Wiring(MfaConfiguration.fromEnvironment(environment.environment(Map.of())),
                new MutableClock(now), snapshotState, environment.dynamoDb(), environment.kms()));
        api.beforeCheckpoint();
        if (restoreHook) {
            api.afterRestore();
        }
        String secret = assertSuccess(201, api.setup(user)).text("secret");
        List<String> recoveryCodes = assertSuccess(200, api.confirm(user, api.codeFor(secret))).texts("recoveryCodes");
        assertFalse(recoveryCodes.isEmpty());
        return new Served(secret, recoveryCodes);
    }

    @Test
    void twoEnvironmentsRestoredFromOneSnapshotHandOutDifferentSecretsAndRecoveryCodes() throws Exception {
        TestUser user = TestUser.random();
        Instant now = MutableClock.atStepStart().instant();

        Served first = setUpInAnEnvironmentRestoredFromTheSnapshot(user, now, true);
        Served second = setUpInAnEnvironmentRestoredFromTheSnapshot(user, now, true);

        assertNotEquals(first.secret(), second.secret(), "each restored environment draws its own TOTP secret");
        assertFalse(first.recoveryCodes().stream().anyMatch(second.recoveryCodes()::contains),
                "no recovery code is handed out by two environments");
    }

    @Test
    void withoutTheRestoreHookTwoEnvironmentsRestoredFromOneSnapshotHandOutTheSameSecretAndRecoveryCodes() throws Exception {
        // The control: the simulation is faithful (the snapshot's state alone decides the output),
        // so the test above fails if afterRestore stops mixing in fresh entropy.
        TestUser user = TestUser.random();
        Instant now = MutableClock.atStepStart().instant();

        Served first = setUpInAnEnvironmentRestoredFromTheSnapshot(user, now, false);
        Served second = setUpInAnEnvironmentRestoredFromTheSnapshot(user, now, false);

        assertEquals(first.secret(), second.secret());
        assertEquals(first.recoveryCodes(), second.recoveryCodes());
    }

    /**
     * The claims both environments sign: one user's verification at one instant, with one jti. In
     * production the jti comes from the same SecureRandom, so it would differ too after a restore;
     * fixing it here leaves ECDSA's own random k as the only thing that can tell two signatures apart.
     */
    private static MfaTokenClaims claimsAt(Instant now) {
        return new MfaTokenClaims("https://" + MfaApi.DOMAIN_NAME, TestUser.random().sub(), "serverless-mfa", now,
                now.plusSeconds(300), now, "snapshot-jti-0123456789", List.of(AuthenticationMethod.ONE_TIME_PASSWORD),
                Optional.empty());
    }

    /**
     * An environment resumed from the snapshot, with or without the restore hook, signing
     * {@code claims} with the service's signing key (in {@code world}'s table, as every environment
     * finds it): the ring its handlers sign with, the key read and unsealed on this first use.
     */
    private static String signInAnEnvironmentRestoredFromTheSnapshot(AwsEmulator world, Instant now, MfaTokenClaims claims,
                                                                    boolean restoreHook) throws Exception {
        SecureRandom snapshotState = SecureRandom.getInstance("SHA1PRNG");
        snapshotState.setSeed(SNAPSHOT_SEED);
        Wiring wiring = new Wiring(MfaConfiguration.fromEnvironment(world.environment(Map.of())), new MutableClock(now),
                snapshotState, world.dynamoDb(), world.kms());
        MfaApi api = new MfaApi(wiring);
        api.beforeCheckpoint();
        if (restoreHook) {
            api.afterRestore();
        }
        return wiring.signingKeys().prepare(now).sign(claims);
    }

    /** The service's signing key, made once before the snapshot is taken; and a ring that checks tokens with its public half. */
    private static MfaTokenVerifier worldWithASigningKey(AwsEmulator world, Instant now) {
        Wiring rotation = new Wiring(MfaConfiguration.fromEnvironment(world.environment(Map.of())), new MutableClock(now),
                new SecureRandom(), world.dynamoDb(), world.kms());
        rotation.rotation().rotate(now);
        return rotation.publishedKeys();
    }

    private static String signingInput(String compact) {
        return compact.substring(0, compact.lastIndexOf('.'));
    }

    @Test
    void twoEnvironmentsRestoredFromOneSnapshotSignTheSameClaimsWithDifferentSignaturesThatBothVerify() throws Exception {
        AwsEmulator world = AwsEmulator.get().withFreshTable();
        Instant now = MutableClock.atStepStart().instant();
        MfaTokenVerifier published = worldWithASigningKey(world, now);
        MfaTokenClaims claims = claimsAt(now);

        String first = signInAnEnvironmentRestoredFromTheSnapshot(world, now, claims, true);
        String second = signInAnEnvironmentRestoredFromTheSnapshot(world, now, claims, true);

        assertEquals(signingInput(first), signingInput(second), "the same header and claims, byte for byte");
        assertNotEquals(first, second, "each restored environment draws its own ECDSA k: the signatures differ");
        assertEquals(Optional.of(claims), published.verifiedClaims(first), "the first environment's token verifies");
        assertEquals(Optional.of(claims), published.verifiedClaims(second), "the second environment's token verifies");
    }

    @Test
    void withoutTheRestoreHookTwoEnvironmentsRestoredFromOneSnapshotSignTheSameClaimsIdentically() throws Exception {
        // The control: with the snapshot's SecureRandom state alone, both environments draw the same
        // k, and two ECDSA signatures with one k under one key give the key away (SEC 1 v2 §4.1.3).
        // So the test above fails if afterRestore stops mixing fresh entropy into the signer's random.
        AwsEmulator world = AwsEmulator.get().withFreshTable();
        Instant now = MutableClock.atStepStart().instant();
        MfaTokenVerifier published = worldWithASigningKey(world, now);
        MfaTokenClaims claims = claimsAt(now);

        String first = signInAnEnvironmentRestoredFromTheSnapshot(world, now, claims, false);
        String second = signInAnEnvironmentRestoredFromTheSnapshot(world, now, claims, false);

        assertEquals(first, second, "the same k: the very same signature");
        assertEquals(Optional.of(claims), published.verifiedClaims(first));
    }

    /** Every route's handler over one wiring, by the route key it serves, in the order of the contract. */
    private static Map<String, MfaFunction> handlers(Wiring wiring) {
        Map<String, MfaFunction> handlers = new LinkedHashMap<>();
        for (MfaFunction handler : List.of(new StatusHandler(wiring), new SetupHandler(wiring), new ConfirmHandler(wiring),
                new VerifyHandler(wiring), new RecoverHandler(wiring), new RecoveryCodesHandler(wiring),
                new RemoveHandler(wiring), new EventsHandler(wiring), new AdminStatsHandler(wiring),
                new AdminUserHandler(wiring), new AdminResetHandler(wiring), new DiscoveryHandler(wiring),
                new JwksHandler(wiring))) {
            handlers.put(handler.routeKey(), handler);
        }
        return handlers;
    }

    /** What an action returned, and what it printed to standard output (request lines, EMF documents). */
    private record Printed<T>(T value, String output) {
    }

    /** Runs {@code action} with standard output captured; handlers built inside it print there. */
    private static <T> Printed<T> capturing(Callable<T> action) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            T value = action.call();
            return new Printed<>(value, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
        }
    }

    /** The whole table, item by item, keyed by pk and sk. */
    private static Map<String, Map<String, AttributeValue>> table(AwsEmulator emulator) {
        return new RawItems(emulator).scanAll().stream().collect(Collectors.toMap(
                item -> item.get("pk").s() + " " + item.get("sk").s(), item -> item, (a, b) -> a, TreeMap::new));
    }

    @Test
    void primingRunsEachRoutesRealPathToTheAnswerThePrimingUserGets() throws Exception {
        AwsEmulator emulator = AwsEmulator.get().withFreshTable();
        Printed<Map<String, String>> answers = capturing(() -> {
            Map<String, String> byRoute = new LinkedHashMap<>();
            handlers(emulator.wiring(MutableClock.atStepStart(), Map.of())).forEach((route, handler) -> {
                ApiResponse answer = handler.prime();
                byRoute.put(route, answer.statusCode() + (answer.errorCode() == null ? "" : " " + answer.errorCode()));
            });
            return byRoute;
        });

        // Setup goes all the way (secret, QR code, KMS Encrypt, the read, the 201's JSON) but its
        // write is dropped; the code-checking routes stop at their read: the priming user has no MFA.
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("GET /mfa", "200");
        expected.put("POST /mfa/setup", "201");
        expected.put("POST /mfa/confirm", "409 no_pending_setup");
        expected.put("POST /mfa/verify", "409 mfa_not_enabled");
        expected.put("POST /mfa/recover", "409 mfa_not_enabled");
        expected.put("POST /mfa/recovery-codes", "409 mfa_not_enabled");
        expected.put("POST /mfa/remove", "409 mfa_not_enabled");
        expected.put("GET /mfa/events", "200");
        // The helpdesk's routes stop at the operator's step-up: no MFA token is ever made for
        // priming, so nothing past it runs before the snapshot.
        expected.put("GET /admin/mfa/stats", "403 mfa_required");
        expected.put("GET /admin/mfa/users/{userId}", "403 mfa_required");
        expected.put("POST /admin/mfa/users/{userId}/reset", "403 mfa_required");
        expected.put("GET /.well-known/openid-configuration", "200");
        expected.put("GET /.well-known/jwks.json", "200");
        assertEquals(expected, answers.value());
        assertEquals("", answers.output(), "priming prints no request line, no EMF document, no fault");
    }

    @Test
    void primingEveryRouteWritesNothingCountsNothingAndPrintsNothing() throws Exception {
        AwsEmulator emulator = AwsEmulator.get().withFreshTable();
        MutableClock clock = MutableClock.atStepStart();
        Wiring wiring = emulator.wiring(clock, Map.of());
        // A table in use: a user with MFA on, so its audit events and the adoption counters exist.
        new MfaFixtures(new MfaApi(wiring), clock).enabled(TestUser.random());
        Map<String, Map<String, AttributeValue>> before = table(emulator);
        assertTrue(before.keySet().stream().anyMatch(key -> key.contains("EVENT#")), before.keySet()::toString);

        String printed = capturing(() -> {
            for (MfaFunction handler : handlers(wiring).values()) {
                handler.beforeCheckpoint(null);
            }
            return null;
        }).output();

        assertEquals(before, table(emulator), "no item written, changed or removed: no enrollment, event or count");
        assertEquals(Map.of(), new RawItems(emulator).get(Priming.USER_ID), "the priming user has nothing stored");
        assertEquals("", printed, "no request line, no EMF document");
    }

    @Test
    void afterPrimingAndRestoreTheHandlersServeAUserAndCountOnlyTheirRequests() throws Exception {
        AwsEmulator emulator = AwsEmulator.get();
        MutableClock clock = MutableClock.atStepStart();
        TestUser user = TestUser.random();
        String printed = capturing(() -> {
            // Built inside: a handler takes System.out when it is constructed.
            MfaApi api = MfaApi.over(emulator, clock, Map.of());
            api.beforeCheckpoint();
            api.afterRestore();
            MfaFixtures fixtures = new MfaFixtures(api, clock);
            String secret = fixtures.enabled(user).secret();
            assertSuccess(200, api.verify(user, fixtures.nextCode(secret)));
            fixtures.assertStatus(user, "ENABLED");
            return null;
        }).output();

        Map<String, Integer> counted = new TreeMap<>();
        for (String line : printed.lines().filter(line -> line.startsWith("{\"_aws\"")).toList()) {
            String function = line.replaceAll(".*\"function\":\"([^\"]+)\".*", "$1");
            counted.merge(function, 1, Integer::sum);
        }
        assertEquals(Map.of("setup", 1, "confirm", 1, "verify", 1), counted, "one EMF document per counted request, none from priming");
        long requestLines = printed.lines().filter(line -> line.contains("\"durationMs\"")).count();
        assertEquals(4, requestLines, "one request line each for setup, confirm, verify and status: " + printed);
    }

    /** A KMS client of the functions' kind over the emulator, each call counted by {@code counter}. */
    private static KmsClient countedKms(AwsEmulator emulator, AwsCallCounter counter) {
        return KmsClient.builder().region(Region.of(AwsEmulator.REGION)).endpointOverride(emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(counter)).build();
    }

    @Test
    void aRestoredEnvironmentAsksKmsForItsOwnDataKey() throws Exception {
        AwsEmulator emulator = AwsEmulator.get();
        AwsCallCounter counter = new AwsCallCounter();
        try (KmsClient kms = countedKms(emulator, counter)) {
            MfaApi api = new MfaApi(new Wiring(MfaConfiguration.fromEnvironment(emulator.environment(Map.of())),
                    MutableClock.atStepStart(), new SecureRandom(), emulator.dynamoDb(), kms));
            api.beforeCheckpoint();
            long primed = counter.count("GenerateDataKey");
            api.afterRestore();
            assertSuccess(201, api.setup(TestUser.random()));
            assertSuccess(201, api.setup(TestUser.random()));

            assertEquals(1, primed, "priming sealed a secret under a data key");
            assertEquals(2, counter.count("GenerateDataKey"), "after the restore, one new data key, not the snapshot's");
        }
    }

    @Test
    void noSigningKeyUnsealedBeforeTheSnapshotIsKeptInIt() throws Exception {
        AwsEmulator emulator = AwsEmulator.get();
        AwsCallCounter counter = new AwsCallCounter();
        try (KmsClient kms = countedKms(emulator, counter)) {
            MutableClock clock = MutableClock.atStepStart();
            Wiring wiring = new Wiring(MfaConfiguration.fromEnvironment(emulator.environment(Map.of())), clock,
                    new SecureRandom(), emulator.dynamoDb(), kms);
            MfaApi api = new MfaApi(wiring);
            new MfaFixtures(api, clock).enabled(TestUser.random()); // a token signed: the key unsealed
            counter.reset();

            api.beforeCheckpoint();
            api.afterRestore();
            clock.advance(java.time.Duration.ofSeconds(30));
            new MfaFixtures(api, clock).enabled(TestUser.random());

            assertEquals(java.util.List.of("Kms Decrypt"), counter.signingKeyCalls(), "unsealed again after the restore");
        }
    }

    @Test
    void noTokenMayActAsThePrimingUser() {
        AwsEmulator emulator = AwsEmulator.get();
        MfaApi api = MfaApi.over(emulator, MutableClock.atStepStart(), Map.of());
        Map<String, String> claims = new HashMap<>(TestUser.random().claims());
        claims.put("sub", Priming.USER_ID);
        TestUser priming = new TestUser(Priming.USER_ID, claims);
        claims.put("sub", Priming.RESERVED_PREFIX + "anyone");
        TestUser reserved = new TestUser(Priming.RESERVED_PREFIX + "anyone", claims);

        assertUnauthorized(api.setup(priming));
        assertUnauthorized(api.status(priming));
        assertUnauthorized(api.setup(reserved));
        assertEquals(Map.of(), new RawItems(emulator).get(Priming.USER_ID), "the setup wrote nothing");
        ApiResult stillNone = api.admin("GET /admin/mfa/users/{userId}", TestUser.operator(), Priming.USER_ID);
        assertEquals("NONE", assertSuccess(200, stillNone).text("status"));
        assertTrue(stillNone.json().field("events").orElseThrow().asArray().isEmpty(), stillNone::toString);
    }
}
