package io.serverlessmfa.functions.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.Race;
import io.serverlessmfa.functions.testing.RawItems;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The recovery-code hashes' key over the emulator: made once, sealed in the table, unsealed through KMS. */
class SealedRecoveryCodeKeyIT {

    private static final Map<String, AttributeValue> ITEM_KEY = Map.of(
            "pk", AttributeValue.fromS(SealedRecoveryCodeKey.PARTITION), "sk", AttributeValue.fromS(SealedRecoveryCodeKey.SORT));

    private AwsEmulator emulator;

    @BeforeEach
    void setUp() {
        emulator = AwsEmulator.get().withFreshTable();
    }

    private SealedRecoveryCodeKey container() {
        return new SealedRecoveryCodeKey(emulator.dynamoDb(), emulator.tableName(), emulator.kms(), emulator.keyId(),
                Clock.systemUTC());
    }

    private Map<String, AttributeValue> item() {
        return emulator.dynamoDb().getItem(request -> request.tableName(emulator.tableName()).key(ITEM_KEY)
                .consistentRead(true)).item();
    }

    @Test
    void containersRacingOnAFreshDeploymentAllEndWithOneKey() {
        List<byte[]> keys = Race.run(8, i -> container().current().getEncoded());

        for (byte[] key : keys) {
            assertArrayEquals(keys.get(0), key, "every container has the one stored key");
        }
        assertEquals(32, keys.get(0).length);
        assertEquals(Optional.empty(), RawItems.findBytes(item(), keys.get(0)), "the item holds the key sealed only");
    }

    @Test
    void aContainerUnsealsItOnceAndKeepsIt() {
        SealedRecoveryCodeKey container = container();
        SecretKey first = container.current();
        emulator.dynamoDb().deleteItem(request -> request.tableName(emulator.tableName()).key(ITEM_KEY));

        assertSame(first, container.current(), "no second read or Decrypt");
    }

    @Test
    void forgettingItBeforeASnapshotUnsealsTheStoredOneAgain() {
        SealedRecoveryCodeKey container = container();
        byte[] before = container.current().getEncoded();

        container.forget();

        assertArrayEquals(before, container.current().getEncoded());
    }

    @Test
    void aSealedKeyOfAnotherPurposeInItsItemDoesNotUnsealAsThisKey() {
        container().current();
        byte[] sealedOtherPurpose = emulator.kms().generateDataKey(request -> request.keyId(emulator.keyId())
                .numberOfBytes(32).encryptionContext(Map.of("purpose", "mfa-totp-data-key"))).ciphertextBlob().asByteArray();
        emulator.dynamoDb().updateItem(request -> request.tableName(emulator.tableName()).key(ITEM_KEY)
                .updateExpression("SET sealedKey = :sealed")
                .expressionAttributeValues(Map.of(":sealed", AttributeValue.fromB(SdkBytes.fromByteArray(sealedOtherPurpose)))));

        assertThrows(RuntimeException.class, () -> container().current());
    }

    @Test
    void anItemWithoutASealedKeyIsAFaultNotAFreshDeployment() {
        emulator.dynamoDb().putItem(request -> request.tableName(emulator.tableName())
                .item(Map.of("pk", ITEM_KEY.get("pk"), "sk", ITEM_KEY.get("sk"))));

        IllegalStateException fault = assertThrows(IllegalStateException.class, () -> container().current());
        assertTrue(fault.getMessage().contains("no sealed key"), fault.getMessage());
        assertEquals(2, item().size(), "no key was made over it");
    }

    @Test
    void eachDeploymentsTableHasAKeyOfItsOwn() {
        byte[] one = container().current().getEncoded();
        emulator = AwsEmulator.get().withFreshTable();

        assertFalse(Arrays.equals(one, container().current().getEncoded()));
    }
}
