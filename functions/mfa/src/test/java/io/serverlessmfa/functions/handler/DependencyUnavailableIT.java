package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.FaultProxy;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * DynamoDB or KMS out of reach, with the production clients (AwsClients: URLConnection client,
 * bounded timeouts and retries): every request that needs the missing service answers 503
 * service_unavailable with Retry-After, quickly, and changes nothing; what does not need it
 * keeps working.
 */
class DependencyUnavailableIT {

    /** Nothing listens on port 1: connections are refused at once. */
    private static final String DEAD_ENDPOINT = "http://127.0.0.1:1";
    /**
     * A refused connection is known at once: even with the SDK's retries the 503 must come within
     * a few seconds, far inside a 10 s Lambda timeout.
     */
    private static final Duration REFUSED_LIMIT = Duration.ofSeconds(3);
    /**
     * A service that accepts connections but never answers is cut off by the production call
     * timeout (5 s for all attempts): the 503 still comes well inside a 10 s Lambda timeout.
     */
    private static final Duration HANGING_LIMIT = Duration.ofSeconds(7);

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private AwsEmulator emulator;
    private MutableClock clock;
    private MfaApi healthy;
    private RawItems raw;

    @BeforeEach
    void setUp() {
        emulator = AwsEmulator.get();
        clock = MutableClock.atStepStart();
        healthy = MfaApi.over(emulator, clock, Map.of());
        raw = new RawItems(emulator);
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
    }

    @Test
    void everyRouteAnswers503QuicklyWhenDynamoDbIsUnreachable() {
        MfaApi api = new MfaApi(wiring(productionDynamoDb(DEAD_ENDPOINT), emulator.kms()));
        TestUser user = TestUser.random();
        String code = "123456";
        String recoveryCode = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX";

        assertOutage("GET /mfa", () -> api.status(user));
        assertOutage("POST /mfa/setup", () -> api.setup(user));
        assertOutage("POST /mfa/confirm", () -> api.confirm(user, code));
        assertOutage("POST /mfa/verify", () -> api.verify(user, code));
        assertOutage("POST /mfa/recover", () -> api.recover(user, recoveryCode));
        assertOutage("POST /mfa/recovery-codes", () -> api.regenerate(user, code));
        assertOutage("POST /mfa/remove (code)", () -> api.removeWithCode(user, code));
        assertOutage("POST /mfa/remove (recovery code)", () -> api.removeWithRecoveryCode(user, recoveryCode));
        assertOutage("POST /mfa/remove (no proof)", () -> api.call("POST /mfa/remove", user, "{}"));

        assertEquals(Map.of(), raw.get(user.sub()), "setup wrote no pending item");
    }

    @Test
    void dynamoDbOutageOfAnEnabledUserChangesNothing() {
        TestUser user = TestUser.random();
        Enabled mfa = enable(user);
        clock.advance(Duration.ofSeconds(30));
        Map<String, AttributeValue> before = raw.get(user.sub());
        MfaApi api = new MfaApi(wiring(productionDynamoDb(DEAD_ENDPOINT), emulator.kms()));

        assertOutage("verify", () -> api.verify(user, healthy.codeFor(mfa.secret())));
        assertOutage("recover", () -> api.recover(user, mfa.recoveryCode()));

        assertEquals(before, raw.get(user.sub()));
        assertEquals(200, healthy.verify(user, healthy.codeFor(mfa.secret())).status(), "the code was not spent by the outage");
    }

    @Test
    void kmsOutageAnswers503AndChangesNoStoredState() {
        TestUser enabledUser = TestUser.random();
        Enabled mfa = enable(enabledUser);
        TestUser pendingUser = TestUser.random();
        ApiResult pendingSetup = healthy.setup(pendingUser);
        assertEquals(201, pendingSetup.status(), pendingSetup::toString);
        TestUser newUser = TestUser.random();
        clock.advance(Duration.ofSeconds(30));
        Map<String, AttributeValue> enabledBefore = raw.get(enabledUser.sub());
        Map<String, AttributeValue> pendingBefore = raw.get(pendingUser.sub());
        MfaApi api = new MfaApi(wiring(emulator.dynamoDb(), productionKms(DEAD_ENDPOINT)));
        String code = healthy.codeFor(mfa.secret());
        String pendingCode = healthy.codeFor(pendingSetup.text("secret"));

        assertOutage("setup, new user", () -> api.setup(newUser));
        assertOutage("setup, pending user", () -> api.setup(pendingUser));
        assertOutage("setup, enabled user", () -> api.setup(enabledUser));
        assertOutage("confirm, right code", () -> api.confirm(pendingUser, pendingCode));
        assertOutage("confirm, wrong code", () -> api.confirm(pendingUser, wrong(pendingCode)));
        assertOutage("verify, right code", () -> api.verify(enabledUser, code));
        assertOutage("verify, wrong code", () -> api.verify(enabledUser, wrong(code)));
        assertOutage("regenerate", () -> api.regenerate(enabledUser, code));
        assertOutage("remove with code", () -> api.removeWithCode(enabledUser, code));
        assertOutage("remove with wrong code", () -> api.removeWithCode(enabledUser, wrong(code)));

        assertEquals(Map.of(), raw.get(newUser.sub()), "no pending setup was written");
        assertEquals(pendingBefore, raw.get(pendingUser.sub()), "the pending setup is byte-for-byte unchanged");
        assertEquals(enabledBefore, raw.get(enabledUser.sub()), "no failure counted, no step spent, nothing removed");
        ApiResult verified = healthy.verify(enabledUser, code);
        assertEquals(200, verified.status(), "after the outage the same code still works: " + verified);
        ApiResult confirmed = healthy.confirm(pendingUser, pendingCode);
        assertEquals(200, confirmed.status(), "the old pending secret survived the failed restart: " + confirmed);
    }

    @Test
    void statusCancellingAndRecoveryCodesWorkWithoutKmsOnceTheSigningKeyIsUnsealed() {
        TestUser user = TestUser.random();
        Enabled mfa = enable(user);
        TestUser pendingUser = TestUser.random();
        assertEquals(201, healthy.setup(pendingUser).status());
        MfaApi withoutKms = new MfaApi(wiring(emulator.dynamoDb(), productionKms(DEAD_ENDPOINT)));

        ApiResult status = withoutKms.status(user);
        assertEquals(200, status.status(), status::toString);
        assertEquals("ENABLED", status.text("status"));
        // A new container unseals the token signing key with KMS first: without KMS it signs
        // nothing, and the recovery code is not used up.
        assertOutage("recover, a new container, KMS down", () -> withoutKms.recover(user, mfa.recoveryCode()), HANGING_LIMIT);
        try (FaultProxy proxy = FaultProxy.start(emulator.endpoint())) {
            MfaApi api = new MfaApi(wiring(emulator.dynamoDb(), productionKms(proxy.endpoint())));
            TestUser earlier = TestUser.random();
            assertEquals(200, api.recover(earlier, enable(earlier).recoveryCode()).status(), "the container unseals its key");
            proxy.inject(FaultProxy.Fault.REFUSE, FaultProxy.Call::isKms);
            ApiResult recovered = api.recover(user, mfa.recoveryCode());
            assertEquals(200, recovered.status(), recovered::toString);
            assertNotNull(recovered.text("mfaToken"));
            recoveredWithoutKms(api, user, pendingUser, recovered, mfa.recoveryCode());
        }
    }

    private static void recoveredWithoutKms(MfaApi api, TestUser user, TestUser pendingUser, ApiResult recovered,
                                            String usedCode) {
        assertEquals(1, recovered.texts("recoveryCodes").size());
        ApiResult wrongRecovery = api.recover(user, usedCode);
        assertEquals("invalid_recovery_code", wrongRecovery.error(), "a used recovery code is still refused");
        assertEquals("PENDING", api.status(pendingUser).text("status"));
        ApiResult cancelled = api.call("POST /mfa/remove", pendingUser, "{}");
        assertEquals(200, cancelled.status(), "cancelling a pending setup needs no KMS: " + cancelled);
        ApiResult removed = api.removeWithRecoveryCode(user, recovered.texts("recoveryCodes").get(0));
        assertEquals(200, removed.status(), "removal with a recovery code needs no KMS: " + removed);
    }

    @Test
    void hangingDynamoDbAnswers503WithinTheCallTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Connections are accepted by the kernel, but nothing is ever read or answered.
            String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
            MfaApi api = new MfaApi(wiring(productionDynamoDb(endpoint), emulator.kms()));
            TestUser user = TestUser.random();

            assertOutage("verify, DynamoDB hangs", () -> api.verify(user, "123456"), HANGING_LIMIT);
        }
    }

    @Test
    void hangingKmsAnswers503WithinTheCallTimeoutAndChangesNothing() throws IOException {
        TestUser user = TestUser.random();
        Enabled mfa = enable(user);
        clock.advance(Duration.ofSeconds(30));
        Map<String, AttributeValue> before = raw.get(user.sub());
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
            MfaApi api = new MfaApi(wiring(emulator.dynamoDb(), productionKms(endpoint)));

            assertOutage("verify, KMS hangs", () -> api.verify(user, healthy.codeFor(mfa.secret())), HANGING_LIMIT);
        }
        assertEquals(before, raw.get(user.sub()));
    }

    @Test
    void dynamoDbWritesFailingAfterSuccessfulReadsAnswer503AndChangeNothing() {
        TestUser user = TestUser.random();
        Enabled mfa = enable(user);
        TestUser pendingUser = TestUser.random();
        ApiResult pendingSetup = healthy.setup(pendingUser);
        assertEquals(201, pendingSetup.status(), pendingSetup::toString);
        TestUser newUser = TestUser.random();
        clock.advance(Duration.ofSeconds(30));
        Map<String, AttributeValue> before = raw.get(user.sub());
        Map<String, AttributeValue> pendingBefore = raw.get(pendingUser.sub());
        String code = healthy.codeFor(mfa.secret());
        String pendingCode = healthy.codeFor(pendingSetup.text("secret"));

        try (FaultProxy proxy = FaultProxy.start(emulator.endpoint())) {
            proxy.fail(operation -> operation.endsWith(".PutItem") || operation.endsWith(".UpdateItem")
                    || operation.endsWith(".DeleteItem") || operation.endsWith(".TransactWriteItems"), 500, "com.amazonaws.dynamodb.v20120810#InternalServerError");
            MfaApi api = new MfaApi(wiring(productionDynamoDb(proxy.endpoint()), emulator.kms()));

            ApiResult status = api.status(user);
            assertEquals(200, status.status(), "reads still pass the proxy: " + status);
            assertOutage("verify, write fails", () -> api.verify(user, code));
            assertOutage("verify wrong code, write fails", () -> api.verify(user, wrong(code)));
            assertOutage("recover, write fails", () -> api.recover(user, mfa.recoveryCode()));
            assertOutage("regenerate, write fails", () -> api.regenerate(user, code));
            assertOutage("remove, delete fails", () -> api.removeWithCode(user, code));
            assertOutage("confirm, write fails", () -> api.confirm(pendingUser, pendingCode));
            assertOutage("setup, write fails", () -> api.setup(newUser));
            assertTrue(proxy.injected() > 0, "the writes really were failed");
        }

        assertEquals(before, raw.get(user.sub()), "nothing spent, counted or removed");
        assertEquals(pendingBefore, raw.get(pendingUser.sub()));
        assertEquals(Map.of(), raw.get(newUser.sub()));
        assertEquals(200, healthy.verify(user, code).status(), "the code was not spent by the failed write");
        assertEquals(200, healthy.recover(user, mfa.recoveryCode()).status(), "nor the recovery code");
    }

    @Test
    void dynamoDbThrottlingAnswers503() {
        TestUser user = TestUser.random();
        Enabled mfa = enable(user);
        clock.advance(Duration.ofSeconds(30));
        Map<String, AttributeValue> before = raw.get(user.sub());

        try (FaultProxy proxy = FaultProxy.start(emulator.endpoint())) {
            proxy.fail(operation -> true, 400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException");
            MfaApi api = new MfaApi(wiring(productionDynamoDb(proxy.endpoint()), emulator.kms()));

            assertOutage("status, throttled", () -> api.status(user), HANGING_LIMIT);
            assertOutage("verify, throttled", () -> api.verify(user, healthy.codeFor(mfa.secret())), HANGING_LIMIT);
        }
        assertEquals(before, raw.get(user.sub()));
    }

    @Test
    void kmsThrottlingAnswers503AndChangesNothing() {
        TestUser user = TestUser.random();
        Enabled mfa = enable(user);
        TestUser newUser = TestUser.random();
        clock.advance(Duration.ofSeconds(30));
        Map<String, AttributeValue> before = raw.get(user.sub());

        try (FaultProxy proxy = FaultProxy.start(emulator.endpoint())) {
            proxy.fail(operation -> operation.startsWith("TrentService."), 400, "ThrottlingException");
            MfaApi api = new MfaApi(wiring(emulator.dynamoDb(), productionKms(proxy.endpoint())));

            assertOutage("verify, KMS throttled", () -> api.verify(user, healthy.codeFor(mfa.secret())), HANGING_LIMIT);
            assertOutage("verify wrong code, KMS throttled", () -> api.verify(user, wrong(healthy.codeFor(mfa.secret()))),
                    HANGING_LIMIT);
            assertOutage("setup, KMS throttled", () -> api.setup(newUser), HANGING_LIMIT);
            assertTrue(proxy.injected() > 0);
        }
        assertEquals(before, raw.get(user.sub()));
        assertEquals(Map.of(), raw.get(newUser.sub()));
    }

    private record Enabled(String secret, String recoveryCode) {
    }

    private Enabled enable(TestUser user) {
        ApiResult setup = healthy.setup(user);
        assertEquals(201, setup.status(), setup::toString);
        String secret = setup.text("secret");
        ApiResult confirmed = healthy.confirm(user, healthy.codeFor(secret));
        assertEquals(200, confirmed.status(), confirmed::toString);
        return new Enabled(secret, confirmed.texts("recoveryCodes").get(0));
    }

    private Wiring wiring(DynamoDbClient dynamoDb, KmsClient kms) {
        return new Wiring(MfaConfiguration.fromEnvironment(emulator.environment(Map.of())), clock, new SecureRandom(),
                dynamoDb, kms);
    }

    /** The production client (its timeouts and retries) pointed at {@code endpoint}. */
    private DynamoDbClient productionDynamoDb(String endpoint) {
        DynamoDbClient client = AwsClients.dynamoDb(MfaConfiguration.fromEnvironment(
                emulator.environment(Map.of(MfaConfiguration.ENDPOINT_URL, endpoint))));
        closeables.add(client);
        return client;
    }

    private KmsClient productionKms(String endpoint) {
        KmsClient client = AwsClients.kms(MfaConfiguration.fromEnvironment(
                emulator.environment(Map.of(MfaConfiguration.ENDPOINT_URL, endpoint))));
        closeables.add(client);
        return client;
    }

    private static void assertOutage(String what, Supplier<ApiResult> request) {
        assertOutage(what, request, REFUSED_LIMIT);
    }

    private static void assertOutage(String what, Supplier<ApiResult> request, Duration limit) {
        long started = System.nanoTime();
        ApiResult result = request.get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("outage latency: %s -> %d in %d ms%n", what, result.status(), took.toMillis());
        assertEquals(503, result.status(), () -> what + ": " + result);
        assertEquals("service_unavailable", result.error(), what);
        String retryAfter = result.header("Retry-After");
        assertNotNull(retryAfter, what + ": 503 carries Retry-After");
        assertTrue(Integer.parseInt(retryAfter) >= 1, what + ": Retry-After is whole seconds");
        assertTrue(took.compareTo(limit) < 0, () -> what + ": the 503 took " + took.toMillis() + " ms");
    }

    private static String wrong(String code) {
        int digit = (code.charAt(0) - '0' + 5) % 10;
        return digit + code.substring(1);
    }
}
