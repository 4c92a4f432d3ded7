package io.serverlessmfa.functions.config;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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

    private AwsClients() {
    }

    public static DynamoDbClient dynamoDb(MfaConfiguration configuration) {
        return configure(DynamoDbClient.builder(), configuration).build();
    }

    public static KmsClient kms(MfaConfiguration configuration) {
        return configure(KmsClient.builder(), configuration).build();
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, MfaConfiguration configuration) {
        builder.region(Region.of(configuration.region()))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .httpClient(httpClient())
                .overrideConfiguration(overrides());
        configuration.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }

    private static SdkHttpClient httpClient() {
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
