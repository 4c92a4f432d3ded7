package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
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
 * well inside the 15 s Lambda timeout of template.yaml.
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
            harness.proxy.inject(fault, call -> call.operation().equals(point.operation())
                    && (persistence == Persistence.ONCE ? call.occurrence() == point.occurrence()
                    : call.occurrence() >= point.occurrence()));

            long started = System.nanoTime();
            ApiResult result = scenario.operation().apply(new Run(harness.faulty, start, harness.fixtures));
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            Map<String, AttributeValue> after = harness.raw.get(start.user().sub());

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
                } else {
                    assertEquals(scenario.success(), result.status(), cell + ": the SDK's retry absorbs one fault");
                    assertEnabledIsComplete(cell, after);
                    scenario.after().check(new Outcome(harness, start, result, before, after), cell);
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
    }

    /** Never enabled without its secret and recovery hashes, whatever failed. */
    private static void assertEnabledIsComplete(String cell, Map<String, AttributeValue> item) {
        if (item.containsKey("status") && item.get("status").s().equals("ENABLED")) {
            assertTrue(item.containsKey("secretCiphertext"), cell + ": enabled with its secret");
            assertTrue(item.containsKey("recoveryCodeHashes") && !item.get("recoveryCodeHashes").l().isEmpty(),
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

    /** The user and what the preparation gave them. */
    record Start(TestUser user, String secret, String recoveryCode) {
    }

    record Run(MfaApi api, Start start, MfaFixtures fixtures) {

        TestUser user() {
            return start.user();
        }
    }

    record Outcome(Harness harness, Start start, ApiResult result, Map<String, AttributeValue> before,
                   Map<String, AttributeValue> after) {

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

    /** One operation from one starting state, its success status and what its success promises. */
    record Scenario(String name, Function<Harness, Start> prepare, Function<Run, ApiResult> operation, int success,
                    AfterCheck after) {

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

        static void removed(Outcome outcome, String cell) {
            RawItems.assertTombstone(outcome.after());
            assertEquals("NONE", outcome.healthy().status(outcome.user()).text("status"), cell);
        }

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
                new Scenario("POST /mfa/confirm", Scenario::pending,
                        run -> run.api().confirm(run.user(), code(run)), 200, (outcome, cell) -> {
                            assertEquals("ENABLED", outcome.after().get("status").s(), cell);
                            outcome.harness().clock.advance(Duration.ofSeconds(30));
                            ApiResult recovered = outcome.healthy().recover(outcome.user(),
                                    outcome.result().texts("recoveryCodes").get(0));
                            assertEquals(200, recovered.status(), cell + ": the recovery code shown works: " + recovered);
                        }),
                new Scenario("POST /mfa/confirm (wrong code)", Scenario::pending,
                        run -> run.api().confirm(run.user(), wrongCode(run)), 400, Scenario::oneMoreFailure),
                new Scenario("POST /mfa/verify", Scenario::enabled, run -> run.api().verify(run.user(), code(run)), 200,
                        Scenario::codeSpent),
                new Scenario("POST /mfa/verify (wrong code)", Scenario::enabled,
                        run -> run.api().verify(run.user(), wrongCode(run)), 400, Scenario::oneMoreFailure),
                new Scenario("POST /mfa/recover", Scenario::enabled,
                        run -> run.api().recover(run.user(), run.start().recoveryCode()), 200,
                        Scenario::recoveryCodeReplaced),
                new Scenario("POST /mfa/recover (wrong code)", Scenario::enabled,
                        run -> run.api().recover(run.user(), MfaFixtures.wrongRecoveryCode()), 400,
                        Scenario::oneMoreFailure),
                new Scenario("POST /mfa/recovery-codes", Scenario::enabled,
                        run -> run.api().regenerate(run.user(), code(run)), 200, (outcome, cell) -> {
                            codeSpent(outcome, cell);
                            recoveryCodeReplaced(outcome, cell);
                        }),
                new Scenario("POST /mfa/remove (code)", Scenario::enabled,
                        run -> run.api().removeWithCode(run.user(), code(run)), 200, Scenario::removed),
                new Scenario("POST /mfa/remove (recovery code)", Scenario::enabled,
                        run -> run.api().removeWithRecoveryCode(run.user(), run.start().recoveryCode()), 200,
                        Scenario::removed),
                new Scenario("POST /mfa/remove (cancel pending)", Scenario::pending,
                        run -> run.api().call("POST /mfa/remove", run.user(), "{}"), 200, Scenario::removed));
    }
}
