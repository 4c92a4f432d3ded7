package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.metrics.EmfMetrics;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.PrintedMetrics;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * A dependency outage: DynamoDB or KMS unreachable (connection refused) gives
 * {@code 503 service_unavailable} with {@code Retry-After} and changes no state. The same user is
 * then served by handlers over the working emulator to show nothing changed. The unreachable
 * client does not retry, only to keep the test fast; the mapping to 503 is the same after retries.
 */
class DependencyOutageIT {

    private static URI unreachable;

    private MutableClock clock;
    private MfaApi api;
    private MfaFixtures fixtures;
    private TestUser user;

    @BeforeAll
    static void findAClosedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            unreachable = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void setUp() {
        clock = MutableClock.atStepStart();
        api = MfaApi.over(AwsEmulator.get(), clock, Map.of());
        fixtures = new MfaFixtures(api, clock);
        user = TestUser.random();
    }

    @Test
    void everyRouteAnswers503WhenDynamoDbIsUnreachable() {
        MfaApi down = withDynamoDbDown();

        assertOutage(down.status(user));
        assertOutage(down.setup(user));
        assertOutage(down.confirm(user, "123456"));
        assertOutage(down.verify(user, "123456"));
        assertOutage(down.recover(user, MfaFixtures.wrongRecoveryCode()));
        assertOutage(down.regenerate(user, "123456"));
        assertOutage(down.removeWithCode(user, "123456"));
        fixtures.assertStatus(user, "NONE");
    }

    @Test
    void setupAnswers503AndStartsNothingWhenKmsIsUnreachable() {
        assertOutage(withKmsDown().setup(user));

        fixtures.assertStatus(user, "NONE");
    }

    @Test
    void confirmAnswers503AndLeavesTheSetupPendingWhenKmsIsUnreachable() {
        String secret = fixtures.pending(user);

        assertOutage(withKmsDown().confirm(user, api.codeFor(secret)));

        fixtures.assertStatus(user, "PENDING");
        assertSuccess(200, api.confirm(user, api.codeFor(secret)));
    }

    @Test
    void verifyAnswers503WithoutConsumingTheCodeOrCountingAFailure() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        MfaApi kmsDown = withKmsDown();
        String code = api.codeFor(enabled.secret());
        for (int i = 0; i < 6; i++) {
            assertOutage(kmsDown.verify(user, code));
        }

        assertSuccess(200, api.verify(user, code));
    }

    @Test
    void removeAnswers503AndMfaStaysOnWhenKmsIsUnreachable() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertOutage(withKmsDown().removeWithCode(user, api.codeFor(enabled.secret())));

        fixtures.assertStatus(user, "ENABLED");
        assertError(400, "invalid_code", api.removeWithCode(user, fixtures.wrongCode(enabled.secret())));
        assertSuccess(200, api.removeWithCode(user, api.codeFor(enabled.secret())));
    }

    @Test
    void anOutageIsCountedUnderTheDependencyThatFailedSoEachHasItsOwnAlarm() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        PrintedMetrics.Counted printed = PrintedMetrics.whileRunning(EmfMetrics.DEFAULT_NAMESPACE, () -> {
            assertOutage(withDynamoDbDown().status(user));
            assertOutage(withKmsDown().verify(user, api.codeFor(enabled.secret())));
        });

        assertEquals(Map.of("DynamoDbUnavailable status/service_unavailable", 1,
                "KmsUnavailable verify/service_unavailable", 1), printed.counts());
    }

    private static void assertOutage(ApiResult result) {
        assertError(503, "service_unavailable", result);
        String retryAfter = result.header("Retry-After");
        assertNotNull(retryAfter, () -> "a 503 carries Retry-After: " + result);
        assertTrue(retryAfter.matches("[1-9][0-9]*"), () -> "Retry-After in whole seconds: " + result);
    }

    private MfaApi withDynamoDbDown() {
        return handlersOver(unreachable(DynamoDbClient.builder()), AwsEmulator.get().kms());
    }

    private MfaApi withKmsDown() {
        return handlersOver(AwsEmulator.get().dynamoDb(), unreachable(KmsClient.builder()));
    }

    private MfaApi handlersOver(DynamoDbClient dynamoDb, KmsClient kms) {
        return new MfaApi(new Wiring(MfaConfiguration.fromEnvironment(AwsEmulator.get().environment(Map.of())), clock,
                new SecureRandom(), dynamoDb, kms));
    }

    /** A client of the closed port, without retries. */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C unreachable(B builder) {
        return builder.region(Region.of(AwsEmulator.REGION)).endpointOverride(unreachable).credentialsProvider(credentials())
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry())).build();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }
}
