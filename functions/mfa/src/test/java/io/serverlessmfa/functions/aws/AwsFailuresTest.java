package io.serverlessmfa.functions.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.DependencyUnavailableException.Dependency;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.kms.model.KmsException;

class AwsFailuresTest {

    private static AwsServiceException service(AwsServiceException.Builder builder, int status, String code) {
        return builder.statusCode(status).awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    @Test
    void connectionFailuresAndTimeoutsAreAnOutage() {
        assertInstanceOf(DependencyUnavailableException.class,
                AwsFailures.dynamoDb("op", SdkClientException.create("connection refused")));
    }

    @Test
    void throttlingIsAnOutageEvenWithA400() {
        assertInstanceOf(DependencyUnavailableException.class,
                AwsFailures.dynamoDb("op", service(DynamoDbException.builder(), 400, "ProvisionedThroughputExceededException")));
        assertInstanceOf(DependencyUnavailableException.class,
                AwsFailures.kms("op", service(KmsException.builder(), 400, "ThrottlingException")));
    }

    @Test
    void serverErrorsAndAnUnavailableKeyAreAnOutage() {
        assertInstanceOf(DependencyUnavailableException.class,
                AwsFailures.dynamoDb("op", service(DynamoDbException.builder(), 500, "InternalServerError")));
        assertInstanceOf(DependencyUnavailableException.class,
                AwsFailures.kms("op", service(KmsException.builder(), 400, "KeyUnavailableException")));
    }

    @Test
    void aRequestOurCodeGotWrongIsNotAnOutage() {
        SdkException validation = service(DynamoDbException.builder(), 400, "ValidationException");
        assertSame(validation, AwsFailures.dynamoDb("op", validation));
        SdkException denied = service(KmsException.builder(), 400, "AccessDeniedException");
        assertSame(denied, AwsFailures.kms("op", denied));
        SdkException noCode = DynamoDbException.builder().statusCode(400).build();
        assertSame(noCode, AwsFailures.dynamoDb("op", noCode));
    }

    @Test
    void anOutageNamesTheFailedDependencyAsATypeWhateverTheMessage() {
        SdkException refused = SdkClientException.create("connection refused");
        DependencyUnavailableException store = assertInstanceOf(DependencyUnavailableException.class,
                AwsFailures.dynamoDb("anything at all", refused));
        DependencyUnavailableException keys = assertInstanceOf(DependencyUnavailableException.class,
                AwsFailures.kms("DynamoDB, says the text", refused));
        assertEquals(Optional.of(Dependency.STORE), store.dependency());
        assertEquals(Optional.of(Dependency.KEY_SERVICE), keys.dependency());
    }
}
