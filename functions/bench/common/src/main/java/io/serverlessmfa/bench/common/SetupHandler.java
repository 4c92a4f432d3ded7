package io.serverlessmfa.bench.common;

import static dev.samstevens.totp.util.Utils.getDataUriForImage;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.qr.QrData;
import dev.samstevens.totp.qr.QrGenerator;
import dev.samstevens.totp.qr.ZxingPngQrGenerator;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import dev.samstevens.totp.secret.SecretGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.EncryptRequest;

/**
 * {@code POST /mfa/setup}, the common way: a new secret from the TOTP library, its QR code as a
 * PNG data URI, the secret encrypted with KMS and the pending setup written with one PutItem.
 */
public class SetupHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private final DynamoDbClient dynamoDb = DynamoDbClient.create();
    private final KmsClient kms = KmsClient.create();
    private final String tableName = System.getenv("MFA_TABLE_NAME");
    private final String keyId = System.getenv("MFA_KMS_KEY_ID");
    private final SecretGenerator secretGenerator = new DefaultSecretGenerator();
    private final QrGenerator qrGenerator = new ZxingPngQrGenerator();

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        try {
            String userId = Api.userId(event);
            String email = Api.claims(event).get("email");
            String secret = secretGenerator.generate();
            QrData data = new QrData.Builder()
                    .label(email)
                    .secret(secret)
                    .issuer(Api.ISSUER)
                    .algorithm(HashingAlgorithm.SHA1)
                    .digits(6)
                    .period(30)
                    .build();
            String qrCode = getDataUriForImage(qrGenerator.generate(data), qrGenerator.getImageMimeType());

            SdkBytes ciphertext = kms.encrypt(EncryptRequest.builder()
                    .keyId(keyId)
                    .plaintext(SdkBytes.fromUtf8String(secret))
                    .encryptionContext(Map.of("userId", userId, "purpose", "mfa-totp-secret"))
                    .build()).ciphertextBlob();

            Instant expiresAt = Instant.now().plus(Duration.ofMinutes(10));
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.builder().s("USER#" + userId).build());
            item.put("sk", AttributeValue.builder().s("MFA").build());
            item.put("status", AttributeValue.builder().s("PENDING").build());
            item.put("secretCiphertext", AttributeValue.builder().b(ciphertext).build());
            item.put("pendingExpiresAt", AttributeValue.builder().n(Long.toString(expiresAt.getEpochSecond())).build());
            item.put("expireAt", AttributeValue.builder().n(Long.toString(expiresAt.getEpochSecond())).build());
            item.put("failedAttempts", AttributeValue.builder().n("0").build());
            item.put("version", AttributeValue.builder().n("1").build());
            dynamoDb.putItem(PutItemRequest.builder()
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression("attribute_not_exists(pk) OR #status <> :enabled")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":enabled", AttributeValue.builder().s("ENABLED").build()))
                    .build());

            return Api.respond(201, new SetupResponse("PENDING", secret, data.getUri(), qrCode, expiresAt.toString()));
        } catch (ConditionalCheckFailedException e) {
            return Api.error(409, "mfa_already_enabled");
        } catch (Exception e) {
            e.printStackTrace();
            return Api.error(500, "internal_error");
        }
    }

    record SetupResponse(String status, String secret, String otpauthUri, String qrCode, String expiresAt) {
    }
}
