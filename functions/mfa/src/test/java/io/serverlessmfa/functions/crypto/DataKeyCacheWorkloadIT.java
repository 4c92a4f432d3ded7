package io.serverlessmfa.functions.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.serverlessmfa.core.port.EncryptedSecret;
import io.serverlessmfa.functions.testing.AwsCallCounter;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The capacity model of docs/performance.md, measured: verifications arrive at random (Poisson)
 * at several warm containers for users whose secrets were sealed under many data keys, on a
 * simulated clock; the KMS Decrypts counted on the wire must match the model's
 * {@code C·K / (maxAge + C·K / rate)} per second. Every verification opens the right secret.
 */
class DataKeyCacheWorkloadIT {

    private static final int DATA_KEYS = 20;
    private static final int USERS_PER_KEY = 10;
    private static final int CONTAINERS = 3;
    private static final double VERIFICATIONS_PER_SECOND = 1.0;
    private static final Duration SIMULATED = Duration.ofHours(2);
    private static final Duration MAX_AGE = Duration.ofMinutes(15);

    @Test
    void kmsCallsMatchTheCapacityModel() throws IOException {
        AwsEmulator emulator = AwsEmulator.get();
        AwsCallCounter counter = new AwsCallCounter();
        MutableClock clock = MutableClock.atStepStart();
        SecureRandom random = new SecureRandom();
        DataKeyCaching caching = new DataKeyCaching(MAX_AGE, 10_000, 10_000);
        try (KmsClient kms = KmsClient.builder().region(Region.of(AwsEmulator.REGION)).endpointOverride(emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(counter)).build()) {
            List<String> users = new ArrayList<>();
            List<byte[]> secrets = new ArrayList<>();
            List<EncryptedSecret> sealed = new ArrayList<>();
            for (int key = 0; key < DATA_KEYS; key++) {
                EnvelopeSecretCipher setupContainer = new EnvelopeSecretCipher(kms, emulator.keyId(), caching, clock, random);
                for (int user = 0; user < USERS_PER_KEY; user++) {
                    byte[] secret = new byte[20];
                    random.nextBytes(secret);
                    users.add("workload-" + key + "-" + user);
                    secrets.add(secret);
                    sealed.add(setupContainer.encrypt(users.get(users.size() - 1), secret));
                }
            }
            List<EnvelopeSecretCipher> containers = new ArrayList<>();
            for (int container = 0; container < CONTAINERS; container++) {
                containers.add(new EnvelopeSecretCipher(kms, emulator.keyId(), caching, clock, random));
            }
            counter.reset();

            long seed = System.nanoTime();
            Random workload = new Random(seed);
            double elapsed = 0;
            int verifications = 0;
            while (true) {
                double wait = -Math.log(1 - workload.nextDouble()) / VERIFICATIONS_PER_SECOND;
                elapsed += wait;
                if (elapsed >= SIMULATED.toSeconds()) {
                    break;
                }
                clock.advance(Duration.ofNanos((long) (wait * 1e9)));
                int user = workload.nextInt(users.size());
                EnvelopeSecretCipher container = containers.get(workload.nextInt(CONTAINERS));
                assertArrayEquals(secrets.get(user), container.decrypt(users.get(user), sealed.get(user)));
                verifications++;
            }

            long decrypts = counter.count("Decrypt");
            // Per container and data key, requests are Poisson at rate r, and unwraps are the renewal
            // points of cycles maxAge + Exp(r): mean m = maxAge + 1/r, variance 1/r^2. The steady
            // state (docs/performance.md) is one unwrap per m; over a finite run from cold the
            // renewal function adds the first unwrap: 1 + (T - 1/r)/m + (var - m^2)/(2 m^2).
            double rate = VERIFICATIONS_PER_SECOND / (CONTAINERS * DATA_KEYS);
            double cycle = MAX_AGE.toSeconds() + 1 / rate;
            double variance = 1 / (rate * rate);
            double model = CONTAINERS * DATA_KEYS * (1 + (SIMULATED.toSeconds() - 1 / rate) / cycle
                    + (variance - cycle * cycle) / (2 * cycle * cycle));
            String report = String.format("Data key cache workload (DataKeyCacheWorkloadIT, seed %d): %d verifications over %s "
                    + "simulated, %d containers, %d data keys, max age %s: %d KMS Decrypts measured (%.1f%% of "
                    + "verifications), %.0f by the model (%.1f%%)%n", seed, verifications, SIMULATED, CONTAINERS,
                    DATA_KEYS, MAX_AGE, decrypts, 100.0 * decrypts / verifications, model, 100.0 * model / verifications);
            System.out.print(report);
            if (Files.isDirectory(Path.of("target"))) {
                Files.writeString(Path.of("target", "data-key-cache.txt"), report, StandardCharsets.UTF_8);
            }
            assertEquals(model, decrypts, model * 0.1, "the measured KMS calls are the model's, within 10%");
        }
    }
}
