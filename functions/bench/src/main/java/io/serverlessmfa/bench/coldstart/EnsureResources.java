package io.serverlessmfa.bench.coldstart;

import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.store.EnrollmentTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * Creates in the emulator the table and the key (with its alias) of MFA_TABLE_NAME and
 * MFA_KMS_KEY_ID, as {@code LocalResources} does for {@code make invoke}. Idempotent.
 */
public final class EnsureResources {

    private EnsureResources() {
    }

    public static void main(String[] args) {
        MfaConfiguration configuration = MfaConfiguration.fromEnvironment(System.getenv());
        try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(configuration); KmsClient kms = AwsClients.kms(configuration)) {
            EnrollmentTable.createIfMissing(dynamoDb, configuration.tableName());
            String alias = configuration.requireKmsKeyId();
            try {
                kms.describeKey(request -> request.keyId(alias));
            } catch (NotFoundException missing) {
                String keyId = kms.createKey(request -> request.description("Serverless MFA (bench)")).keyMetadata().keyId();
                kms.createAlias(request -> request.aliasName(alias).targetKeyId(keyId));
            }
        }
    }
}
