package io.serverlessmfa.functions.crypto;

import io.serverlessmfa.core.recovery.RecoveryCodeKey;
import io.serverlessmfa.functions.aws.AwsFailures;
import io.serverlessmfa.functions.store.DynamoDbEnrollmentStore;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * The recovery-code hashes' key: 256 random bits that KMS made ({@code GenerateDataKey}) and
 * sealed under the service's key, stored sealed in one item of the table,
 * {@code pk = RECOVERY_CODE_KEY, sk = KEY}, and unsealed once per container ({@code Decrypt}), at
 * the first recovery code it hashes or checks. The first container that finds no item makes it,
 * on condition that none exists; one that loses that race unseals the winner's.
 *
 * <p>Why this and not a KMS HMAC key (GenerateMac / VerifyMac per hash): the same protection
 * against a table-only writer for no KMS request after a container's first, where an HMAC key
 * costs one per issued or checked code and its latency on every recover, confirm and
 * regeneration (docs/performance.md, "Recovery-code hash key"). What the choice gives up: the
 * key is in the function's memory while it runs, as the token signing key and the TOTP data keys
 * already are.
 *
 * <p>The encryption context names the purpose, so a sealed TOTP data key or signing key put in
 * this item does not unseal as this key, and the key policy can allow this purpose to the four
 * functions that hash recovery codes only. Thread-safe.
 */
public final class SealedRecoveryCodeKey implements RecoveryCodeKey {

    static final String PURPOSE = "mfa-recovery-code-key";
    static final String PARTITION = "RECOVERY_CODE_KEY";
    static final String SORT = "KEY";
    static final String SEALED_KEY = "sealedKey";
    static final String CREATED_AT = "createdAt";
    private static final Map<String, String> CONTEXT = Map.of("purpose", PURPOSE);
    private static final Map<String, AttributeValue> ITEM_KEY = Map.of(
            DynamoDbEnrollmentStore.PARTITION_KEY, AttributeValue.fromS(PARTITION),
            DynamoDbEnrollmentStore.SORT_KEY, AttributeValue.fromS(SORT));
    private static final String HMAC = "HmacSHA256";

    private final DynamoDbClient dynamoDb;
    private final String tableName;
    private final KmsClient kms;
    private final String keyId;
    private final Clock clock;

    // Guarded by this.
    private SecretKey unsealed;

    public SealedRecoveryCodeKey(DynamoDbClient dynamoDb, String tableName, KmsClient kms, String keyId, Clock clock) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
        this.kms = kms;
        this.keyId = keyId;
        this.clock = clock;
    }

    @Override
    public synchronized SecretKey current() {
        if (unsealed == null) {
            unsealed = read().map(this::unseal).orElseGet(this::create);
        }
        return unsealed;
    }

    /** Drops the unsealed key (before a SnapStart snapshot): the next hash unseals it again. */
    public synchronized void forget() {
        unsealed = null;
    }

    private Optional<byte[]> read() {
        Map<String, AttributeValue> item;
        try {
            item = dynamoDb.getItem(request -> request.tableName(tableName).key(ITEM_KEY).consistentRead(true)).item();
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB GetItem of the recovery code key", failure);
        }
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        AttributeValue sealed = item.get(SEALED_KEY);
        if (sealed == null || sealed.b() == null) {
            // No version of this code writes that: a fault of its own, not a fresh deployment
            // (a new key would make every stored hash stop matching).
            throw new IllegalStateException("the recovery code key item holds no sealed key");
        }
        return Optional.of(sealed.b().asByteArray());
    }

    private SecretKey unseal(byte[] sealed) {
        byte[] plaintext;
        try {
            plaintext = kms.decrypt(request -> request.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(sealed))
                    .encryptionContext(CONTEXT)).plaintext().asByteArray();
        } catch (SdkException failure) {
            throw AwsFailures.kms("Decrypt", failure);
        }
        return keyOf(plaintext);
    }

    /** A fresh deployment's first recovery code: makes the key, or takes the one a racing container made. */
    private SecretKey create() {
        GenerateDataKeyResponse generated;
        try {
            generated = kms.generateDataKey(request -> request.keyId(keyId).keySpec(DataKeySpec.AES_256)
                    .encryptionContext(CONTEXT));
        } catch (SdkException failure) {
            throw AwsFailures.kms("GenerateDataKey", failure);
        }
        byte[] plaintext = generated.plaintext().asByteArray();
        try {
            dynamoDb.putItem(request -> request.tableName(tableName)
                    .item(Map.of(
                            DynamoDbEnrollmentStore.PARTITION_KEY, ITEM_KEY.get(DynamoDbEnrollmentStore.PARTITION_KEY),
                            DynamoDbEnrollmentStore.SORT_KEY, ITEM_KEY.get(DynamoDbEnrollmentStore.SORT_KEY),
                            SEALED_KEY, AttributeValue.fromB(generated.ciphertextBlob()),
                            CREATED_AT, AttributeValue.fromN(Long.toString(clock.instant().getEpochSecond()))))
                    .conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", DynamoDbEnrollmentStore.PARTITION_KEY)));
        } catch (ConditionalCheckFailedException anotherContainerWon) {
            Arrays.fill(plaintext, (byte) 0);
            return read().map(this::unseal).orElseThrow(() ->
                    new IllegalStateException("the recovery code key item vanished after a conditional put found it"));
        } catch (SdkException failure) {
            Arrays.fill(plaintext, (byte) 0);
            throw AwsFailures.dynamoDb("DynamoDB PutItem of the recovery code key", failure);
        }
        // Said every time: once per deployment is expected; a second time, the key's item was deleted
        // (say) and every stored recovery code has stopped matching.
        System.out.println("{\"level\":\"WARN\",\"event\":\"recovery_code_key_created\"}");
        return keyOf(plaintext);
    }

    /** The HMAC key of {@code plaintext}; the plaintext copy is wiped (SecretKeySpec keeps its own). */
    private static SecretKey keyOf(byte[] plaintext) {
        try {
            if (plaintext.length != 32) {
                throw new IllegalStateException("the recovery code key is not 256 bits");
            }
            return new SecretKeySpec(plaintext, HMAC);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }
}
