package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsCallCounter;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The AWS calls each operation makes, counted by an SDK execution interceptor on the functions'
 * own clients: in a fresh container (the first request) and in a warm one (the data key is
 * cached, and so is the MFA token signing key). Each warm list is the minimum the design allows:
 * one atomic write for a first setup, otherwise a read and one atomic write; a regression that
 * adds a call fails here. The calls a container makes once for the token signing key (reading the
 * keys, unsealing the current one) are listed apart. Writes the table to target/aws-calls.txt for
 * docs/performance.md.
 */
class AwsCallsPerOperationIT {

    private static final Map<String, List<String>> COLD = new LinkedHashMap<>();
    private static final Map<String, List<String>> COLD_SIGNING_KEYS = new LinkedHashMap<>();
    private static final Map<String, List<String>> WARM = new LinkedHashMap<>();
    private static final Map<String, List<String>> WARM_SIGNING_KEYS = new LinkedHashMap<>();
    private static final Map<String, AwsCallCounter.Capacity> WARM_CAPACITY = new LinkedHashMap<>();
    private static final Map<String, AwsCallCounter.Capacity> COLD_SIGNING_KEYS_CAPACITY = new LinkedHashMap<>();
    private static final AwsCallCounter COUNTER = new AwsCallCounter();

    private static MfaConfiguration configuration;
    private static MutableClock clock;
    private static DynamoDbClient dynamoDb;
    private static KmsClient kms;
    /** The function under test: a container of its own for each operation. */
    private static MfaApi api;
    /** Other functions (other containers), which bring the users into the state the operation needs. */
    private static MfaApi others;
    private static MfaFixtures fixtures;

    @BeforeAll
    static void countedClients() {
        AwsEmulator emulator = AwsEmulator.get();
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        dynamoDb = DynamoDbClient.builder().region(Region.of(AwsEmulator.REGION))
                .endpointOverride(emulator.endpoint()).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(COUNTER)).build();
        kms = KmsClient.builder().region(Region.of(AwsEmulator.REGION))
                .endpointOverride(emulator.endpoint()).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(COUNTER)).build();
        configuration = MfaConfiguration.fromEnvironment(emulator.environment(Map.of()));
        clock = MutableClock.atStepStart();
    }

    /** One container: a wiring of its own (its data key caches, its signing keys) over the counted clients. */
    private static MfaApi container() {
        return new MfaApi(new Wiring(configuration, clock, new SecureRandom(), dynamoDb, kms));
    }

    /**
     * Runs an operation on two users prepared alike by other functions: the first request the
     * operation's container serves, then a warm one. Only the operation's own calls are counted.
     */
    private static void count(String name, Function<TestUser, Runnable> prepare) {
        api = container();
        others = container();
        fixtures = new MfaFixtures(others, clock);
        for (boolean cold : List.of(true, false)) {
            TestUser user = TestUser.random();
            Runnable operation = prepare.apply(user);
            COUNTER.reset();
            operation.run();
            (cold ? COLD : WARM).put(name, COUNTER.calls());
            (cold ? COLD_SIGNING_KEYS : WARM_SIGNING_KEYS).put(name, COUNTER.signingKeyCalls());
            if (cold) {
                COLD_SIGNING_KEYS_CAPACITY.put(name, COUNTER.signingKeyCapacity());
            }
            WARM_CAPACITY.put(name, COUNTER.capacity());
        }
    }

    /** An operator with MFA on, and the MFA token of their verification just now: the helpdesk's step-up. */
    private record SteppedUp(TestUser operator, String mfaToken) {
    }

    private static SteppedUp steppedUpOperator() {
        TestUser operator = TestUser.operator();
        MfaFixtures.Enabled enabled = fixtures.enabled(operator);
        ApiResult verified = others.verify(operator, others.codeFor(enabled.secret()));
        assertEquals(200, verified.status(), verified::toString);
        return new SteppedUp(operator, verified.text("mfaToken"));
    }

    private static Runnable expect(int status, java.util.function.Supplier<ApiResult> call) {
        return () -> {
            ApiResult result = call.get();
            assertEquals(status, result.status(), result::toString);
        };
    }

    @Test
    void eachOperationMakesTheFewestCallsTheDesignAllows() {
        count("POST /mfa/setup", user -> expect(201, () -> api.setup(user)));
        count("POST /mfa/setup (restart pending)", user -> {
            fixtures.pending(user);
            return expect(201, () -> api.setup(user));
        });
        count("POST /mfa/setup (MFA already on)", user -> {
            fixtures.enabled(user);
            return expect(409, () -> api.setup(user));
        });
        count("GET /mfa", user -> expect(200, () -> api.status(user)));
        count("POST /mfa/confirm", user -> {
            String secret = fixtures.pending(user);
            return expect(200, () -> api.confirm(user, api.codeFor(secret)));
        });
        count("POST /mfa/verify", user -> {
            MfaFixtures.Enabled enabled = fixtures.enabled(user);
            return expect(200, () -> api.verify(user, api.codeFor(enabled.secret())));
        });
        count("POST /mfa/verify (wrong code)", user -> {
            MfaFixtures.Enabled enabled = fixtures.enabled(user);
            return expect(400, () -> api.verify(user, fixtures.wrongCode(enabled.secret())));
        });
        count("POST /mfa/recover", user -> {
            MfaFixtures.Enabled enabled = fixtures.enabled(user);
            return expect(200, () -> api.recover(user, enabled.recoveryCode()));
        });
        count("POST /mfa/recovery-codes", user -> {
            MfaFixtures.Enabled enabled = fixtures.enabled(user);
            return expect(200, () -> api.regenerate(user, api.codeFor(enabled.secret())));
        });
        count("POST /mfa/remove (code)", user -> {
            MfaFixtures.Enabled enabled = fixtures.enabled(user);
            return expect(200, () -> api.removeWithCode(user, api.codeFor(enabled.secret())));
        });
        count("POST /mfa/remove (recovery code)", user -> {
            MfaFixtures.Enabled enabled = fixtures.enabled(user);
            return expect(200, () -> api.removeWithRecoveryCode(user, enabled.recoveryCode()));
        });
        count("GET /mfa/events", user -> {
            fixtures.pending(user);
            return expect(200, () -> api.events(user, Map.of()));
        });
        count("GET /admin/mfa/stats", user -> {
            SteppedUp operator = steppedUpOperator();
            return expect(200, () -> api.admin("GET /admin/mfa/stats", operator.operator(), null, operator.mfaToken()));
        });
        count("GET /admin/mfa/users/{userId}", user -> {
            fixtures.enabled(user);
            SteppedUp operator = steppedUpOperator();
            return expect(200, () -> api.admin("GET /admin/mfa/users/{userId}", operator.operator(), user.sub(),
                    operator.mfaToken()));
        });
        count("POST /admin/mfa/users/{userId}/reset", user -> {
            fixtures.enabled(user);
            SteppedUp operator = steppedUpOperator();
            return expect(200, () -> api.admin("POST /admin/mfa/users/{userId}/reset", operator.operator(), user.sub(),
                    operator.mfaToken()));
        });

        List<String> readThenTransaction = List.of("DynamoDb GetItem", "DynamoDb TransactWriteItems");
        List<String> readThenWrite = List.of("DynamoDb GetItem", "DynamoDb PutItem");
        assertEquals(List.of("DynamoDb TransactWriteItems"), WARM.get("POST /mfa/setup"),
                "a first setup writes without reading");
        assertEquals(List.of("Kms GenerateDataKey", "DynamoDb TransactWriteItems"), COLD.get("POST /mfa/setup"),
                "setup: at most 2 calls, a new container's one KMS call for its data key included");
        assertEquals(List.of("DynamoDb TransactWriteItems", "DynamoDb TransactWriteItems"),
                WARM.get("POST /mfa/setup (restart pending)"), "the refused write says what is stored: no read");
        assertEquals(List.of("DynamoDb TransactWriteItems"), WARM.get("POST /mfa/setup (MFA already on)"),
                "refused on what the write found, nothing written");
        assertEquals(readThenWrite, WARM.get("POST /mfa/verify"), "verify: 2 calls warm, signing included");
        assertEquals(List.of("DynamoDb GetItem", "DynamoDb GetItem", "Kms Decrypt", "Kms Decrypt", "DynamoDb PutItem"),
                COLD.get("POST /mfa/verify"), "a new container reads the signing keys, unseals the current one and "
                        + "unwraps the data key, once each");
        assertEquals(List.of("DynamoDb GetItem", "Kms Decrypt"), COLD_SIGNING_KEYS.get("POST /mfa/verify"),
                "the signing key: one GetItem and one Decrypt per container");
        assertEquals(readThenWrite, WARM.get("POST /mfa/verify (wrong code)"));
        WARM_SIGNING_KEYS.forEach((operation, calls) -> assertEquals(List.of(), calls,
                operation + ": a warm container signs and checks tokens without a call"));
        for (String signing : List.of("POST /mfa/confirm", "POST /mfa/verify", "POST /mfa/recover")) {
            assertEquals(List.of("DynamoDb GetItem", "Kms Decrypt"), COLD_SIGNING_KEYS.get(signing), signing);
        }
        for (String checking : List.of("GET /admin/mfa/stats", "GET /admin/mfa/users/{userId}",
                "POST /admin/mfa/users/{userId}/reset")) {
            assertEquals(List.of("DynamoDb GetItem"), COLD_SIGNING_KEYS.get(checking),
                    checking + ": the step-up reads the published keys, never unseals one");
        }
        assertEquals(List.of("DynamoDb GetItem"), WARM.get("GET /mfa"));
        assertEquals(List.of("DynamoDb GetItem"), COLD.get("GET /mfa"), "status never calls KMS");
        for (String stateChange : List.of("POST /mfa/confirm", "POST /mfa/recover", "POST /mfa/recovery-codes",
                "POST /mfa/remove (code)", "POST /mfa/remove (recovery code)")) {
            assertEquals(readThenTransaction, WARM.get(stateChange), stateChange);
        }
        assertEquals(List.of("DynamoDb GetItem", "DynamoDb GetItem", "Kms Decrypt", "DynamoDb GetItem", "Kms Decrypt",
                        "DynamoDb TransactWriteItems"), COLD.get("POST /mfa/recover"),
                "a recovery code needs no TOTP secret: a new container reads the enrollment, then reads and unseals "
                        + "the signing key and the recovery-code key, once each");
        WARM.forEach((operation, calls) -> assertTrue(calls.size() <= 3 || operation.equals("GET /admin/mfa/stats"),
                operation + ": " + calls));
    }

    /**
     * The table, and target/aws-calls.json for tools/bench-cost.py: per operation the calls of a
     * first and of a warm request and the DynamoDB capacity of the warm one.
     */
    @AfterAll
    static void writeTable() throws IOException {
        if (WARM.isEmpty()) {
            return;
        }
        StringBuilder table = new StringBuilder("AWS calls per operation (AwsCallsPerOperationIT): first request of a container | warm\n");
        StringBuilder json = new StringBuilder("{");
        WARM.forEach((operation, warm) -> {
            AwsCallCounter.Capacity capacity = WARM_CAPACITY.get(operation);
            table.append(String.format("  %-38s %-70s | %s (%.1f RRU, %.0f WRU)%n", operation, COLD.get(operation), warm,
                    capacity.readUnits(), capacity.writeUnits()));
            json.append(json.length() > 1 ? ",\n " : "\n ").append(String.format(
                    "\"%s\": {\"cold\": %s, \"coldSigningKeys\": %s, \"coldSigningKeysReadUnits\": %.1f, "
                            + "\"warm\": %s, \"readUnits\": %.1f, \"writeUnits\": %.0f}", operation,
                    quoted(COLD.get(operation)), quoted(COLD_SIGNING_KEYS.get(operation)),
                    COLD_SIGNING_KEYS_CAPACITY.get(operation).readUnits(), quoted(warm), capacity.readUnits(),
                    capacity.writeUnits()));
        });
        json.append("\n}\n");
        System.out.print(table);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("aws-calls.txt"), table, StandardCharsets.UTF_8);
            Files.writeString(target.resolve("aws-calls.json"), json, StandardCharsets.UTF_8);
        }
    }

    private static String quoted(List<String> calls) {
        return calls.stream().map(call -> "\"" + call + "\"").collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }
}
