package io.serverlessmfa.core.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.serverlessmfa.core.secret.Base32;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TotpGeneratorTest {

    /** RFC 6238 Appendix B seeds: the ASCII digits repeated to the HMAC's output length. */
    private static final String SEED_SHA1 = "12345678901234567890";
    private static final String SEED_SHA256 = "12345678901234567890123456789012";
    private static final String SEED_SHA512 = "1234567890123456789012345678901234567890123456789012345678901234";

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);

    static Stream<Arguments> rfc6238AppendixB() {
        return Stream.of(
                Arguments.of(59L, HmacAlgorithm.SHA1, "94287082"),
                Arguments.of(59L, HmacAlgorithm.SHA256, "46119246"),
                Arguments.of(59L, HmacAlgorithm.SHA512, "90693936"),
                Arguments.of(1111111109L, HmacAlgorithm.SHA1, "07081804"),
                Arguments.of(1111111109L, HmacAlgorithm.SHA256, "68084774"),
                Arguments.of(1111111109L, HmacAlgorithm.SHA512, "25091201"),
                Arguments.of(1111111111L, HmacAlgorithm.SHA1, "14050471"),
                Arguments.of(1111111111L, HmacAlgorithm.SHA256, "67062674"),
                Arguments.of(1111111111L, HmacAlgorithm.SHA512, "99943326"),
                Arguments.of(1234567890L, HmacAlgorithm.SHA1, "89005924"),
                Arguments.of(1234567890L, HmacAlgorithm.SHA256, "91819424"),
                Arguments.of(1234567890L, HmacAlgorithm.SHA512, "93441116"),
                Arguments.of(2000000000L, HmacAlgorithm.SHA1, "69279037"),
                Arguments.of(2000000000L, HmacAlgorithm.SHA256, "90698825"),
                Arguments.of(2000000000L, HmacAlgorithm.SHA512, "38618901"),
                Arguments.of(20000000000L, HmacAlgorithm.SHA1, "65353130"),
                Arguments.of(20000000000L, HmacAlgorithm.SHA256, "77737706"),
                Arguments.of(20000000000L, HmacAlgorithm.SHA512, "47863826"));
    }

    @ParameterizedTest(name = "{1} at {0} s -> {2}")
    @MethodSource("rfc6238AppendixB")
    void producesRfc6238AppendixBValues(long epochSecond, HmacAlgorithm algorithm, String expected) {
        TotpGenerator generator = new TotpGenerator(new TotpSettings(algorithm, 8, Duration.ofSeconds(30)));
        TotpCode code = generator.generate(rfcKey(algorithm), Instant.ofEpochSecond(epochSecond));
        assertEquals(expected, code.digits());
    }

    @Test
    void generateEqualsGenerateAtTheTimeStep() {
        TotpGenerator generator = new TotpGenerator(new TotpSettings(HmacAlgorithm.SHA1, 8, Duration.ofSeconds(30)));
        SecretKey key = rfcKey(HmacAlgorithm.SHA1);
        Instant time = Instant.ofEpochSecond(1111111109L);
        assertEquals(0x23523ECL, generator.timeStep(time));
        assertEquals("07081804", generator.generateAtStep(key, 0x23523ECL).digits());
    }

    @Test
    void timeStepIsFloorOfEpochSecondsOverPeriod() {
        TotpGenerator generator = new TotpGenerator(TotpSettings.defaults());
        assertEquals(0, generator.timeStep(Instant.EPOCH));
        assertEquals(0, generator.timeStep(Instant.ofEpochSecond(29)));
        assertEquals(0, generator.timeStep(Instant.ofEpochSecond(29, 999_999_999)));
        assertEquals(1, generator.timeStep(Instant.ofEpochSecond(30)));
        assertEquals(1, generator.timeStep(Instant.ofEpochSecond(59)));
        assertEquals(2, generator.timeStep(Instant.ofEpochSecond(60)));
        assertEquals(666_666_666L, generator.timeStep(Instant.ofEpochSecond(20_000_000_000L)));
    }

    @Test
    void timeStepUsesTheConfiguredPeriod() {
        TotpGenerator generator = new TotpGenerator(new TotpSettings(HmacAlgorithm.SHA1, 6, Duration.ofSeconds(60)));
        assertEquals(0, generator.timeStep(Instant.ofEpochSecond(59)));
        assertEquals(1, generator.timeStep(Instant.ofEpochSecond(60)));
        assertEquals(18_518_518L, generator.timeStep(Instant.ofEpochSecond(1111111109L)));
    }

    @Test
    void timeStepRoundsDownBeforeTheEpoch() {
        TotpGenerator generator = new TotpGenerator(TotpSettings.defaults());
        assertEquals(-1, generator.timeStep(Instant.ofEpochSecond(-1)));
        assertEquals(-1, generator.timeStep(Instant.ofEpochSecond(-30)));
        assertEquals(-2, generator.timeStep(Instant.ofEpochSecond(-31)));
    }

    @Test
    void rejectsTimesBeforeTheEpochAndMissingArguments() {
        TotpGenerator generator = new TotpGenerator(TotpSettings.defaults());
        SecretKey key = rfcKey(HmacAlgorithm.SHA1);
        assertThrows(IllegalArgumentException.class, () -> generator.generate(key, Instant.ofEpochSecond(-1)));
        assertThrows(IllegalArgumentException.class, () -> generator.generateAtStep(key, -1));
        assertThrows(IllegalArgumentException.class, () -> generator.generate(key, null));
        assertThrows(IllegalArgumentException.class, () -> generator.generate(null, Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> new TotpGenerator(null));
    }

    @Test
    void exposesItsSettings() {
        TotpSettings settings = new TotpSettings(HmacAlgorithm.SHA512, 7, Duration.ofSeconds(45));
        assertSame(settings, new TotpGenerator(settings).settings());
    }

    /**
     * Cross-checks against an independent implementation, OATH Toolkit's oathtool, over
     * pseudo-random secrets and times. The seed is fixed so a failure is reproducible.
     */
    @Test
    void agreesWithOathtoolForRandomSecretsAndTimes() throws Exception {
        Optional<Path> oathtool = findOnPath("oathtool");
        if (oathtool.isEmpty()) {
            boolean required = "true".equals(System.getProperty("mfa.requireTools")) || "true".equals(System.getenv("CI"));
            if (required) {
                fail("oathtool is required (mfa.requireTools or CI is true) but was not found on PATH");
            }
            assumeTrue(false, "oathtool not installed (Debian package oathtool); skipping cross-check");
        }
        SplittableRandom random = new SplittableRandom(0x6F617468L);
        int[] secretLengths = {20, 32, 64, 10, 17};
        int checks = 0;
        for (HmacAlgorithm algorithm : HmacAlgorithm.values()) {
            for (int digits : new int[] {6, 8}) {
                for (long periodSeconds : new long[] {30, 60}) {
                    for (int sample = 0; sample < 2; sample++) {
                        byte[] secret = new byte[secretLengths[random.nextInt(secretLengths.length)]];
                        random.nextBytes(secret);
                        long epochSecond = random.nextLong(0, 4_102_444_800L); // up to 2100-01-01
                        TotpSettings settings = new TotpSettings(algorithm, digits, Duration.ofSeconds(periodSeconds));
                        String ours = new TotpGenerator(settings)
                                .generate(SecretKeys.forTotp(secret, algorithm), Instant.ofEpochSecond(epochSecond))
                                .digits();
                        String theirs = runOathtool(oathtool.get(), algorithm, digits, periodSeconds, epochSecond,
                                Base32.encode(secret));
                        assertEquals(theirs, ours, () -> algorithm + ", " + digits + " digits, " + periodSeconds
                                + " s, t=" + epochSecond + ", " + secret.length + "-byte secret");
                        checks++;
                    }
                }
            }
        }
        assertEquals(24, checks);
    }

    private static String runOathtool(Path oathtool, HmacAlgorithm algorithm, int digits, long periodSeconds,
                                      long epochSecond, String base32Secret) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                oathtool.toString(),
                "--totp=" + algorithm.keyUriName().toLowerCase(Locale.ROOT),
                "--base32",
                "-d", Integer.toString(digits),
                "-s", periodSeconds + "s",
                "-N", "@" + epochSecond,
                base32Secret));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            if (!process.waitFor(TOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("oathtool did not finish within " + TOOL_TIMEOUT);
            }
            // Reading after exit is safe: the output is one short line, far below the pipe buffer,
            // so the tool cannot block on a full pipe before exiting.
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(0, process.exitValue(), () -> "oathtool failed: " + output);
            assertTrue(output.matches("[0-9]{" + digits + "}"), () -> "unexpected oathtool output: " + output);
            return output;
        } finally {
            process.destroyForcibly();
        }
    }

    private static Optional<Path> findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static SecretKey rfcKey(HmacAlgorithm algorithm) {
        String seed = switch (algorithm) {
            case SHA1 -> SEED_SHA1;
            case SHA256 -> SEED_SHA256;
            case SHA512 -> SEED_SHA512;
        };
        return SecretKeys.forTotp(seed.getBytes(StandardCharsets.US_ASCII), algorithm);
    }
}
