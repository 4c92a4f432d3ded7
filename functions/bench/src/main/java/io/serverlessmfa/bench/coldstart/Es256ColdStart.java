package io.serverlessmfa.bench.coldstart;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * What the MFA token's signing costs a cold JVM on its own, with the JDK only: the steps a
 * function's first token takes after KMS has handed back the sealed key's plaintext, each timed
 * (wall and this thread's CPU) and with the classes it loaded:
 * <ol>
 * <li>{@code parse}: the PKCS#8 key read by {@code KeyFactory.getInstance("EC")}, as SigningKeySealer does;
 * <li>{@code first}: the first ES256 signature ({@code SHA256withECDSAinP1363Format}, a SecureRandom
 *     made before, as the function's), as Es256 does;
 * <li>{@code second}: the next one, for what is left once the classes are loaded.
 * </ol>
 * Prints one JSON line on stdout. Run it with Lambda's flags in a fresh JVM per run
 * ({@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}); it complements
 * bench-cold-start.sh's before/after of verify, which also holds the calls for the key (a DynamoDB
 * Query and a KMS Decrypt) and the token's JSON.
 */
public final class Es256ColdStart {

    /** A throwaway P-256 key (PKCS#8, made with openssl for this measurement; it signs nothing real). */
    private static final String PKCS8 = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgbPgUT9bz+SOG1v0nx9DTm+qvSJokEs2+BviDq4sBkDah"
            + "RANCAATgU+TVnmf6GIfXiUPQfHl8zyyObc5Vzd99+WmXSID22TJyQ0m0V1A7iWFTHDCKpX3BXlVTDWVKUTVGlb8YO5cn";
    /** About a token's signing input (header and claims, base64url): 430 characters. */
    private static final byte[] SIGNING_INPUT = "x".repeat(430).getBytes(StandardCharsets.US_ASCII);

    private Es256ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        // The measurement's own classes first, so no step counts them.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        SecureRandom random = new SecureRandom();
        random.nextBytes(new byte[32]);
        byte[] pkcs8 = Base64.getDecoder().decode(PKCS8);
        StringBuilder json = new StringBuilder("{\"bench\":\"es256-cold-start\"");

        long[] start = mark(threads, classes);
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        start = report(json, "parse", start, threads, classes);
        int length = sign(key, random).length;
        start = report(json, "first", start, threads, classes);
        length += sign(key, random).length;
        report(json, "second", start, threads, classes);
        if (length != 128) {
            throw new IllegalStateException("an ES256 signature is 64 bytes");
        }
        System.out.println(json.append('}'));
    }

    private static byte[] sign(PrivateKey key, SecureRandom random) throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initSign(key, random);
        signature.update(SIGNING_INPUT);
        return signature.sign();
    }

    private static long[] mark(ThreadMXBean threads, ClassLoadingMXBean classes) {
        return new long[] {System.nanoTime(), threads.getCurrentThreadCpuTime(), classes.getTotalLoadedClassCount()};
    }

    private static long[] report(StringBuilder json, String step, long[] start, ThreadMXBean threads,
                                 ClassLoadingMXBean classes) {
        long[] now = mark(threads, classes);
        json.append(String.format(",\"%sMs\":%.2f,\"%sCpuMs\":%.2f,\"%sClasses\":%d", step, (now[0] - start[0]) / 1e6, step,
                (now[1] - start[1]) / 1e6, step, now[2] - start[2]));
        return mark(threads, classes);
    }
}
