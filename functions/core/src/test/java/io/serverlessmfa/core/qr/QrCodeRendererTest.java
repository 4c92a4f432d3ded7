package io.serverlessmfa.core.qr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class QrCodeRendererTest {

    private static final int PIXELS_PER_MODULE = 6;
    private static final int QUIET_ZONE_MODULES = 4;
    private static final String DATA_URI_PREFIX = "data:image/png;base64,";

    /** A realistic enrollment URI: issuer with a space, e-mail account, 160-bit secret, defaults. */
    private static final String TYPICAL_KEY_URI = "otpauth://totp/Example%20Corp:alice%40example.com"
            + "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30";

    /** Everything at its largest: 512-bit secret, SHA512, 8 digits, a long issuer and account name. */
    private static final String LONG_KEY_URI = "otpauth://totp/"
            + "Example%20Corporation%20International%20Holdings%20-%20Production%20Identity%20Platform"
            + ":alice.marie.longname-smith%2Bmfa%40subsidiary.example.com"
            + "?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
            + "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
            + "&issuer=Example%20Corporation%20International%20Holdings%20-%20Production%20Identity%20Platform"
            + "&algorithm=SHA512&digits=8&period=60";

    private static final long ZBARIMG_TIMEOUT_SECONDS = 30;

    private final QrCodeRenderer renderer = new QrCodeRenderer(PIXELS_PER_MODULE);

    static Stream<String> contentsAZbarimgReadsBack() {
        return Stream.of(
                "hello",
                "1234567890",
                TYPICAL_KEY_URI,
                LONG_KEY_URI,
                "otpauth://totp/Z%C3%BCrich%20Bank:bob?secret=JBSWY3DPEHPK3PXP&issuer=Z%C3%BCrich%20Bank",
                "Zürich Bank – Grüße");
    }

    @ParameterizedTest
    @MethodSource("contentsAZbarimgReadsBack")
    void aRealQrReaderDecodesExactlyTheContent(String content, @TempDir Path directory)
            throws IOException, InterruptedException {
        Path zbarimg = zbarimgOrSkip();
        Path image = directory.resolve("code.png");
        Files.write(image, renderer.renderPng(content));

        assertEquals(content, decodeWithZbarimg(zbarimg, image, directory));
    }

    @Test
    void aRealQrReaderDecodesTheDataUriImage(@TempDir Path directory) throws IOException, InterruptedException {
        Path zbarimg = zbarimgOrSkip();
        String dataUri = renderer.renderDataUri(TYPICAL_KEY_URI);
        Path image = directory.resolve("from-data-uri.png");
        Files.write(image, Base64.getDecoder().decode(dataUri.substring(DATA_URI_PREFIX.length())));

        assertEquals(TYPICAL_KEY_URI, decodeWithZbarimg(zbarimg, image, directory));
    }

    @ParameterizedTest
    // One pixel per module is below what zbar's scanner reliably locates (and what any screen shows);
    // the portal uses 6.
    @ValueSource(ints = {2, 3, 4, 12})
    void aRealQrReaderDecodesOtherScales(int pixelsPerModule, @TempDir Path directory)
            throws IOException, InterruptedException {
        Path zbarimg = zbarimgOrSkip();
        Path image = directory.resolve("scaled.png");
        Files.write(image, new QrCodeRenderer(pixelsPerModule).renderPng(TYPICAL_KEY_URI));

        assertEquals(TYPICAL_KEY_URI, decodeWithZbarimg(zbarimg, image, directory));
    }

    @Test
    void dataUriIsABase64PngWithTheImageMediaType() {
        String dataUri = renderer.renderDataUri(TYPICAL_KEY_URI);

        assertTrue(dataUri.startsWith(DATA_URI_PREFIX), dataUri.substring(0, 40));
        byte[] png = Base64.getDecoder().decode(dataUri.substring(DATA_URI_PREFIX.length()));
        assertArrayEquals(PngReader.SIGNATURE, Arrays.copyOf(png, 8));
        assertArrayEquals(renderer.renderPng(TYPICAL_KEY_URI), png);
    }

    @Test
    void typicalKeyUriIsSurroundedByAFourModuleQuietZone() {
        PngReader image = PngReader.read(renderer.renderPng(TYPICAL_KEY_URI));
        int quietZonePixels = QUIET_ZONE_MODULES * PIXELS_PER_MODULE;

        assertEquals(image.width(), image.height(), "QR codes are square");
        assertEquals(0, image.width() % PIXELS_PER_MODULE, "whole modules");
        int modules = image.width() / PIXELS_PER_MODULE - 2 * QUIET_ZONE_MODULES;
        assertEquals(0, (modules - 17) % 4, "a QR code has 17 + 4 * version modules, got " + modules);

        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                boolean inQuietZone = x < quietZonePixels || y < quietZonePixels
                        || x >= image.width() - quietZonePixels || y >= image.height() - quietZonePixels;
                if (inQuietZone && image.isBlack(x, y)) {
                    fail("quiet zone pixel (" + x + ", " + y + ") is black");
                }
            }
        }
        // zxing's own margin is off: the finder pattern starts right after the 4 modules, not further inside.
        assertTrue(image.isBlack(quietZonePixels, quietZonePixels), "top-left finder pattern corner");
        assertTrue(image.isBlack(image.width() - quietZonePixels - 1, quietZonePixels),
                "top-right finder pattern corner");
        assertTrue(image.isBlack(quietZonePixels, image.height() - quietZonePixels - 1),
                "bottom-left finder pattern corner");
    }

    @Test
    void renderingIsDeterministic() {
        assertArrayEquals(renderer.renderPng(TYPICAL_KEY_URI), renderer.renderPng(TYPICAL_KEY_URI));
    }

    @Test
    void oneRendererCanBeSharedBetweenThreads() throws Exception {
        byte[] expected = renderer.renderPng(TYPICAL_KEY_URI);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<byte[]>> tasks = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                tasks.add(() -> renderer.renderPng(TYPICAL_KEY_URI));
            }
            for (Future<byte[]> result : pool.invokeAll(tasks)) {
                assertArrayEquals(expected, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsContentTooLongForAQrCodeWithoutQuotingIt() {
        String secret = "JBSWY3DPEHPK3PXP";
        String content = "otpauth://totp/x:y?secret=" + secret + "&padding=" + "x".repeat(4000);

        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> renderer.renderPng(content));
        assertTrue(error.getMessage().contains("too long"), error.getMessage());
        assertFalse(error.getMessage().contains(secret), "the message must not leak the content");
    }

    @Test
    void rejectsMissingOrEmptyContent() {
        assertThrows(IllegalArgumentException.class, () -> renderer.renderPng(null));
        assertThrows(IllegalArgumentException.class, () -> renderer.renderPng(""));
        assertThrows(IllegalArgumentException.class, () -> renderer.renderDataUri(""));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 33})
    void rejectsPixelsPerModuleOutsideOneToThirtyTwo(int pixelsPerModule) {
        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> new QrCodeRenderer(pixelsPerModule));
        assertTrue(error.getMessage().contains("pixelsPerModule"), error.getMessage());
    }

    /**
     * Finds zbarimg (Debian package zbar-tools). Without it the read-back tests are skipped on a developer machine
     * but fail in CI, where a silently skipped check would let a broken QR code through.
     */
    private static Path zbarimgOrSkip() {
        Optional<Path> found = findOnPath("zbarimg");
        if (found.isEmpty()) {
            boolean required = "true".equalsIgnoreCase(System.getProperty("mfa.requireTools"))
                    || "true".equalsIgnoreCase(System.getenv("CI"));
            if (required) {
                fail("zbarimg (package zbar-tools) is required to read the QR codes back but is not on the PATH");
            }
            Assumptions.abort("zbarimg (package zbar-tools) is not installed; QR read-back skipped");
        }
        return found.get();
    }

    private static Optional<Path> findOnPath(String program) {
        List<String> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(Arrays.asList(path.split(File.pathSeparator)));
        }
        directories.add("/usr/bin");
        directories.add("/usr/local/bin");
        return directories.stream()
                .filter(directory -> !directory.isBlank())
                .map(directory -> Path.of(directory, program))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Runs {@code zbarimg --raw -q} and returns what it printed, without the newline it appends. */
    private static String decodeWithZbarimg(Path zbarimg, Path image, Path directory)
            throws IOException, InterruptedException {
        // Output goes to files rather than pipes, so a chatty process can never block on a full pipe buffer.
        Path stdout = directory.resolve("zbarimg.out");
        Path stderr = directory.resolve("zbarimg.err");
        Process process = new ProcessBuilder(zbarimg.toString(), "--raw", "-q", image.toString())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(ZBARIMG_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("zbarimg did not finish within " + ZBARIMG_TIMEOUT_SECONDS + " s");
        }
        String output = Files.readString(stdout, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), () -> "zbarimg exit code; stderr: "
                + readQuietly(stderr) + "; stdout: " + output);
        return output.endsWith("\n") ? output.substring(0, output.length() - 1) : output;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e.getMessage() + ">";
        }
    }
}
