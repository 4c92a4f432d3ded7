package io.serverlessmfa.functions.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.core.secret.Base32;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.RecoveryHashes;
import io.serverlessmfa.functions.testing.SigningKeys;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The contract's storage rules, checked on what DynamoDB really holds after requests through the
 * handlers: no plaintext secret or recovery code in the table, salted hashes only, and a
 * ciphertext bound to its user so one user's record can never serve another. The MFA token signing
 * key's private half is in the table only as KMS ciphertext, bound to its kid and purpose, and in no
 * log line in any form; nor is an MFA token.
 */
class StorageIT {

    private static final String SECRET_ATTRIBUTE = "secretCiphertext";
    private static final String RECOVERY_ATTRIBUTE = RecoveryHashes.KEYED;

    private AwsEmulator emulator;
    private MutableClock clock;
    private MfaApi api;
    private RawItems raw;
    private RecoveryCodeHasher hasher;

    @BeforeEach
    void setUp() {
        emulator = AwsEmulator.get();
        clock = MutableClock.atStepStart();
        api = MfaApi.over(emulator, clock, Map.of());
        raw = new RawItems(emulator);
        hasher = RecoveryHashes.hasher(emulator);
    }

    @Test
    void noPlaintextSecretOrRecoveryCodeEverReachesTheTable() {
        MfaApi threeCodes = MfaApi.over(emulator, clock, Map.of(MfaConfiguration.RECOVERY_CODE_COUNT, "3"));
        TestUser user = TestUser.random();
        List<String> recoveryCodes = new ArrayList<>();

        ApiResult setup = threeCodes.setup(user);
        assertEquals(201, setup.status(), setup::toString);
        String secret = setup.text("secret");
        Map<String, byte[]> secretForms = secretForms(secret);
        assertNoneStored(raw.get(user.sub()), secretForms, "pending setup");
        assertEquals("PENDING", raw.get(user.sub()).get("status").s());

        ApiResult confirmed = threeCodes.confirm(user, threeCodes.codeFor(secret));
        assertEquals(200, confirmed.status(), confirmed::toString);
        recoveryCodes.addAll(confirmed.texts("recoveryCodes"));
        assertEquals(3, recoveryCodes.size());
        Map<String, AttributeValue> enabled = raw.get(user.sub());
        assertNoneStored(enabled, secretForms, "enabled");
        assertNoneStored(enabled, recoveryCodeForms(recoveryCodes), "enabled");
        assertSaltedHashes(enabled, recoveryCodes, 3);

        clock.advance(Duration.ofSeconds(30));
        assertEquals(200, threeCodes.verify(user, threeCodes.codeFor(secret)).status());
        ApiResult recovered = threeCodes.recover(user, recoveryCodes.get(1));
        assertEquals(200, recovered.status(), recovered::toString);
        recoveryCodes.addAll(recovered.texts("recoveryCodes"));
        Map<String, AttributeValue> afterRecover = raw.get(user.sub());
        assertNoneStored(afterRecover, secretForms, "after recover");
        assertNoneStored(afterRecover, recoveryCodeForms(recoveryCodes), "after recover");
        assertSaltedHashes(afterRecover, List.of(recoveryCodes.get(0), recoveryCodes.get(2), recoveryCodes.get(3)), 3);

        clock.advance(Duration.ofSeconds(30));
        ApiResult regenerated = threeCodes.regenerate(user, threeCodes.codeFor(secret));
        assertEquals(200, regenerated.status(), regenerated::toString);
        recoveryCodes.addAll(regenerated.texts("recoveryCodes"));
        Map<String, AttributeValue> afterRegenerate = raw.get(user.sub());
        assertNoneStored(afterRegenerate, secretForms, "after regenerate");
        assertNoneStored(afterRegenerate, recoveryCodeForms(recoveryCodes), "after regenerate");
        assertSaltedHashes(afterRegenerate, regenerated.texts("recoveryCodes"), 3);

        // Nothing else in the table (no other item, no other user's record, no signing key) holds
        // them either; and no item holds the token signing key's private half in any form.
        Map<String, byte[]> everything = new LinkedHashMap<>(secretForms);
        everything.putAll(recoveryCodeForms(recoveryCodes));
        List<SigningKeys.Unsealed> signingKeys = SigningKeys.unsealAll(emulator);
        assertFalse(signingKeys.isEmpty(), "confirm made a signing key");
        signingKeys.forEach(key -> everything.putAll(key.byteForms()));
        everything.putAll(RecoveryHashes.keyForms(RecoveryHashes.key(emulator)));
        List<Map<String, AttributeValue>> items = raw.scanAll();
        assertTrue(items.stream().anyMatch(item -> item.get("pk").s().equals(RawItems.SIGNING_KEYS)),
                "the scan reaches the signing keys' partition");
        for (Map<String, AttributeValue> item : items) {
            assertNoneStored(item, everything, "table scan, item " + item.get("pk").s());
        }
    }

    @Test
    void theSigningKeyIsStoredOnlySealedBoundToItsKidAndPurpose() {
        enable(api, TestUser.random()); // the confirm makes (or signs with) a signing key
        assertEquals(Set.of("pk", "sk", "keys"), raw.signingKeysItem().keySet(), "the signing keys' one item");
        for (Map<String, AttributeValue> item : raw.signingKeys()) {
            String kid = item.get("kid").s();
            // The public half and the schedule in the clear, the private half as KMS ciphertext only.
            assertEquals(Set.of("kid", "x", "y", "sealedPrivateKey", "createdAt", "signsFrom"), item.keySet(),
                    "a signing key's entry (kid: its key in the map): " + item.keySet());
            SdkBytes sealed = item.get("sealedPrivateKey").b();
            SigningKeys.Unsealed unsealed = SigningKeys.unsealAll(emulator).stream()
                    .filter(key -> key.kid().equals(kid)).findFirst().orElseThrow();
            assertEquals(-1, RawItems.indexOf(sealed.asByteArray(), unsealed.dBytes()), "d is not inside the sealed bytes");
            assertEquals(-1, RawItems.indexOf(sealed.asByteArray(), unsealed.pkcs8()), "the PKCS#8 is not inside them either");
            // Bound to its kid and its purpose: another key's item, no context, or a TOTP secret's
            // purpose does not decrypt it.
            Map<String, Map<String, String>> wrong = new LinkedHashMap<>();
            wrong.put("another kid", Map.of("purpose", SigningKeys.PURPOSE, "kid", "A".repeat(43)));
            wrong.put("no context", Map.of());
            wrong.put("the kid alone", Map.of("kid", kid));
            wrong.put("another purpose", Map.of("purpose", "totp-secret", "kid", kid));
            wrong.forEach((what, context) -> assertThrows(KmsException.class, () -> emulator.kms().decrypt(request -> request
                    .ciphertextBlob(sealed).encryptionContext(context)), "sealed key " + kid + " decrypted with " + what));
        }
        assertFalse(raw.signingKeys().isEmpty(), "there was a key to check");
    }

    @Test
    void noPlaintextSecretRecoveryCodeOrUserIdReachesALogLine() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        TestUser user = TestUser.random();
        List<String> recoveryCodes = new ArrayList<>();
        List<String> mfaTokens = new ArrayList<>();
        String secret;
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                captured.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                captured.write(bytes, offset, length);
            }
        }, true, StandardCharsets.UTF_8));
        try {
            MfaApi logged = MfaApi.over(emulator, clock, Map.of()); // the handlers take System.out at init
            ApiResult setup = logged.setup(user);
            secret = setup.text("secret");
            assertEquals(400, logged.confirm(user, wrongCode(secret)).status());
            ApiResult confirmed = logged.confirm(user, logged.codeFor(secret));
            assertEquals(200, confirmed.status(), confirmed::toString);
            recoveryCodes.addAll(confirmed.texts("recoveryCodes"));
            clock.advance(Duration.ofSeconds(30));
            assertEquals(400, logged.verify(user, wrongCode(secret)).status());
            assertEquals(200, logged.verify(user, logged.codeFor(secret)).status());
            String unknown = new RecoveryCodeGenerator(new SecureRandom()).generate().formatted();
            assertEquals(400, logged.recover(user, unknown).status());
            ApiResult recovered = logged.recover(user, recoveryCodes.get(0));
            assertEquals(200, recovered.status(), recovered::toString);
            recoveryCodes.addAll(recovered.texts("recoveryCodes"));
            clock.advance(Duration.ofSeconds(30));
            ApiResult regenerated = logged.regenerate(user, logged.codeFor(secret));
            assertEquals(200, regenerated.status(), regenerated::toString);
            recoveryCodes.addAll(regenerated.texts("recoveryCodes"));
            assertEquals(409, logged.setup(user).status());
            mfaTokens.add(confirmed.text("mfaToken"));
            mfaTokens.add(recovered.text("mfaToken"));
            clock.advance(Duration.ofSeconds(30));
            ApiResult verified = logged.call("POST /mfa/verify", user,
                    "{\"code\":\"" + logged.codeFor(secret) + "\",\"nonce\":\"storage-log-nonce\"}");
            assertEquals(200, verified.status(), verified::toString);
            mfaTokens.add(verified.text("mfaToken"));
            assertEquals(200, logged.anonymous("GET /.well-known/jwks.json").status());
        } finally {
            System.out.flush();
            System.setOut(original);
        }

        // A request line names its caller in its sub field (incident tracing, docs/security.md threat
        // 10; SecretsHygieneIT checks that field line by line): that field is taken out, and the sub
        // anywhere else still fails this test.
        String text = captured.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("\"sub\":\"" + user.sub() + "\""), "request lines name their caller");
        byte[] log = text.replace("\"sub\":\"" + user.sub() + "\"", "").getBytes(StandardCharsets.UTF_8);
        assertTrue(new String(log, StandardCharsets.UTF_8).contains("\"function\":\"verify\""), "the request lines were captured");
        Map<String, byte[]> forbidden = new LinkedHashMap<>(secretForms(secret));
        forbidden.putAll(recoveryCodeForms(recoveryCodes));
        forbidden.put("user id (sub)", ascii(user.sub()));
        forbidden.put("e-mail claim", ascii(user.email()));
        assertEquals(3, mfaTokens.size());
        for (int i = 0; i < mfaTokens.size(); i++) {
            assertTrue(mfaTokens.get(i) != null, "a token was earned");
            SigningKeys.tokenForms("MFA token " + i, mfaTokens.get(i)).forEach((what, form) -> forbidden.put(what, ascii(form)));
        }
        List<SigningKeys.Unsealed> signingKeys = SigningKeys.unsealAll(emulator);
        assertFalse(signingKeys.isEmpty(), "the flow signed with a stored key");
        signingKeys.forEach(key -> forbidden.putAll(key.byteForms()));
        forbidden.putAll(RecoveryHashes.keyForms(RecoveryHashes.key(emulator)));
        for (Map.Entry<String, byte[]> form : forbidden.entrySet()) {
            assertEquals(-1, RawItems.indexOf(log, form.getValue()), form.getKey() + " reached a log line");
        }
    }

    @Test
    void recoveryHashesAre48ByteBinariesWithDistinctSalts() {
        TestUser user = TestUser.random();
        Enabled enabled = enable(api, user);

        List<AttributeValue> hashes = raw.get(user.sub()).get(RECOVERY_ATTRIBUTE).l();
        assertEquals(1, hashes.size(), "the default is one recovery code");
        AttributeValue hash = hashes.get(0);
        assertTrue(hash.b() != null && hash.s() == null, "stored as binary, not as text");
        assertEquals(48, hash.b().asByteArray().length, "16-byte salt and 32-byte HMAC-SHA-256");
        assertTrue(raw.get(user.sub()).get(SECRET_ATTRIBUTE).b() != null, "the ciphertext is binary");
        assertSaltedHashes(raw.get(user.sub()), enabled.recoveryCodes(), 1);
    }

    @Test
    void ciphertextCopiedFromAnotherUserFailsClosedAndChangesNothing() {
        TestUser alice = TestUser.random();
        TestUser bob = TestUser.random();
        Enabled aliceMfa = enable(api, alice);
        Enabled bobMfa = enable(api, bob);
        clock.advance(Duration.ofSeconds(30));
        Map<String, AttributeValue> aliceBefore = raw.get(alice.sub());

        raw.setBinary(bob.sub(), SECRET_ATTRIBUTE, aliceBefore.get(SECRET_ATTRIBUTE).b());
        Map<String, AttributeValue> bobTampered = raw.get(bob.sub());
        String aliceCode = api.codeFor(aliceMfa.secret());

        ApiResult withAliceCode = api.verify(bob, aliceCode);
        assertEquals(500, withAliceCode.status(), "Alice's code must never verify for Bob: " + withAliceCode);
        assertEquals("internal_error", withAliceCode.error());
        ApiResult withBobCode = api.verify(bob, api.codeFor(bobMfa.secret()));
        assertEquals(500, withBobCode.status(), withBobCode::toString);
        assertEquals("internal_error", withBobCode.error());
        ApiResult regenerate = api.regenerate(bob, aliceCode);
        assertEquals(500, regenerate.status(), regenerate::toString);
        ApiResult remove = api.removeWithCode(bob, aliceCode);
        assertEquals(500, remove.status(), remove::toString);

        assertEquals(bobTampered, raw.get(bob.sub()), "failing closed wrote nothing to Bob's item (no step, no removal)");
        assertEquals(aliceBefore, raw.get(alice.sub()), "Alice's item is untouched");
        ApiResult aliceVerifies = api.verify(alice, aliceCode);
        assertEquals(200, aliceVerifies.status(), "Alice's own secret still works: " + aliceVerifies);
    }

    @Test
    void ciphertextCopiedIntoAnotherUsersPendingSetupCannotConfirmIt() {
        TestUser alice = TestUser.random();
        TestUser bob = TestUser.random();
        Enabled aliceMfa = enable(api, alice);
        ApiResult bobSetup = api.setup(bob);
        assertEquals(201, bobSetup.status(), bobSetup::toString);
        clock.advance(Duration.ofSeconds(30));
        Map<String, AttributeValue> aliceBefore = raw.get(alice.sub());

        raw.setBinary(bob.sub(), SECRET_ATTRIBUTE, aliceBefore.get(SECRET_ATTRIBUTE).b());
        Map<String, AttributeValue> bobTampered = raw.get(bob.sub());

        ApiResult confirm = api.confirm(bob, api.codeFor(aliceMfa.secret()));
        assertEquals(500, confirm.status(), "Alice's secret must never enable Bob's MFA: " + confirm);
        assertEquals("internal_error", confirm.error());
        assertEquals(bobTampered, raw.get(bob.sub()));
        assertEquals("PENDING", api.status(bob).text("status"));
        assertEquals(aliceBefore, raw.get(alice.sub()));
    }

    @Test
    void usersAreIsolatedFromEachOther() {
        TestUser alice = TestUser.random();
        TestUser bob = TestUser.random();
        Enabled aliceMfa = enable(api, alice);
        Enabled bobMfa = enable(api, bob);
        clock.advance(Duration.ofSeconds(30));
        String bobCode = api.codeFor(bobMfa.secret());
        Assumptions.assumeFalse(acceptedFor(aliceMfa.secret()).contains(bobCode), "codes collided by chance (p ≈ 3e-6)");

        ApiResult bobCodeForAlice = api.verify(alice, bobCode);
        assertEquals(400, bobCodeForAlice.status(), "Bob's code must not verify for Alice: " + bobCodeForAlice);
        assertEquals("invalid_code", bobCodeForAlice.error());
        ApiResult aliceRecoveryForBob = api.recover(bob, aliceMfa.recoveryCodes().get(0));
        assertEquals(400, aliceRecoveryForBob.status(), aliceRecoveryForBob::toString);
        assertEquals("invalid_recovery_code", aliceRecoveryForBob.error());
        ApiResult aliceRecoveryToRemoveBob = api.removeWithRecoveryCode(bob, aliceMfa.recoveryCodes().get(0));
        assertEquals(400, aliceRecoveryToRemoveBob.status(), aliceRecoveryToRemoveBob::toString);
        assertEquals("ENABLED", api.status(bob).text("status"));

        // From here on only Alice acts: Bob's item must not change by a single byte.
        Map<String, AttributeValue> bobBefore = raw.get(bob.sub());
        assertEquals(400, api.verify(alice, wrongCode(aliceMfa.secret())).status());
        assertEquals(200, api.verify(alice, api.codeFor(aliceMfa.secret())).status());
        ApiResult aliceRecovered = api.recover(alice, aliceMfa.recoveryCodes().get(0));
        assertEquals(200, aliceRecovered.status(), aliceRecovered::toString);
        assertEquals(409, api.setup(alice).status());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(200, api.regenerate(alice, api.codeFor(aliceMfa.secret())).status());
        clock.advance(Duration.ofSeconds(30));
        assertEquals(200, api.removeWithCode(alice, api.codeFor(aliceMfa.secret())).status());
        ApiResult aliceAgain = api.setup(alice);
        assertEquals(201, aliceAgain.status());
        assertEquals(200, api.confirm(alice, api.codeFor(aliceAgain.text("secret"))).status());

        assertEquals(bobBefore, raw.get(bob.sub()), "Alice's requests never touched Bob's item");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(200, api.verify(bob, api.codeFor(bobMfa.secret())).status(), "Bob still signs in");
        assertEquals(200, api.recover(bob, bobMfa.recoveryCodes().get(0)).status(), "Bob's recovery code still works");
    }

    private record Enabled(String secret, List<String> recoveryCodes) {
    }

    private static Enabled enable(MfaApi api, TestUser user) {
        ApiResult setup = api.setup(user);
        assertEquals(201, setup.status(), setup::toString);
        String secret = setup.text("secret");
        ApiResult confirmed = api.confirm(user, api.codeFor(secret));
        assertEquals(200, confirmed.status(), confirmed::toString);
        return new Enabled(secret, confirmed.texts("recoveryCodes"));
    }

    /** The codes the window accepts now for a secret: steps -1, 0 and +1. */
    private Set<String> acceptedFor(String secret) {
        return new HashSet<>(List.of(api.codeFor(secret, Duration.ofSeconds(-30)), api.codeFor(secret),
                api.codeFor(secret, Duration.ofSeconds(30))));
    }

    private String wrongCode(String secret) {
        Set<String> accepted = acceptedFor(secret);
        for (int n = 0; ; n++) {
            String candidate = String.format(Locale.ROOT, "%06d", n);
            if (!accepted.contains(candidate)) {
                return candidate;
            }
        }
    }

    /** Every form in which the secret could leak: its Base32 text, its raw key bytes, hex and Base64. */
    private static Map<String, byte[]> secretForms(String base32) {
        byte[] key = Base32.decode(base32);
        assertEquals(20, key.length, "a 160-bit secret");
        Map<String, byte[]> forms = new LinkedHashMap<>();
        forms.put("Base32 secret", ascii(base32));
        forms.put("lower-case Base32 secret", ascii(base32.toLowerCase(Locale.ROOT)));
        forms.put("raw 20-byte secret", key);
        forms.put("hex secret", ascii(HexFormat.of().formatHex(key)));
        forms.put("upper-case hex secret", ascii(HexFormat.of().withUpperCase().formatHex(key)));
        forms.put("Base64 secret", ascii(Base64.getEncoder().withoutPadding().encodeToString(key)));
        return forms;
    }

    /** Every form of each recovery code: as shown, normalised, lower case, and its raw 15 bytes. */
    private static Map<String, byte[]> recoveryCodeForms(List<String> codes) {
        Map<String, byte[]> forms = new LinkedHashMap<>();
        for (int i = 0; i < codes.size(); i++) {
            String formatted = codes.get(i);
            String normalised = normalise(formatted);
            forms.put("recovery code " + i + " as shown", ascii(formatted));
            forms.put("recovery code " + i + " normalised", ascii(normalised));
            forms.put("recovery code " + i + " lower case", ascii(normalised.toLowerCase(Locale.ROOT)));
            forms.put("recovery code " + i + " raw bytes", Base32.decode(normalised));
            forms.put("recovery code " + i + " unsalted SHA-256", sha256(ascii(normalised)));
        }
        return forms;
    }

    private static void assertNoneStored(Map<String, AttributeValue> item, Map<String, byte[]> forms, String when) {
        assertTrue(!item.isEmpty() || when.startsWith("table"), "no item to check (" + when + ")");
        for (Map.Entry<String, byte[]> form : forms.entrySet()) {
            Optional<String> where = RawItems.findBytes(item, form.getValue());
            assertTrue(where.isEmpty(), () -> form.getKey() + " found in attribute " + where.get() + " (" + when + ")");
        }
    }

    /** The stored hashes are salt || keyed hash, one per code, 48 bytes, salts distinct, and bound to the item's user. */
    private void assertSaltedHashes(Map<String, AttributeValue> item, List<String> activeCodes, int expected) {
        List<AttributeValue> hashes = item.get(RECOVERY_ATTRIBUTE).l();
        assertEquals(expected, hashes.size());
        Set<String> salts = new HashSet<>();
        for (AttributeValue value : hashes) {
            byte[] saltAndHash = value.b().asByteArray();
            assertEquals(48, saltAndHash.length, "recovery hash is a 48-byte binary");
            salts.add(HexFormat.of().formatHex(saltAndHash, 0, 16));
        }
        assertEquals(expected, salts.size(), "every code has its own salt");
        for (String code : activeCodes) {
            String userId = item.get("pk").s().substring("USER#".length());
            RecoveryCode parsed = RecoveryCode.parse(code).orElseThrow();
            long matches = RecoveryHashes.keyed(item).stream().filter(stored -> hasher.matches(userId, parsed, stored)).count();
            assertEquals(1, matches, "exactly one stored hash matches each active code");
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String normalise(String code) {
        return code.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
