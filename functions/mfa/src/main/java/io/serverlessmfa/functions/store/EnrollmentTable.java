package io.serverlessmfa.functions.store;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * The table the store needs, as template.yaml declares it (keys {@code pk}/{@code sk}, on demand,
 * TTL on {@value DynamoDbEnrollmentStore#TTL}, a stream of new images: the security events'
 * publisher reads it). Used to set up emulators for tests and local runs;
 * in AWS the template creates the table and the functions never do.
 */
public final class EnrollmentTable {

    private EnrollmentTable() {
    }

    /** Creates the table unless it exists, and waits until it is active. */
    public static void createIfMissing(DynamoDbClient dynamoDb, String tableName) {
        try {
            dynamoDb.describeTable(request -> request.tableName(tableName));
            return;
        } catch (ResourceNotFoundException missing) {
            // create it below
        }
        dynamoDb.createTable(request -> request.tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(
                        AttributeDefinition.builder().attributeName(DynamoDbEnrollmentStore.PARTITION_KEY).attributeType(ScalarAttributeType.S).build(),
                        AttributeDefinition.builder().attributeName(DynamoDbEnrollmentStore.SORT_KEY).attributeType(ScalarAttributeType.S).build())
                .keySchema(
                        KeySchemaElement.builder().attributeName(DynamoDbEnrollmentStore.PARTITION_KEY).keyType(KeyType.HASH).build(),
                        KeySchemaElement.builder().attributeName(DynamoDbEnrollmentStore.SORT_KEY).keyType(KeyType.RANGE).build())
                .streamSpecification(stream -> stream.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
        dynamoDb.waiter().waitUntilTableExists(request -> request.tableName(tableName));
        dynamoDb.updateTimeToLive(request -> request.tableName(tableName)
                .timeToLiveSpecification(spec -> spec.attributeName(DynamoDbEnrollmentStore.TTL).enabled(true)));
    }
}
