package io.serverlessmfa.functions.testing;

import io.serverlessmfa.core.recovery.HashedRecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKey;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The recovery-code hashes as the table holds them, for tests that look at raw items: the keyed
 * hashes (checked with the service's own key, unsealed through the emulator's KMS like a function
 * does) and the unkeyed form releases before keyed hashes stored.
 */
public final class RecoveryHashes {

    /** The keyed hashes' attribute: salt (16) || HMAC-SHA-256 (32) per code. */
    public static final String KEYED = "recoveryCodeKeyedHashes";
    /** Where earlier releases kept salt (16) || SHA-256(salt || code) (32) per code. */
    public static final String UNKEYED = "recoveryCodeHashes";

    private RecoveryHashes() {
    }

    /** The service's hash key, unsealed (made first, if no function has yet) through the emulator. */
    public static SecretKey key(AwsEmulator emulator) {
        return emulator.wiring(Clock.systemUTC(), Map.of()).recoveryCodeKey().current();
    }

    /** A hasher with the service's key. */
    public static RecoveryCodeHasher hasher(AwsEmulator emulator) {
        SecretKey key = key(emulator);
        return new RecoveryCodeHasher(new SecureRandom(), () -> key);
    }

    /** The keyed hashes an item holds (none when it has no such attribute). */
    public static List<HashedRecoveryCode> keyed(Map<String, AttributeValue> item) {
        AttributeValue hashes = item.get(KEYED);
        if (hashes == null) {
            return List.of();
        }
        return hashes.l().stream().map(value -> value.b().asByteArray())
                .map(bytes -> new HashedRecoveryCode(Arrays.copyOfRange(bytes, 0, 16), Arrays.copyOfRange(bytes, 16, 48)))
                .toList();
    }

    /** salt || SHA-256(salt || code): a hash as earlier releases stored it (and as a table writer can make it). */
    public static byte[] unkeyed(byte[] salt, String code) {
        String canonical = RecoveryCode.parse(code).orElseThrow().value();
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt);
            digest.update(canonical.getBytes(StandardCharsets.UTF_8));
            byte[] hash = digest.digest();
            byte[] stored = Arrays.copyOf(salt, salt.length + hash.length);
            System.arraycopy(hash, 0, stored, salt.length, hash.length);
            return stored;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The forms the key would take if it leaked: raw bytes, hex and Base64. */
    public static Map<String, byte[]> keyForms(SecretKey key) {
        byte[] raw = key.getEncoded();
        Map<String, byte[]> forms = new LinkedHashMap<>();
        forms.put("recovery code key (raw)", raw);
        forms.put("recovery code key (hex)", HexFormat.of().formatHex(raw).getBytes(StandardCharsets.US_ASCII));
        forms.put("recovery code key (Base64)", Base64.getEncoder().encode(raw));
        return forms;
    }
}
