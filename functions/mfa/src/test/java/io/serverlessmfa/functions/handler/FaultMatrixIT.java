package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.testing.RecoveryHashes;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.FaultProxy;
import io.serverlessmfa.functions.testing.FaultProxy.Call;
import io.serverlessmfa.functions.testing.FaultProxy.Fault;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The fault matrix: every operation × every AWS call it makes × every way that call can fail
 * (connection reset, stall past the attempt timeout, throttling, internal error), injected by
 * {@link FaultProxy} between the production SDK clients ({@link AwsClients}: their timeouts and
 * retries) and the emulator, either once (the SDK's own retries must absorb it) or from that call
 * on (the dependency stays down).
 *
 * <p>Each run takes a fresh user to the operation's starting state through the healthy handlers,
 * runs the operation through the proxy and then requires one of exactly two outcomes:
 * <ul>
 *   <li>{@code 503 service_unavailable} with {@code Retry-After}, and the stored item byte for byte
 *       what it was before (nothing half-written, no failure counted or lost, no code spent); or</li>
 *   <li>the operation's own answer, and the stored state exactly what that answer promises,
 *       checked by using it (the new secret confirms, the new recovery code works and the old one
 *       does not, the spent code is refused, the failure was counted).</li>
 * </ul>
 * A fault injected once must end in the second outcome, a lasting one in the first, and either
 * well inside the 15 s Lambda timeout of template.yaml. An outage never carries an MFA token, and
 * where the operation spends a proof (a code, a recovery code, the operator's step-up) that proof
 * still works afterwards, through the healthy handlers: the outage spent nothing.
 *
 * <p>The handlers under fault are a cold container (a {@link Wiring} of their own): the MFA token's
 * signing key is not in hand yet, so confirm, verify and recover first read the signing keys'
 * item (GetItem) and unseal the current private key (KMS Decrypt), or, on a table with no key
 * yet, make the first one (KMS Encrypt and UpdateItem, then the GetItem again); the JWKS reads the
 * item; the helpdesk's routes read it to check the operator's X-MFA-Token. Every one of those
 * calls is a failure point of its scenario, found by running it without faults.
 */
class FaultMatrixIT {

    /** Lambda timeout 15 s (template.yaml): the answer, 503 at worst, must come well inside it. */
    private static final Duration ANSWER_LIMIT = Duration.ofSeconds(8);

    private static final Map<String, List<Call>> CALLS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> INJECTED = new ConcurrentHashMap<>();
    private static final Map<Fault, AtomicLong> SLOWEST = new ConcurrentHashMap<>();

    /** Once: one attempt fails and the SDK retries. From then on: every later attempt fails too. */
    enum Persistence { ONCE, FROM_THEN_ON }

    static Stream<Arguments> matrix() {
        return Scenario.ALL.stream().flatMap(scenario -> Arrays.stream(Fault.values())
                .map(fault -> Arguments.of(scenario, fault)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("matrix")
    void aFaultAtAnyCallLeavesExactlyTheStateBeforeOrTheStateAfter(Scenario scenario, Fault fault) throws Exception {
        List<Call> calls = CALLS.computeIfAbsent(scenario.name(), name -> discover(scenario));
        List<Executable> checks = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(6, calls.size() * 2));
        try {
            List<Future<Executable>> runs = new ArrayList<>();
            for (Call point : calls) {
                for (Persistence persistence : Persistence.values()) {
                    runs.add(pool.submit(() -> run(scenario, point, fault, persistence)));
                }
            }
            for (Future<Executable> run : runs) {
                checks.add(run.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertAll(scenario + " with " + fault, checks);
    }

    @AfterAll
    static void reportFigures() throws IOException {
        if (RUNS.isEmpty()) {
            return; // skipped (e.g. the LocalStack run without Docker): keep the last real report
        }
        StringBuilder report = new StringBuilder("Fault matrix (FaultMatrixIT): operation, AWS calls, runs, faults injected\n");
        int runs = 0;
        int injected = 0;
        for (String scenario : new TreeMap<>(RUNS).keySet()) {
            int scenarioRuns = RUNS.get(scenario).get();
            int scenarioInjected = INJECTED.getOrDefault(scenario, new AtomicInteger()).get();
            runs += scenarioRuns;
            injected += scenarioInjected;
            report.append(String.format("  %-40s %-70s %4d runs %5d faults%n", scenario, CALLS.get(scenario),
                    scenarioRuns, scenarioInjected));
        }
        report.append(String.format("total: %d operations, %d runs, %d faults injected%n", RUNS.size(), runs, injected));
        SLOWEST.forEach((fault, millis) -> report.append(String.format("slowest answer with %s: %d ms%n", fault,
                millis.get())));
        System.out.print(report);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("fault-matrix.txt"), report, StandardCharsets.UTF_8);
        }
    }

    /** The calls a fault-free run makes, in order: the failure points of the matrix. */
    private static List<Call> discover(Scenario scenario) {
        try (Harness harness = new Harness()) {
            Start start = scenario.prepare().apply(harness);
            ApiResult result = scenario.operation().apply(new Run(harness.faulty, start, harness.fixtures));
            assertEquals(scenario.success(), result.status(), () -> scenario + " without faults: " + result);
            List<Call> calls = harness.proxy.calls();
            assertFalse(calls.isEmpty(), scenario + " makes AWS calls");
            return calls;
        }
    }

    /** One cell of the matrix; the returned check is run by {@code assertAll} so every cell reports. */
    private static Executable run(Scenario scenario, Call point, Fault fault, Persistence persistence) {
        try (Harness harness = new Harness()) {
            Start start = scenario.prepare().apply(harness);
            Map<String, AttributeValue> before = harness.raw.get(start.user().sub());
            List<Map<String, AttributeValue>> keysBefore = harness.raw.signingKeys();
            harness.proxy.inject(fault, call -> call.operation().equals(point.operation())
                    && (persistence == Persistence.ONCE ? call.occurrence() == point.occurrence()
                    : call.occurrence() >= point.occurrence()));

            long started = System.nanoTime();
            ApiResult result = scenario.operation().apply(new Run(harness.faulty, start, harness.fixtures));
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            Map<String, AttributeValue> after = harness.raw.get(start.user().sub());
            Outcome outcome = new Outcome(harness, start, result, before, after, keysBefore, harness.raw.signingKeys());

            RUNS.computeIfAbsent(scenario.name(), name -> new AtomicInteger()).incrementAndGet();
            INJECTED.computeIfAbsent(scenario.name(), name -> new AtomicInteger()).addAndGet(harness.proxy.injected());
            SLOWEST.computeIfAbsent(fault, f -> new AtomicLong()).accumulateAndGet(millis, Math::max);
            String cell = scenario + ", " + fault + " " + persistence + " at " + point + ": " + result
                    + " in " + millis + " ms";
            try {
                assertTrue(harness.proxy.injected() > 0, cell + ": the fault was injected");
                assertTrue(millis < ANSWER_LIMIT.toMillis(), cell + ": answered within " + ANSWER_LIMIT);
                if (persistence == Persistence.FROM_THEN_ON) {
                    assertOutage(cell, result);
                    assertEquals(before, after, cell + ": the stored item is exactly what it was before");
                    scenario.afterOutage().check(outcome, cell);
                } else {
                    assertEquals(scenario.success(), result.status(), cell + ": the SDK's retry absorbs one fault");
                    assertEnabledIsComplete(cell, after);
                    scenario.after().check(outcome, cell);
                }
                return () -> { };
            } catch (AssertionError failed) {
                return () -> {
                    throw failed;
                };
            }
        } catch (RuntimeException | AssertionError broken) {
            return () -> {
                throw new AssertionError(scenario + ", " + fault + " " + persistence + " at " + point, broken);
            };
        }
    }

    private static void assertOutage(String cell, ApiResult result) {
        assertEquals(503, result.status(), cell);
        assertEquals("service_unavailable", result.error(), cell);
        String retryAfter = result.header("Retry-After");
        assertNotNull(retryAfter, cell + ": a 503 carries Retry-After");
        assertTrue(retryAfter.matches("[1-9][0-9]*"), cell + ": Retry-After in whole seconds");
        assertFalse(result.json().field("mfaToken").isPresent() || result.body().contains("eyJ"),
                cell + ": an outage issues no MFA token");
    }

    /** Never enabled without its secret and recovery hashes, whatever failed. */
    private static void assertEnabledIsComplete(String cell, Map<String, AttributeValue> item) {
        if (item.containsKey("status") && item.get("status").s().equals("ENABLED")) {
            assertTrue(item.containsKey("secretCiphertext"), cell + ": enabled with its secret");
            assertTrue(item.containsKey(RecoveryHashes.KEYED) && !item.get(RecoveryHashes.KEYED).l().isEmpty(),
                    cell + ": enabled with recovery hashes");
        }
    }

    /** Healthy handlers for preparing and checking, and handlers whose clients go through the proxy. */
    private static final class Harness implements AutoCloseable {

        /** A table per cell: moto copies the whole table on each TransactWriteItems (see AwsEmulator). */
        final AwsEmulator emulator = AwsEmulator.get().withFreshTable();
        final MutableClock clock = MutableClock.atStepStart();
        final MfaApi healthy = MfaApi.over(emulator, clock, Map.of());
        final MfaFixtures fixtures = new MfaFixtures(healthy, clock);
        final RawItems raw = new RawItems(emulator);
        final FaultProxy proxy = FaultProxy.start(emulator.endpoint());
        final DynamoDbClient dynamoDb;
        final KmsClient kms;
        final MfaApi faulty;

        Harness() {
            MfaConfiguration throughProxy = MfaConfiguration.fromEnvironment(
                    emulator.environment(Map.of(MfaConfiguration.ENDPOINT_URL, proxy.endpoint())));
            dynamoDb = AwsClients.dynamoDb(throughProxy);
            kms = AwsClients.kms(throughProxy);
            faulty = new MfaApi(new Wiring(MfaConfiguration.fromEnvironment(emulator.environment(Map.of())), clock,
                    new SecureRandom(), dynamoDb, kms));
        }

        @Override
        public void close() {
            proxy.close();
            dynamoDb.close();
            kms.close();
        }
    }

    /**
     * The user and what the preparation gave them; on a helpdesk route, the operator acting on that
     * user and the MFA token of the operator's step-up.
     */
    record Start(TestUser user, String secret, String recoveryCode, TestUser operator, String mfaToken) {

        Start(TestUser user, String secret, String recoveryCode) {
            this(user, secret, recoveryCode, null, null);
        }
    }

    record Run(MfaApi api, Start start, MfaFixtures fixtures) {

        TestUser user() {
            return start.user();
        }
    }

    record Outcome(Harness harness, Start start, ApiResult result, Map<String, AttributeValue> before,
                   Map<String, AttributeValue> after, List<Map<String, AttributeValue>> keysBefore,
                   List<Map<String, AttributeValue>> keysAfter) {

        MfaApi healthy() {
            return harness.healthy;
        }

        TestUser user() {
            return start.user();
        }

        int failures(Map<String, AttributeValue> item) {
            return item.containsKey("failedAttempts") ? Integer.parseInt(item.get("failedAttempts").n()) : 0;
        }
    }

    @FunctionalInterface
    interface AfterCheck {
        void check(Outcome outcome, String cell);
    }

    /**
     * One operation from one starting state, its success status, what its success promises, and
     * what must still hold after a lasting outage besides the unchanged item (by default nothing more).
     */
    record Scenario(String name, Function<Harness, Start> prepare, Function<Run, ApiResult> operation, int success,
                    AfterCheck after, AfterCheck afterOutage) {

        Scenario(String name, Function<Harness, Start> prepare, Function<Run, ApiResult> operation, int success,
                 AfterCheck after) {
            this(name, prepare, operation, success, after, (outcome, cell) -> { });
        }

        /** This scenario, checking also {@code check} after a lasting outage. */
        Scenario afterOutage(AfterCheck check) {
            return new Scenario(name, prepare, operation, success, after, check);
        }

        @Override
        public String toString() {
            return name;
        }

        static Start none(Harness harness) {
            return new Start(TestUser.random(), null, null);
        }

        static Start pending(Harness harness) {
            TestUser user = TestUser.random();
            return new Start(user, harness.fixtures.pending(user), null);
        }

        static Start enabled(Harness harness) {
            TestUser user = TestUser.random();
            MfaFixtures.Enabled enabled = harness.fixtures.enabled(user);
            return new Start(user, enabled.secret(), enabled.recoveryCode());
        }

        /** Pending, on a stack in use: another user's confirm has already made the first signing key. */
        static Start pendingWithSigningKey(Harness harness) {
            enabled(harness);
            assertFalse(harness.raw.signingKeys().isEmpty(), "a signing key exists");
            return pending(harness);
        }

        /** Enabled, on a stack upgraded from before MFA tokens: users have MFA, no signing key exists yet. */
        static Start enabledWithoutSigningKey(Harness harness) {
            Start start = enabled(harness);
            harness.raw.deleteSigningKeys();
            assertTrue(harness.raw.signingKeys().isEmpty(), "no signing key left");
            return start;
        }

        /** A user with MFA on, and an operator with a fresh step-up (the healthy handlers' MFA token). */
        static Start enabledWithOperator(Harness harness) {
            Start target = enabled(harness);
            TestUser operator = TestUser.operator();
            String token = harness.fixtures.stepUp(operator);
            return new Start(target.user(), target.secret(), target.recoveryCode(), operator, token);
        }

        /** No user item; the signing key exists (made by an enrolment, as on any stack in use). */
        static Start signingKeyExists(Harness harness) {
            enabled(harness);
            return none(harness);
        }

        static String code(Run run) {
            return run.api().codeFor(run.start().secret());
        }

        static String wrongCode(Run run) {
            return run.fixtures().wrongCode(run.start().secret());
        }

        static void unchanged(Outcome outcome, String cell) {
            assertEquals(outcome.before(), outcome.after(), cell + ": a read changes nothing");
        }

        static void newSecretConfirms(Outcome outcome, String cell) {
            assertEquals("PENDING", outcome.after().get("status").s(), cell);
            String secret = outcome.result().text("secret");
            ApiResult confirmed = outcome.healthy().confirm(outcome.user(), outcome.healthy().codeFor(secret));
            assertEquals(200, confirmed.status(), cell + ": the secret shown is the one stored: " + confirmed);
        }

        static void oneMoreFailure(Outcome outcome, String cell) {
            assertEquals(outcome.failures(outcome.before()) + 1, outcome.failures(outcome.after()),
                    cell + ": the failed code was counted, once");
        }

        static void codeSpent(Outcome outcome, String cell) {
            ApiResult replay = outcome.healthy().verify(outcome.user(),
                    outcome.healthy().codeFor(outcome.start().secret()));
            assertEquals(400, replay.status(), cell + ": the accepted code is spent: " + replay);
        }

        static void recoveryCodeReplaced(Outcome outcome, String cell) {
            List<String> issued = outcome.result().texts("recoveryCodes");
            assertFalse(issued.isEmpty(), cell + ": new recovery codes shown");
            ApiResult old = outcome.healthy().recover(outcome.user(), outcome.start().recoveryCode());
            assertEquals(400, old.status(), cell + ": the old recovery code is gone: " + old);
            ApiResult fresh = outcome.healthy().recover(outcome.user(), issued.get(0));
            assertEquals(200, fresh.status(), cell + ": the recovery code shown is the one stored: " + fresh);
        }

        /** The operator's own trail holds exactly {@code count} resets of this user: once for a success, never for an outage. */
        static void resetsInTheOperatorsTrail(Outcome outcome, String cell, int count) {
            ApiResult trail = outcome.healthy().events(outcome.start().operator(), null);
            long resets = trail.json().field("events").orElseThrow().asArray().stream().map(event -> event.asObject())
                    .filter(event -> event.get("type").asString().equals("ADMIN_RESET_PERFORMED")
                            && event.get("userId").asString().equals(outcome.user().sub()))
                    .count();
            assertEquals(count, resets, cell + ": the operator's trail, whom they reset: " + trail);
        }

        static void removed(Outcome outcome, String cell) {
            RawItems.assertTombstone(outcome.after());
            assertEquals("NONE", outcome.healthy().status(outcome.user()).text("status"), cell);
        }

        /** After an outage: the same request through the healthy handlers succeeds, so the outage spent nothing. */
        static AfterCheck sameRequestStillWorks(Function<Outcome, ApiResult> again, int status) {
            return (outcome, cell) -> {
                ApiResult retried = again.apply(outcome);
                assertEquals(status, retried.status(), cell + ": the same proof still works after the outage: " + retried);
            };
        }

        /** The code the operation sent: the clock has not moved since. */
        static String sameCode(Outcome outcome) {
            return outcome.healthy().codeFor(outcome.start().secret());
        }

        /** A successful MFA token: a JWS signed by a key the table holds, with the amr of the proof. */
        static void tokenIssued(Outcome outcome, String cell, String amr) {
            String token = outcome.result().text("mfaToken");
            assertNotNull(token, cell + ": the success carries its MFA token");
            assertNotNull(outcome.result().text("mfaTokenExpiresAt"), cell);
            String[] parts = token.split("\\.");
            assertEquals(3, parts.length, cell + ": a compact JWS");
            String header = new String(java.util.Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
            String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            assertTrue(outcome.keysAfter().stream().anyMatch(key -> header.contains("\"kid\":\"" + key.get("kid").s() + "\"")),
                    cell + ": signed by a stored key: " + header);
            assertTrue(payload.contains("\"amr\":[\"" + amr + "\"]"), cell + ": amr " + amr + ": " + payload);
        }

        /** The signing keys' partition, read but never changed. */
        static void keysUnchanged(Outcome outcome, String cell) {
            assertEquals(outcome.keysBefore(), outcome.keysAfter(), cell + ": the signing keys are what they were");
        }

        /** The step-up and the route's own reads change nothing. */
        static void readOnly(Outcome outcome, String cell) {
            unchanged(outcome, cell);
            keysUnchanged(outcome, cell);
        }

        static ApiResult admin(Run run, String route, boolean withTarget) {
            return run.api().admin(route, run.start().operator(), withTarget ? run.user().sub() : null,
                    run.start().mfaToken());
        }

        static final String STATS = "GET /admin/mfa/stats";
        static final String USER = "GET /admin/mfa/users/{userId}";
        static final String RESET = "POST /admin/mfa/users/{userId}/reset";
        static final String JWKS = "GET /.well-known/jwks.json";

        static final AfterCheck CONFIRM_SUCCEEDS = (outcome, cell) -> {
            assertEquals("ENABLED", outcome.after().get("status").s(), cell);
            tokenIssued(outcome, cell, "otp");
            outcome.harness().clock.advance(Duration.ofSeconds(30));
            ApiResult recovered = outcome.healthy().recover(outcome.user(),
                    outcome.result().texts("recoveryCodes").get(0));
            assertEquals(200, recovered.status(), cell + ": the recovery code shown works: " + recovered);
        };
        static final AfterCheck CONFIRM_NOT_SPENT = sameRequestStillWorks(
                outcome -> outcome.healthy().confirm(outcome.user(), sameCode(outcome)), 200);
        static final AfterCheck VERIFY_NOT_SPENT = sameRequestStillWorks(
                outcome -> outcome.healthy().verify(outcome.user(), sameCode(outcome)), 200);
        static final AfterCheck RECOVERY_CODE_NOT_SPENT = sameRequestStillWorks(
                outcome -> outcome.healthy().recover(outcome.user(), outcome.start().recoveryCode()), 200);

        static final List<Scenario> ALL = List.of(
                new Scenario("GET /mfa (enabled)", Scenario::enabled, run -> run.api().status(run.user()), 200,
                        Scenario::unchanged),
                new Scenario("POST /mfa/setup (new user)", Scenario::none, run -> run.api().setup(run.user()), 201,
                        Scenario::newSecretConfirms),
                new Scenario("POST /mfa/setup (restart pending)", Scenario::pending,
                        run -> run.api().setup(run.user()), 201, (outcome, cell) -> {
                            assertFalse(outcome.result().text("secret").equals(outcome.start().secret()), cell);
                            newSecretConfirms(outcome, cell);
                        }),
                // The stack's first MFA token: no signing key yet (GetItem, Encrypt, UpdateItem, GetItem, Decrypt).
                new Scenario("POST /mfa/confirm (first signing key)", Scenario::pending,
                        run -> run.api().confirm(run.user(), code(run)), 200, CONFIRM_SUCCEEDS)
                        .afterOutage(CONFIRM_NOT_SPENT),
                new Scenario("POST /mfa/confirm (signing key exists)", Scenario::pendingWithSigningKey,
                        run -> run.api().confirm(run.user(), code(run)), 200, CONFIRM_SUCCEEDS)
                        .afterOutage(CONFIRM_NOT_SPENT),
                new Scenario("POST /mfa/confirm (wrong code)", Scenario::pending,
                        run -> run.api().confirm(run.user(), wrongCode(run)), 400, Scenario::oneMoreFailure),
                new Scenario("POST /mfa/verify", Scenario::enabled, run -> run.api().verify(run.user(), code(run)), 200,
                        (outcome, cell) -> {
                            tokenIssued(outcome, cell, "otp");
                            codeSpent(outcome, cell);
                        }).afterOutage(VERIFY_NOT_SPENT),
                new Scenario("POST /mfa/verify (first signing key)", Scenario::enabledWithoutSigningKey,
                        run -> run.api().verify(run.user(), code(run)), 200, (outcome, cell) -> {
                            tokenIssued(outcome, cell, "otp");
                            codeSpent(outcome, cell);
                        }).afterOutage(VERIFY_NOT_SPENT),
                new Scenario("POST /mfa/verify (wrong code)", Scenario::enabled,
                        run -> run.api().verify(run.user(), wrongCode(run)), 400, Scenario::oneMoreFailure),
                new Scenario("POST /mfa/recover", Scenario::enabled,
                        run -> run.api().recover(run.user(), run.start().recoveryCode()), 200, (outcome, cell) -> {
                            tokenIssued(outcome, cell, "rec");
                            recoveryCodeReplaced(outcome, cell);
                        }).afterOutage(RECOVERY_CODE_NOT_SPENT),
                new Scenario("POST /mfa/recover (first signing key)", Scenario::enabledWithoutSigningKey,
                        run -> run.api().recover(run.user(), run.start().recoveryCode()), 200, (outcome, cell) -> {
                            tokenIssued(outcome, cell, "rec");
                            recoveryCodeReplaced(outcome, cell);
                        }).afterOutage(RECOVERY_CODE_NOT_SPENT),
                new Scenario("POST /mfa/recover (wrong code)", Scenario::enabled,
                        run -> run.api().recover(run.user(), MfaFixtures.wrongRecoveryCode()), 400,
                        Scenario::oneMoreFailure),
                new Scenario("POST /mfa/recovery-codes", Scenario::enabled,
                        run -> run.api().regenerate(run.user(), code(run)), 200, (outcome, cell) -> {
                            codeSpent(outcome, cell);
                            recoveryCodeReplaced(outcome, cell);
                        }).afterOutage(sameRequestStillWorks(
                                outcome -> outcome.healthy().regenerate(outcome.user(), sameCode(outcome)), 200)),
                new Scenario("POST /mfa/remove (code)", Scenario::enabled,
                        run -> run.api().removeWithCode(run.user(), code(run)), 200, Scenario::removed)
                        .afterOutage(sameRequestStillWorks(
                                outcome -> outcome.healthy().removeWithCode(outcome.user(), sameCode(outcome)), 200)),
                new Scenario("POST /mfa/remove (recovery code)", Scenario::enabled,
                        run -> run.api().removeWithRecoveryCode(run.user(), run.start().recoveryCode()), 200,
                        Scenario::removed).afterOutage(sameRequestStillWorks(outcome -> outcome.healthy()
                                .removeWithRecoveryCode(outcome.user(), outcome.start().recoveryCode()), 200)),
                new Scenario("POST /mfa/remove (cancel pending)", Scenario::pending,
                        run -> run.api().call("POST /mfa/remove", run.user(), "{}"), 200, Scenario::removed),
                // The public JWKS of a cold container: one GetItem of the signing keys' item.
                new Scenario("GET /.well-known/jwks.json", Scenario::signingKeyExists, run -> run.api().anonymous(JWKS),
                        200, (outcome, cell) -> {
                            readOnly(outcome, cell);
                            List<String> stored = outcome.keysAfter().stream().map(key -> key.get("kid").s()).sorted().toList();
                            List<String> published = outcome.result().json().field("keys").orElseThrow().asArray().stream()
                                    .map(key -> key.field("kid").orElseThrow().asString()).sorted().toList();
                            assertFalse(stored.isEmpty(), cell);
                            assertEquals(stored, published, cell + ": the JWKS publishes the stored key");
                            assertFalse(outcome.result().body().contains("\"d\""), cell + ": no private member");
                        }).afterOutage(Scenario::keysUnchanged),
                // The helpdesk in a cold container: the operator's step-up first reads the signing keys
                // (GetItem), then the route makes its own calls. An outage is a 503, never a 403
                // mfa_required, and leaves the step-up as good as it was.
                new Scenario("GET /admin/mfa/stats (step-up)", Scenario::enabledWithOperator,
                        run -> admin(run, STATS, false), 200, Scenario::readOnly)
                        .afterOutage(sameRequestStillWorks(outcome -> outcome.healthy().admin(STATS,
                                outcome.start().operator(), null, outcome.start().mfaToken()), 200)),
                new Scenario("GET /admin/mfa/users/{userId} (step-up)", Scenario::enabledWithOperator,
                        run -> admin(run, USER, true), 200, (outcome, cell) -> {
                            readOnly(outcome, cell);
                            assertEquals("ENABLED", outcome.result().text("status"), cell);
                        }).afterOutage(sameRequestStillWorks(outcome -> outcome.healthy().admin(USER,
                                outcome.start().operator(), outcome.user().sub(), outcome.start().mfaToken()), 200)),
                new Scenario("POST /admin/mfa/users/{userId}/reset (step-up)", Scenario::enabledWithOperator,
                        run -> admin(run, RESET, true), 200, (outcome, cell) -> {
                            keysUnchanged(outcome, cell);
                            removed(outcome, cell);
                            resetsInTheOperatorsTrail(outcome, cell, 1);
                        }).afterOutage((outcome, cell) -> {
                            resetsInTheOperatorsTrail(outcome, cell, 0);
                            sameRequestStillWorks(again -> again.healthy().admin(RESET, again.start().operator(),
                                    again.user().sub(), again.start().mfaToken()), 200).check(outcome, cell);
                            resetsInTheOperatorsTrail(outcome, cell, 1);
                        }));
    }
}
