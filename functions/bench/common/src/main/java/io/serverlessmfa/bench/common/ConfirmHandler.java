package io.serverlessmfa.bench.common;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.samstevens.totp.code.CodeVerifier;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.DefaultCodeVerifier;
import dev.samstevens.totp.recovery.RecoveryCodeGenerator;
import dev.samstevens.totp.time.SystemTimeProvider;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;

/**
 * {@code POST /mfa/confirm}, the common way: GetItem, KMS Decrypt, the library's code check, new
 * recovery codes (salted SHA-256 stored), UpdateItem.
 */
public class ConfirmHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final DynamoDbClient dynamoDb = DynamoDbClient.create();
    private final KmsClient kms = KmsClient.create();
    private final String tableName = System.getenv("MFA_TABLE_NAME");
    private final CodeVerifier verifier = new DefaultCodeVerifier(new DefaultCodeGenerator(), new SystemTimeProvider());
    private final RecoveryCodeGenerator recoveryCodes = new RecoveryCodeGenerator();
    private final SecureRandom random = new SecureRandom();

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
            if (item == null || item.isEmpty() || !"PENDING".equals(item.get("status").s())
                    || Long.parseLong(item.get("pendingExpiresAt").n()) < Instant.now().getEpochSecond()) {
                return Api.error(409, "no_pending_setup");
            }
            String secret = kms.decrypt(DecryptRequest.builder()
                    .ciphertextBlob(item.get("secretCiphertext").b())
                    .encryptionContext(Map.of("userId", userId, "purpose", "mfa-totp-secret"))
                    .build()).plaintext().asUtf8String();
            if (!verifier.isValidCode(secret, code)) {
                return Api.error(400, "invalid_code");
            }

            String[] codes = recoveryCodes.generateCodes(Integer.parseInt(
                    System.getenv().getOrDefault("MFA_RECOVERY_CODE_COUNT", "1")));
            List<AttributeValue> hashes = new ArrayList<>();
            for (String recoveryCode : codes) {
                byte[] salt = new byte[16];
                random.nextBytes(salt);
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                sha256.update(salt);
                byte[] hash = sha256.digest(recoveryCode.getBytes(StandardCharsets.UTF_8));
                byte[] stored = new byte[salt.length + hash.length];
                System.arraycopy(salt, 0, stored, 0, salt.length);
                System.arraycopy(hash, 0, stored, salt.length, hash.length);
                hashes.add(AttributeValue.builder().b(SdkBytes.fromByteArray(stored)).build());
            }
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(key)
                    .updateExpression("SET #status = :enabled, enabledAt = :now, recoveryCodeHashes = :hashes, "
                            + "version = version + :one REMOVE pendingExpiresAt, expireAt")
                    .conditionExpression("version = :version")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(
                            ":enabled", AttributeValue.builder().s("ENABLED").build(),
                            ":now", AttributeValue.builder().n(Long.toString(Instant.now().getEpochSecond())).build(),
                            ":hashes", AttributeValue.builder().l(hashes).build(),
                            ":one", AttributeValue.builder().n("1").build(),
                            ":version", item.get("version")))
                    .build());
            return Api.respond(200, new ConfirmResponse("ENABLED", List.of(codes)));
        } catch (ConditionalCheckFailedException e) {
            return Api.error(409, "conflict");
        } catch (Exception e) {
            e.printStackTrace();
            return Api.error(500, "internal_error");
        }
    }

    record ConfirmResponse(String status, List<String> recoveryCodes) {
    }
}
