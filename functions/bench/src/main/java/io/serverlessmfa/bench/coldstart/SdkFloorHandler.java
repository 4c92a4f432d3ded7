package io.serverlessmfa.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.store.DynamoDbEnrollmentStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/**
 * The SDK floor for setup: what any setup function on the AWS SDK for Java v2 pays before doing
 * anything of its own. It builds the two SDK clients exactly as our functions do
 * ({@link AwsClients}: URLConnection, explicit region and credentials, bounded timeouts) and, on
 * its first invocation, makes the AWS calls of a user's first setup with items of setup's shape: a
 * GenerateDataKey and one TransactWriteItems of a conditional Put, two counter Updates and a
 * conditional event Put. Nothing else: no request parsing, no secret,
 * no Key URI or QR code, no encryption, no metrics; its answer is a constant 201. It writes under
 * its own keys, so the user the other runs prepare is left alone.
 */
public final class SdkFloorHandler implements RequestStreamHandler {

    private static final byte[] RESPONSE = "{\"statusCode\":201,\"headers\":{\"content-type\":\"application/json\"},\"body\":\"{}\",\"isBase64Encoded\":false}"
            .getBytes(StandardCharsets.UTF_8);
    private static final String USER = "USER#bench-sdk-floor";
    private static final String COUNTERS = "STATS#BENCH-SDK-FLOOR";
    private static final String PK = DynamoDbEnrollmentStore.PARTITION_KEY;
    private static final String SK = DynamoDbEnrollmentStore.SORT_KEY;

    private final MfaConfiguration configuration;
    private final DynamoDbClient dynamoDb;
    private final KmsClient kms;

    public SdkFloorHandler() {
        configuration = MfaConfiguration.fromEnvironment(System.getenv());
        dynamoDb = AwsClients.dynamoDb(configuration);
        kms = AwsClients.kms(configuration);
    }

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        String table = configuration.tableName();
        GenerateDataKeyResponse dataKey = kms.generateDataKey(request -> request
                .keyId(configuration.requireKmsKeyId()).keySpec(DataKeySpec.AES_256));
        long now = System.currentTimeMillis();
        dynamoDb.transactWriteItems(request -> request.transactItems(
                TransactWriteItem.builder().put(put -> put.tableName(table)
                        .item(Map.of(PK, AttributeValue.fromS(USER), SK, AttributeValue.fromS("MFA"),
                                "status", AttributeValue.fromS("PENDING"),
                                "secret", AttributeValue.fromB(SdkBytes.fromByteArray(dataKey.ciphertextBlob().asByteArray())),
                                "version", AttributeValue.fromN(Long.toString(now)),
                                DynamoDbEnrollmentStore.TTL, AttributeValue.fromN(Long.toString(now / 1000 + 900))))
                        .conditionExpression("attribute_not_exists(#version) OR #version < :version")
                        .expressionAttributeNames(Map.of("#version", "version"))
                        .expressionAttributeValues(Map.of(":version", AttributeValue.fromN(Long.toString(now))))).build(),
                counter("EXPIRES#" + (now / 1000 + 900)),
                counter("DAY#" + (now / 86_400_000)),
                TransactWriteItem.builder().put(put -> put.tableName(table)
                        .item(Map.of(PK, AttributeValue.fromS(USER), SK, AttributeValue.fromS("EVENT#" + now + "#" + System.nanoTime()),
                                "type", AttributeValue.fromS("SETUP_STARTED"), "at", AttributeValue.fromN(Long.toString(now))))
                        .conditionExpression("attribute_not_exists(#pk)")
                        .expressionAttributeNames(Map.of("#pk", PK))).build()));
        out.write(RESPONSE);
    }

    private TransactWriteItem counter(String sortKey) {
        return TransactWriteItem.builder().update(update -> update.tableName(configuration.tableName())
                .key(Map.of(PK, AttributeValue.fromS(COUNTERS), SK, AttributeValue.fromS(sortKey)))
                .updateExpression("ADD #count :one")
                .expressionAttributeNames(Map.of("#count", "count"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1")))).build();
    }
}
