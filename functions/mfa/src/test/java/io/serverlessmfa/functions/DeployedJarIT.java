package io.serverlessmfa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The jar Lambda runs (after {@code package}): nothing in it may touch AWT or ImageIO (their class
 * loading and native libraries cost cold-start time, and a headless Lambda has no use for them: the
 * QR code is PNG-encoded by our own encoder), no HTTP client but URLConnection's, and every entry
 * stored rather than deflated (class loading without inflating: docs/performance.md).
 */
class DeployedJarIT {

    private static final Path JAR = Path.of("target", "mfa-functions-lambda.jar");

    @Test
    void noClassInTheDeployedJarReferencesAwtOrImageIo() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by `package` before the integration tests");
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                classes++;
                try (InputStream in = jar.getInputStream(entry)) {
                    // Class references live in the constant pool as UTF-8 internal names.
                    String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    if (constants.contains("java/awt/") || constants.contains("javax/imageio/")) {
                        offenders.add(entry.getName());
                    }
                }
            }
        }
        assertTrue(classes > 1_000, "the jar holds the functions and their dependencies: " + classes + " classes");
        assertEquals(List.of(), offenders, "classes referencing java.awt or javax.imageio");
    }

    @Test
    void everyEntryIsStoredUncompressed() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertTrue(jar.getManifest() != null, "the jar keeps its manifest");
            List<String> deflated = jar.stream().filter(entry -> entry.getMethod() != ZipEntry.STORED)
                    .map(JarEntry::getName).limit(5).toList();
            assertEquals(List.of(), deflated, "entries deflated instead of stored");
            assertTrue(jar.getEntry("io/serverlessmfa/functions/handler/SetupHandler.class") != null);
        }
    }

    @Test
    void theOnlyHttpClientIsUrlConnection() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertTrue(jar.getEntry("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class") != null);
            for (String absent : List.of("software/amazon/awssdk/http/apache/", "software/amazon/awssdk/http/nio/netty/",
                    "software/amazon/awssdk/http/crt/", "org/apache/http/", "io/netty/")) {
                assertTrue(jar.stream().noneMatch(entry -> entry.getName().startsWith(absent)), absent + " is not in the jar");
            }
        }
    }
}
