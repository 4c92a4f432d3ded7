package io.serverlessmfa.functions.aws;

import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.DependencyUnavailableException.Dependency;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Which SDK failures are a dependency outage (503 with Retry-After, nothing changed) and which are
 * a fault in this code or its deployment (500, so an alarm fires instead of clients retrying). An
 * outage names the dependency as a type, so the metric it counts under never depends on a message.
 */
public final class AwsFailures {

    /** KMS errors that say the key service, not the request, is at fault (KMS API reference). */
    private static final Set<String> TRANSIENT_ERROR_CODES = Set.of("KMSInternalException", "KeyUnavailableException");

    private AwsFailures() {
    }

    /** A DynamoDB failure left after the SDK's own retries; {@code operation} is for the fault log line. */
    public static RuntimeException dynamoDb(String operation, SdkException failure) {
        return translate(Dependency.STORE, operation, failure);
    }

    /** A KMS failure left after the SDK's own retries; {@code operation} is for the fault log line. */
    public static RuntimeException kms(String operation, SdkException failure) {
        return translate(Dependency.KEY_SERVICE, operation, failure);
    }

    static RuntimeException translate(Dependency dependency, String operation, SdkException failure) {
        if (isOutage(failure)) {
            return new DependencyUnavailableException(dependency,
                    operation + " failed: " + failure.getClass().getSimpleName(), failure);
        }
        return failure;
    }

    static boolean isOutage(SdkException failure) {
        if (failure instanceof SdkClientException) {
            return true; // connection refused, timeouts, unreadable responses
        }
        if (failure instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            return service.isThrottlingException() || service.statusCode() >= 500
                    || (code != null && TRANSIENT_ERROR_CODES.contains(code));
        }
        return false;
    }
}
