package io.serverlessmfa.functions.config;

import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * SDK clients as AWS's Lambda start-up guide recommends: built once at init, an explicit region
 * and credentials provider (no default-chain probing), and the lean URLConnection HTTP client
 * (no Apache, no Netty). Timeouts and retries are bounded so a function answers (503 at worst)
 * well inside its Lambda timeout: 3 attempts of at most 2 s, 5 s in all.
 */
public final class AwsClients {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(2);
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** Set by Lambda for a SnapStart function instead of the access key variables. */
    static final String CONTAINER_CREDENTIALS_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    /**
     * One HTTP client for all services: each URLConnection client builds its own TLS context, so
     * a second one is only init time (setup's cold start: 15 ms less over 9 paired JVMs). The SDK
     * never closes a client it was given, so closing one service client leaves the other working.
     */
    private static SdkHttpClient shared;

    private AwsClients() {
    }

    public static DynamoDbClient dynamoDb(MfaConfiguration configuration) {
        return configure(DynamoDbClient.builder(), configuration).build();
    }

    /** The table's stream, for the local stack's stand-in for Lambda's event source mapping (never in Lambda). */
    public static DynamoDbStreamsClient dynamoDbStreams(MfaConfiguration configuration) {
        return configure(DynamoDbStreamsClient.builder(), configuration).build();
    }

    public static EventBridgeClient eventBridge(MfaConfiguration configuration) {
        return configure(EventBridgeClient.builder(), configuration).build();
    }

    public static KmsClient kms(MfaConfiguration configuration) {
        return configure(KmsClient.builder(), configuration).build();
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, MfaConfiguration configuration) {
        builder.region(Region.of(configuration.region()))
                .credentialsProvider(credentials(System.getenv()))
                .httpClient(httpClient())
                .overrideConfiguration(overrides());
        configuration.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    /**
     * The function role's credentials, from the one place Lambda puts them. Without SnapStart that
     * is the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); with
     * SnapStart the Java runtime sets no access key variables and serves the credentials from the
     * container credentials endpoint instead (AWS_CONTAINER_CREDENTIALS_FULL_URI with
     * AWS_CONTAINER_AUTHORIZATION_TOKEN; AWS Lambda Developer Guide, "Activating and managing Lambda
     * SnapStart", credentials), so the environment provider alone fails every call there. Still one
     * provider, chosen from the environment, not the default chain's probing. The container
     * provider caches what it fetched (priming fetches it before the snapshot) and fetches again as
     * they near expiry, so credentials kept in a snapshot are used only while they are still valid.
     */
    static AwsCredentialsProvider credentials(Map<String, String> environment) {
        String containerUri = environment.get(CONTAINER_CREDENTIALS_URI);
        return containerUri != null && !containerUri.isBlank()
                ? ContainerCredentialsProvider.builder().build()
                : EnvironmentVariableCredentialsProvider.create();
    }

    /** The HTTP client both services share (see {@link #shared}). */
    private static synchronized SdkHttpClient httpClient() {
        if (shared == null) {
            shared = newHttpClient();
        }
        return shared;
    }

    private static SdkHttpClient newHttpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .socketTimeout(SOCKET_TIMEOUT)
                .build();
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .apiCallAttemptTimeout(ATTEMPT_TIMEOUT)
                .apiCallTimeout(CALL_TIMEOUT)
                .build();
    }
}
