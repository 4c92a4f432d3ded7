package io.serverlessmfa.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The jar Lambda runs (after {@code package}): nothing in it may touch AWT or ImageIO (their class
 * loading and native libraries cost cold-start time, and a headless Lambda has no use for them: the
 * QR code is PNG-encoded by our own encoder), no HTTP client but URLConnection's, every entry
 * stored rather than deflated (class loading without inflating: docs/performance.md), and the
 * shaded jar's classes byte for byte but the SDK clients (and JSON factory) shrunk to what the
 * functions reach (client-shrink.pro). EventFilesIT and DeployedOpsFunctionsIT (local module) run
 * every function from this jar over the emulator.
 */
class DeployedJarIT {

    private static final Path JAR = Path.of("target", "mfa-functions-lambda.jar");
    /** The jar the shade plugin builds, from which the deployed one is made. */
    private static final Path SHADED = Path.of("target", "mfa-functions-shaded.jar");

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
    void theSdkClientsCarryTheOperationsTheFunctionsCallAndNoOthers() throws Exception {
        try (URLClassLoader deployed = isolated(JAR); URLClassLoader shaded = isolated(SHADED)) {
            Set<String> dynamoDb = operations(deployed, "software.amazon.awssdk.services.dynamodb.DefaultDynamoDbClient");
            Set<String> kms = operations(deployed, "software.amazon.awssdk.services.kms.DefaultKmsClient");

            assertTrue(dynamoDb.containsAll(Set.of("getItem", "putItem", "updateItem", "transactWriteItems", "query",
                    "batchGetItem", "scan")), "what the functions call stays: " + dynamoDb);
            assertTrue(kms.containsAll(Set.of("generateDataKey", "encrypt", "decrypt")), "and for KMS: " + kms);
            assertTrue(dynamoDb.size() < 20 && kms.size() < 10, "the rest is gone: " + dynamoDb + " " + kms);
            for (String unused : List.of("createBackup", "deleteTable", "executeStatement", "restoreTableFromBackup")) {
                assertFalse(dynamoDb.contains(unused), unused);
            }
            for (String unused : List.of("scheduleKeyDeletion", "createKey", "reEncrypt", "sign")) {
                assertFalse(kms.contains(unused), unused);
            }
            assertTrue(operations(shaded, "software.amazon.awssdk.services.dynamodb.DefaultDynamoDbClient").size() > 50,
                    "the shaded jar has the SDK's full client");
        }
    }

    @Test
    void everyOtherEntryIsTheShadedJarsByteForByte() throws IOException {
        Set<String> shrunk = Set.of("software/amazon/awssdk/services/dynamodb/DefaultDynamoDbClient.class",
                "software/amazon/awssdk/services/dynamodb/DynamoDbClient.class",
                "software/amazon/awssdk/services/kms/DefaultKmsClient.class",
                "software/amazon/awssdk/services/kms/KmsClient.class",
                "software/amazon/awssdk/thirdparty/jackson/core/JsonFactory.class");
        try (JarFile deployed = new JarFile(JAR.toFile()); JarFile shaded = new JarFile(SHADED.toFile())) {
            Set<String> names = new HashSet<>();
            List<String> changed = new ArrayList<>();
            for (JarEntry entry : deployed.stream().toList()) {
                names.add(entry.getName());
                ZipEntry original = shaded.getEntry(entry.getName());
                assertNotNull(original, entry.getName() + " is not in the shaded jar");
                if (!entry.isDirectory() && !Arrays.equals(bytes(deployed, entry), bytes(shaded, original))) {
                    changed.add(entry.getName());
                }
            }
            assertEquals(shaded.stream().map(ZipEntry::getName).collect(Collectors.toSet()), names, "the same entries");
            assertEquals(shrunk, Set.copyOf(changed), "only the shrunk classes differ");
        }
    }

    private static URLClassLoader isolated(Path jar) throws IOException {
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    /** The public methods of a client class that take an operation's request. */
    private static Set<String> operations(ClassLoader loader, String clientClass) throws ClassNotFoundException {
        return Arrays.stream(Class.forName(clientClass, false, loader).getDeclaredMethods())
                .filter(method -> Modifier.isPublic(method.getModifiers()) && method.getParameterCount() == 1
                        && method.getParameterTypes()[0].getSimpleName().endsWith("Request"))
                .map(Method::getName).collect(Collectors.toSet());
    }

    private static byte[] bytes(JarFile jar, ZipEntry entry) throws IOException {
        try (InputStream in = jar.getInputStream(entry)) {
            return in.readAllBytes();
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
