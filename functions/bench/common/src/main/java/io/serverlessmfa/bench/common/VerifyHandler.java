package io.serverlessmfa.bench.common;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.samstevens.totp.code.CodeVerifier;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.DefaultCodeVerifier;
import dev.samstevens.totp.time.SystemTimeProvider;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;

/**
 * {@code POST /mfa/verify}, the common way: GetItem, KMS Decrypt, the library's code check,
 * UpdateItem (last use, failures reset).
 */
public class VerifyHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final DynamoDbClient dynamoDb = DynamoDbClient.create();
    private final KmsClient kms = KmsClient.create();
    private final String tableName = System.getenv("MFA_TABLE_NAME");
    private final CodeVerifier verifier = new DefaultCodeVerifier(new DefaultCodeGenerator(), new SystemTimeProvider());

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            String userId = Api.userId(event);
            String code = Api.body(event, Api.CodeRequest.class).code();
            Map<String, AttributeValue> key = Map.of(
                    "pk", AttributeValue.builder().s("USER#" + userId).build(),
                    "sk", AttributeValue.builder().s("MFA").build());
            Map<String, AttributeValue> item = dynamoDb.getItem(GetItemRequest.builder()
                    .tableName(tableName).key(key).consistentRead(true).build()).item();
            if (item == null || item.isEmpty() || !"ENABLED".equals(item.get("status").s())) {
                return Api.error(409, "mfa_not_enabled");
            }
            String secret = kms.decrypt(DecryptRequest.builder()
                    .ciphertextBlob(item.get("secretCiphertext").b())
                    .encryptionContext(Map.of("userId", userId, "purpose", "mfa-totp-secret"))
                    .build()).plaintext().asUtf8String();
            if (!verifier.isValidCode(secret, code)) {
                dynamoDb.updateItem(UpdateItemRequest.builder()
                        .tableName(tableName)
                        .key(key)
                        .updateExpression("ADD failedAttempts :one")
                        .expressionAttributeValues(Map.of(":one", AttributeValue.builder().n("1").build()))
                        .build());
                return Api.error(400, "invalid_code");
            }
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(key)
                    .updateExpression("SET failedAttempts = :zero, lastVerifiedAt = :now")
                    .expressionAttributeValues(Map.of(
                            ":zero", AttributeValue.builder().n("0").build(),
                            ":now", AttributeValue.builder().n(Long.toString(Instant.now().getEpochSecond())).build()))
                    .build());
            return Api.respond(200, Map.of("verified", true));
        } catch (Exception e) {
            e.printStackTrace();
            return Api.error(500, "internal_error");
        }
    }
}
