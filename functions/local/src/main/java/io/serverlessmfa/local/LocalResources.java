package io.serverlessmfa.local;

import io.serverlessmfa.functions.store.EnrollmentTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/** Creates, in an emulator, what template.yaml creates in AWS: the table and the key with its alias. */
public final class LocalResources {

    private LocalResources() {
    }

    /** Idempotent: a second run finds both and changes nothing. */
    public static void ensure(DynamoDbClient dynamoDb, KmsClient kms, String tableName, String keyAlias) {
        EnrollmentTable.createIfMissing(dynamoDb, tableName);
        try {
            kms.describeKey(request -> request.keyId(keyAlias));
        } catch (NotFoundException missing) {
            String keyId = kms.createKey(request -> request.description("Serverless MFA (local)")).keyMetadata().keyId();
            kms.createAlias(request -> request.aliasName(keyAlias).targetKeyId(keyId));
        }
    }
}
