package io.serverlessmfa.functions.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.core.token.PublishedKeys;
import io.serverlessmfa.functions.testing.AwsCallCounter;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/** The signing keys over the emulator: made, sealed, unsealed once, rotated, published and retired. */
class SigningKeyRingIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final AwsCallCounter calls = new AwsCallCounter();
    private AwsEmulator emulator;
    private DynamoDbClient dynamoDb;
    private KmsClient kms;
    private MutableClock clock;
    private SigningKeyTable table;
    private SigningKeyRotation rotation;

    @BeforeEach
    void freshTable() {
        emulator = AwsEmulator.get().withFreshTable();
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        dynamoDb = DynamoDbClient.builder().region(Region.of(AwsEmulator.REGION)).endpointOverride(emulator.endpoint())
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(calls)).build();
        kms = KmsClient.builder().region(Region.of(AwsEmulator.REGION)).endpointOverride(emulator.endpoint())
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(calls)).build();
        clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
        table = new SigningKeyTable(dynamoDb, emulator.tableName());
        rotation = new SigningKeyRotation(table, new SigningKeySealer(kms, emulator.keyId()), RANDOM, KeySchedule.DEFAULT_PUBLISHED_AHEAD);
    }

    /** A container's signing ring. */
    private SigningKeyRing container() {
        return new SigningKeyRing(table, new SigningKeySealer(kms, emulator.keyId()), rotation, clock, RANDOM);
    }

    /** A container that only verifies (the helpdesk's step-up, the JWKS). */
    private SigningKeyRing verifier() {
        return new SigningKeyRing(table, null, null, clock, RANDOM);
    }

    private MfaTokenClaims claims() {
        Instant now = clock.instant();
        return new MfaTokenClaims("https://mfa.example.com", "user-1", "portal", now, now.plusSeconds(300), now,
                "jti-" + now.getEpochSecond(), List.of(AuthenticationMethod.ONE_TIME_PASSWORD), Optional.empty());
    }

    private String sign(SigningKeyRing ring) {
        return ring.prepare(clock.instant()).sign(claims());
    }

    private static String kidOf(String compact) {
        String header = new String(Base64.getUrlDecoder().decode(compact.split("\\.")[0]), StandardCharsets.UTF_8);
        return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    }

    @Test
    void theFirstSignatureOfAFreshDeploymentMakesTheOneKeyEveryContainerThenUses() {
        String first = sign(container());
        String second = sign(container());

        assertEquals(1, table.load().size());
        assertEquals(kidOf(first), kidOf(second));
        assertEquals(List.of(kidOf(first)), verifier().published(clock.instant()).stream().map(PublishedKeys.PublicKey::kid).toList());
    }

    @Test
    void aContainerThatFoundNoKeySeesTheFirstKeyAnotherContainerMadeAtOnce() {
        SigningKeyRing jwks = verifier();
        SigningKeyRing stepUp = verifier();
        assertEquals(List.of(), jwks.published(clock.instant()));
        assertTrue(stepUp.verifiedClaims("not.a.token").isEmpty());

        String first = sign(container());

        assertEquals(List.of(kidOf(first)), jwks.published(clock.instant()).stream().map(PublishedKeys.PublicKey::kid).toList());
        assertTrue(stepUp.verifiedClaims(first).isPresent());
    }

    @Test
    void aWarmContainerSignsWithoutAnyAwsCallAndUnsealsItsKeyOnce() {
        rotation.rotate(clock.instant());
        SigningKeyRing ring = container();
        calls.reset();

        sign(ring);
        assertEquals(List.of("DynamoDb GetItem", "Kms Decrypt"), calls.calls());
        calls.reset();
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(5));
            assertTrue(verifier().verifiedClaims(sign(ring)).isPresent());
        }
        assertEquals(0, calls.calls().stream().filter(call -> call.startsWith("Kms ")).count(), calls.calls().toString());
        assertEquals(20, calls.count("GetItem")); // the 20 verifiers' own reads: none from the signing container
    }

    @Test
    void aKeyForgottenBeforeASnapshotIsUnsealedAgainByTheNextToken() {
        rotation.rotate(clock.instant());
        SigningKeyRing ring = container();
        sign(ring);

        ring.forgetUnsealed();
        calls.reset();
        sign(ring);

        assertEquals(List.of("Kms Decrypt"), calls.calls());
    }

    @Test
    void theSealedKeyIsBoundToItsKidAndItsPurpose() {
        rotation.rotate(clock.instant());
        SigningKeyTable.StoredKey stored = table.load().get(0);
        Map<String, String> anotherKid = SigningKeySealer.context(stored.key().kid().replace('A', 'B') + "x");

        assertThrows(InvalidCiphertextException.class, () -> kms.decrypt(request -> request.keyId(emulator.keyId())
                .ciphertextBlob(SdkBytes.fromByteArray(stored.sealedPrivateKey())).encryptionContext(anotherKid)));
        assertThrows(InvalidCiphertextException.class, () -> kms.decrypt(request -> request.keyId(emulator.keyId())
                .ciphertextBlob(SdkBytes.fromByteArray(stored.sealedPrivateKey()))
                .encryptionContext(Map.of("purpose", "totp-secret", "kid", stored.key().kid()))));
    }

    @Test
    void aKeyItemNoRotationCouldHaveWrittenIsNeitherPublishedNorInTheWay() {
        String real = kidOf(sign(container()));
        java.security.interfaces.ECPublicKey planted = (java.security.interfaces.ECPublicKey) Es256.generate(RANDOM).getPublic();
        SigningKey farFuture = new SigningKey(SigningKey.thumbprint(planted), planted, clock.instant(),
                clock.instant().plus(KeySchedule.MAX_PUBLISHED_AHEAD).plusSeconds(1));
        table.add(new SigningKeyTable.StoredKey(farFuture, new byte[] {1, 2, 3}));
        dynamoDb.updateItem(request -> request.tableName(emulator.tableName())
                .key(Map.of("pk", AttributeValue.fromS("SIGNING_KEYS"), "sk", AttributeValue.fromS("KEYS")))
                .updateExpression("SET #keys.#garbage = :garbage, #keys.#notAKey = :notAKey")
                .expressionAttributeNames(Map.of("#keys", "keys", "#garbage", "garbage", "#notAKey", "not-a-key"))
                .expressionAttributeValues(Map.of(":garbage", AttributeValue.fromM(Map.of("x", AttributeValue.fromS("1"))),
                        ":notAKey", AttributeValue.fromS("not a key"))));

        assertEquals(List.of(real), verifier().published(clock.instant()).stream().map(PublishedKeys.PublicKey::kid).toList());
        assertEquals(real, kidOf(sign(container())));
        List<String> removed = rotation.rotate(clock.instant()).deleted();
        assertEquals(java.util.Set.of("garbage", "not-a-key", farFuture.kid()), java.util.Set.copyOf(removed),
                "rotation removes what no read would use");
    }

    @Test
    void aKeyAddedTwiceIsStoredOnce() {
        java.security.KeyPair pair = Es256.generate(RANDOM);
        java.security.interfaces.ECPublicKey publicKey = (java.security.interfaces.ECPublicKey) pair.getPublic();
        String kid = SigningKey.thumbprint(publicKey);
        SigningKeyTable.StoredKey stored = new SigningKeyTable.StoredKey(new SigningKey(kid, publicKey, clock.instant(), clock.instant()),
                new SigningKeySealer(kms, emulator.keyId()).seal(kid, pair));

        table.add(stored); // the SDK may send a write again when its answer was lost
        table.add(stored);

        assertEquals(List.of(kid), table.load().stream().map(key -> key.key().kid()).toList());
        assertEquals(List.of(kid), verifier().published(clock.instant()).stream().map(PublishedKeys.PublicKey::kid).toList());
    }

    @Test
    void anItemWhoseKeysAreNotAMapStopsTheTokensInsteadOfPassingForAFreshDeployment() {
        dynamoDb.putItem(request -> request.tableName(emulator.tableName()).item(Map.of(
                "pk", AttributeValue.fromS("SIGNING_KEYS"), "sk", AttributeValue.fromS("KEYS"),
                "keys", AttributeValue.fromL(List.of()))));

        assertThrows(IllegalStateException.class, () -> sign(container()));
        assertEquals(0, calls.count("Encrypt"), "no key made for a table in a shape no version wrote");
    }

    @Test
    void aSealedKeyThatIsNotTheHalfOfItsPublicKeyIsNeverUsed() {
        java.security.KeyPair published = Es256.generate(RANDOM);
        java.security.KeyPair other = Es256.generate(RANDOM);
        java.security.interfaces.ECPublicKey publicKey = (java.security.interfaces.ECPublicKey) published.getPublic();
        String kid = SigningKey.thumbprint(publicKey);
        table.add(new SigningKeyTable.StoredKey(new SigningKey(kid, publicKey, clock.instant(), clock.instant()),
                new SigningKeySealer(kms, emulator.keyId()).seal(kid, other)));

        assertThrows(IllegalStateException.class, () -> sign(container()));
    }

    @Test
    void theTableHoldsThePublicKeyAndTheSealedPrivateKeyOnly() {
        rotation.rotate(clock.instant());
        List<Map<String, AttributeValue>> items = dynamoDb.scan(request -> request.tableName(emulator.tableName())).items();

        assertEquals(1, items.size());
        assertEquals(java.util.Set.of("pk", "sk", "keys"), items.get(0).keySet());
        assertEquals("SIGNING_KEYS", items.get(0).get("pk").s());
        Map<String, AttributeValue> keys = items.get(0).get("keys").m();
        assertEquals(table.load().stream().map(stored -> stored.key().kid()).toList(), List.copyOf(keys.keySet()));
        assertEquals(java.util.Set.of("x", "y", "sealedPrivateKey", "createdAt", "signsFrom"), keys.values().iterator().next().m().keySet());
    }

    @Test
    void aRetiredKeyIsRemovedWhileTheOthersStay() {
        SigningKeyRotation.Outcome first = rotation.rotate(clock.instant());
        clock.advance(Duration.ofDays(30));
        SigningKeyRotation.Outcome second = rotation.rotate(clock.instant());
        clock.advance(Duration.ofDays(30));
        SigningKeyRotation.Outcome third = rotation.rotate(clock.instant());

        assertEquals(List.of(first.created()), third.deleted());
        assertEquals(java.util.Set.of(second.created(), third.created()),
                table.load().stream().map(stored -> stored.key().kid()).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void aRotatedKeyIsPublishedBeforeItSignsAndTakesOverAtItsTime() {
        SigningKeyRing ring = container();
        String before = kidOf(sign(ring));
        clock.advance(Duration.ofDays(30));
        SigningKeyRotation.Outcome next = rotation.rotate(clock.instant());

        clock.advance(KeySchedule.REFRESH_INTERVAL);
        assertEquals(2, verifier().published(clock.instant()).size());
        assertEquals(before, kidOf(sign(ring)));

        clock.advance(Duration.between(clock.instant(), next.signsFrom()).minusSeconds(1));
        assertEquals(before, kidOf(sign(ring)));
        clock.advance(Duration.ofSeconds(1));
        String after = sign(ring);
        assertEquals(next.created(), kidOf(after));
        assertNotEquals(before, next.created());
    }

    @Test
    void aTokenOfTheOldKeyVerifiesUntilItExpiresAndNotOnceItsKeyIsRetired() {
        SigningKeyRing ring = container();
        clock.advance(Duration.ofDays(30));
        SigningKeyRotation.Outcome next = rotation.rotate(clock.instant());
        clock.advance(Duration.between(clock.instant(), next.signsFrom()).minusSeconds(60));
        String lastOfTheOldKey = sign(ring);

        clock.advance(Duration.ofSeconds(60 + 299));
        assertTrue(verifier().verifiedClaims(lastOfTheOldKey).isPresent(), "still published while its tokens may live");

        clock.advance(KeySchedule.RETENTION);
        assertTrue(verifier().verifiedClaims(lastOfTheOldKey).isEmpty(), "retired: no longer in the key set");
        assertEquals(List.of(next.created()), verifier().published(clock.instant()).stream().map(PublishedKeys.PublicKey::kid).toList());
    }

    @Test
    void rotationDeletesAKeyADayAfterItLeftTheKeySet() {
        rotation.rotate(clock.instant());
        clock.advance(Duration.ofDays(30));
        SigningKeyRotation.Outcome second = rotation.rotate(clock.instant());
        String firstKid = table.load().stream().map(stored -> stored.key().kid()).filter(kid -> !kid.equals(second.created()))
                .findFirst().orElseThrow();

        clock.advance(Duration.between(clock.instant(), second.signsFrom().plus(KeySchedule.RETENTION)));
        assertEquals(List.of(), rotation.rotate(clock.instant()).deleted());
        clock.advance(SigningKeyRotation.DELETE_AFTER_PUBLICATION.plusSeconds(1));
        assertEquals(List.of(firstKid), rotation.rotate(clock.instant()).deleted());
    }
}
