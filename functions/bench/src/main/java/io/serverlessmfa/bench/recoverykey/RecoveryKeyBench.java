package io.serverlessmfa.bench.recoverykey;

import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.crypto.SealedRecoveryCodeKey;
import io.serverlessmfa.functions.store.EnrollmentTable;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * The recovery-code hash key, both designs side by side over the emulator, through the functions'
 * own SDK clients ({@link AwsClients}: URLConnection, the same timeouts and retries):
 * <ul>
 *   <li>{@code sealed-cold}: a new {@link SealedRecoveryCodeKey}'s {@code current()} on the existing
 *       key item (GetItem, Decrypt): what a container's first recovery code costs extra;</li>
 *   <li>{@code sealed-hash}, {@code sealed-check}: with the key unsealed, one code hashed
 *       ({@link RecoveryCodeHasher#hash}) and one checked against one stored hash
 *       ({@link RecoveryCodeHasher#findMatch}): local HMAC-SHA-256, every later request;</li>
 *   <li>{@code kms-generate-mac}, {@code kms-verify-mac}: the other design, a KMS HMAC key
 *       ({@code HMAC_256}, {@code GENERATE_VERIFY_MAC}): one GenerateMac (per issued code) and one
 *       VerifyMac (per stored hash checked) of the message the hasher MACs, every request, warm or
 *       cold.</li>
 * </ul>
 * Each round runs the five once, in an order that rotates from round to round, after unrecorded
 * warm-up rounds; each measurement's wall time, the thread's CPU time and the HTTP requests it
 * sent ({@link RoundTrips}) go to one JSON line. Every measurement checks its result (the same key
 * unsealed, the code matched, the MAC valid) and its round trips, or the run fails.
 *
 * <p>Usage: {@code RecoveryKeyBench rounds warm-up-rounds results.jsonl}, with MFA_TABLE_NAME,
 * MFA_KMS_KEY_ID, AWS_ENDPOINT_URL and AWS_REGION set (tools/bench-recovery-key.sh).
 */
public final class RecoveryKeyBench {

    /** What {@link RecoveryCodeHasher} MACs before the user id (its DOMAIN). */
    private static final byte[] DOMAIN = "serverless-mfa recovery code v1\0".getBytes(StandardCharsets.US_ASCII);

    private record Measure(String name, List<String> roundTrips, Runnable run) {
    }

    private RecoveryKeyBench() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = Integer.parseInt(args[0]);
        int warmUp = Integer.parseInt(args[1]);
        Path results = Path.of(args[2]);
        MfaConfiguration configuration = MfaConfiguration.fromEnvironment(System.getenv());
        DynamoDbClient dynamoDb = AwsClients.dynamoDb(configuration);
        KmsClient kms = AwsClients.kms(configuration);
        String table = configuration.tableName();
        String keyId = configuration.requireKmsKeyId();
        Clock clock = Clock.systemUTC();
        SecureRandom random = new SecureRandom();

        // The table, the service's key, the recovery-code key item (made here if there is none: GenerateDataKey,
        // PutItem) and, for the other design, a KMS HMAC key.
        EnrollmentTable.createIfMissing(dynamoDb, table);
        try {
            kms.describeKey(request -> request.keyId(keyId));
        } catch (NotFoundException missing) {
            String created = kms.createKey(request -> request.description("Serverless MFA (bench)")).keyMetadata().keyId();
            kms.createAlias(request -> request.aliasName(keyId).targetKeyId(created));
        }
        SealedRecoveryCodeKey unsealed = new SealedRecoveryCodeKey(dynamoDb, table, kms, keyId, clock);
        byte[] expectedKey = unsealed.current().getEncoded();
        String macKeyId = kms.createKey(request -> request.description("Serverless MFA (bench): recovery-code HMAC key")
                .keySpec(KeySpec.HMAC_256).keyUsage(KeyUsageType.GENERATE_VERIFY_MAC)).keyMetadata().keyId();

        RecoveryCodeHasher hasher = new RecoveryCodeHasher(random, unsealed);
        String userId = UUID.randomUUID().toString();
        RecoveryCode code = new RecoveryCodeGenerator(random).generate();
        HashedRecoveryCode stored = hasher.hash(userId, code);
        // The bytes RecoveryCodeHasher MACs for this code and user: what a KMS HMAC key would MAC instead.
        SdkBytes message = SdkBytes.fromByteArray(macInput(userId, stored.salt(), code));
        SdkBytes mac = kms.generateMac(request -> request.keyId(macKeyId).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                .message(message)).mac();
        RoundTrips.drain();

        List<Measure> measures = List.of(
                new Measure("sealed-cold", List.of("DynamoDb GetItem", "Kms Decrypt"), () -> {
                    SecretKey key = new SealedRecoveryCodeKey(dynamoDb, table, kms, keyId, clock).current();
                    check(Arrays.equals(key.getEncoded(), expectedKey), "a new container unsealed another key");
                }),
                new Measure("sealed-hash", List.of(), () ->
                        check(hasher.hash(userId, code).hash().length == 32, "not an HMAC-SHA-256")),
                new Measure("sealed-check", List.of(), () ->
                        check(hasher.findMatch(userId, code, List.of(stored)).isPresent(), "the code did not match")),
                new Measure("kms-generate-mac", List.of("Kms GenerateMac"), () ->
                        check(kms.generateMac(request -> request.keyId(macKeyId).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                                .message(message)).mac().asByteArray().length == 32, "not an HMAC-SHA-256")),
                new Measure("kms-verify-mac", List.of("Kms VerifyMac"), () ->
                        check(kms.verifyMac(request -> request.keyId(macKeyId).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
                                .message(message).mac(mac)).macValid(), "the MAC did not verify")));

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<String> lines = new ArrayList<>();
        for (int round = 1 - warmUp; round <= rounds; round++) {
            int shift = Math.floorMod(round, measures.size());
            for (int i = 0; i < measures.size(); i++) {
                Measure measure = measures.get((i + shift) % measures.size());
                RoundTrips.drain();
                long cpu = threads.getCurrentThreadCpuTime();
                long started = System.nanoTime();
                measure.run().run();
                long nanos = System.nanoTime() - started;
                long cpuNanos = threads.getCurrentThreadCpuTime() - cpu;
                List<String> sent = RoundTrips.drain();
                check(sent.equals(measure.roundTrips()), measure.name() + " sent " + sent + ", not " + measure.roundTrips());
                if (round >= 1) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("round", round);
                    row.put("position", i);
                    row.put("measure", "\"" + measure.name() + "\"");
                    row.put("nanos", nanos);
                    row.put("cpuNanos", cpuNanos);
                    row.put("roundTrips", sent.size());
                    lines.add(json(row));
                }
            }
        }
        Files.write(results, lines, StandardCharsets.UTF_8);
        PrintStream err = System.err;
        err.printf("recovery key: %d rounds (+%d warm-up) of %d measurements written to %s%n", rounds, warmUp,
                measures.size(), results);
    }

    private static byte[] macInput(String userId, byte[] salt, RecoveryCode code) {
        byte[] user = userId.getBytes(StandardCharsets.UTF_8);
        byte[] inner;
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt);
            inner = digest.digest(code.value().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return ByteBuffer.allocate(DOMAIN.length + Integer.BYTES + user.length + inner.length)
                .put(DOMAIN).putInt(user.length).put(user).put(inner).array();
    }

    private static String json(Map<String, Object> row) {
        StringBuilder out = new StringBuilder("{");
        row.forEach((name, value) -> out.append(out.length() > 1 ? "," : "").append('"').append(name).append("\":").append(value));
        return out.append('}').toString();
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }
}
