package io.serverlessmfa.bench.coldstart;

import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Our handler with its SDK clients built exactly as {@code AwsClients} builds them (explicit region,
 * environment credentials, the same timeouts and retries), except for the HTTP client: the AWS CRT
 * client instead of URLConnection. To choose the HTTP client by measurement.
 */
public final class OursOnCrt {

    /** The handlers that never build a KMS client (as with {@code Wiring}, which builds it lazily). */
    private static final Set<String> WITHOUT_KMS = Set.of("io.serverlessmfa.functions.handler.StatusHandler");

    private OursOnCrt() {
    }

    public static Object newHandler(String handlerClass)
            throws ReflectiveOperationException {
        MfaConfiguration configuration = MfaConfiguration.fromEnvironment(System.getenv());
        DynamoDbClient dynamoDb = configure(DynamoDbClient.builder(), configuration).build();
        KmsClient kms = WITHOUT_KMS.contains(handlerClass) ? null : configure(KmsClient.builder(), configuration).build();
        Wiring wiring = new Wiring(configuration, Clock.systemUTC(), new SecureRandom(), dynamoDb, kms);
        return Class.forName(handlerClass).getConstructor(Wiring.class).newInstance(wiring);
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, MfaConfiguration configuration) {
        builder.region(Region.of(configuration.region()))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .httpClient(AwsCrtHttpClient.builder().connectionTimeout(Duration.ofSeconds(1)).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallAttemptTimeout(Duration.ofSeconds(2))
                        .apiCallTimeout(Duration.ofSeconds(5))
                        .build());
        configuration.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }
}
