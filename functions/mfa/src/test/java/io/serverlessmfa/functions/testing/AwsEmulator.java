package io.serverlessmfa.functions.testing;

import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.store.EnrollmentTable;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS emulator the integration tests run against, chosen by the system property
 * {@code mfa.backend}: {@code moto} (started by {@code make test}, reached through
 * {@code AWS_ENDPOINT_URL}) or {@code localstack} (started here through Testcontainers; the tests
 * are skipped when no Docker engine runs). Either way the code under test uses the real SDK
 * clients over HTTP. One KMS key per test run and one table per test class, created here the way
 * template.yaml declares them: moto copies a whole table on every TransactWriteItems (to roll it
 * back), so one table shared by the whole run made each state change slower than the one before.
 */
public final class AwsEmulator {

    public static final String REGION = "us-east-1";
    private static AwsEmulator instance;
    private static final Map<Class<?>, AwsEmulator> TABLE_PER_CLASS = new ConcurrentHashMap<>();

    private final String backend;
    private final URI endpoint;
    private final DynamoDbClient dynamoDb;
    private final KmsClient kms;
    private final String tableName;
    private final String keyId;
    private final StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    private DynamoDbStreamsClient dynamoDbStreams;
    private EventBridgeClient eventBridge;
    private SqsClient sqs;

    private AwsEmulator(String backend, URI endpoint) {
        this.backend = backend;
        this.endpoint = endpoint;
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        this.dynamoDb = DynamoDbClient.builder().region(Region.of(REGION)).endpointOverride(endpoint)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        this.kms = KmsClient.builder().region(Region.of(REGION)).endpointOverride(endpoint)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        this.tableName = newTable(dynamoDb);
        this.keyId = kms.createKey(request -> request.description("serverless-mfa integration tests")).keyMetadata().keyId();
    }

    private AwsEmulator(AwsEmulator emulator, String tableName) {
        this.backend = emulator.backend;
        this.endpoint = emulator.endpoint;
        this.dynamoDb = emulator.dynamoDb;
        this.kms = emulator.kms;
        this.keyId = emulator.keyId;
        this.tableName = tableName;
    }

    private static String newTable(DynamoDbClient dynamoDb) {
        String tableName = "mfa-it-" + UUID.randomUUID();
        EnrollmentTable.createIfMissing(dynamoDb, tableName);
        return tableName;
    }

    /**
     * The emulator of this run, started or found once per JVM (skips the test if there is none),
     * with the table of the calling test class.
     */
    public static AwsEmulator get() {
        return forTestClass(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .<Class<?>>map(frame -> frame.getDeclaringClass().getNestHost())
                .filter(type -> type.getPackageName().startsWith("io.serverlessmfa")
                        && !type.getPackageName().equals(AwsEmulator.class.getPackageName()))
                .findFirst().orElse(AwsEmulator.class)));
    }

    /** The emulator of this run with the table of {@code testClass}. */
    public static AwsEmulator forTestClass(Class<?> testClass) {
        AwsEmulator emulator = started();
        return testClass == AwsEmulator.class ? emulator
                : TABLE_PER_CLASS.computeIfAbsent(testClass, type -> emulator.withFreshTable());
    }

    private static synchronized AwsEmulator started() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    /** The same emulator and key with a new, empty table: for tests that need one to themselves. */
    public AwsEmulator withFreshTable() {
        return new AwsEmulator(this, newTable(dynamoDb));
    }

    private static AwsEmulator start() {
        String backend = System.getProperty("mfa.backend", "moto");
        if (backend.equals("localstack")) {
            Assumptions.assumeTrue(dockerAvailable(), "LocalStack backend skipped: no Docker engine on this machine");
            LocalStackContainer localStack = new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"))
                    .withServices(LocalStackContainer.Service.DYNAMODB, LocalStackContainer.Service.KMS);
            String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
            if (token != null) {
                localStack.withEnv("LOCALSTACK_AUTH_TOKEN", token);
            }
            localStack.start();
            return new AwsEmulator("localstack", localStack.getEndpoint());
        }
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        if (endpoint == null || endpoint.isBlank()) {
            boolean required = "true".equals(System.getenv("CI")) || Boolean.getBoolean("mfa.requireTools");
            if (required) {
                throw new IllegalStateException("AWS_ENDPOINT_URL is not set: run the tests with `make test`, which starts moto");
            }
            Assumptions.abort("moto backend skipped: AWS_ENDPOINT_URL is not set (run `make test`)");
        }
        return new AwsEmulator("moto", URI.create(endpoint));
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError noDocker) {
            return false;
        }
    }

    public String backend() {
        return backend;
    }

    public URI endpoint() {
        return endpoint;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public KmsClient kms() {
        return kms;
    }

    /** The tables' streams (what Lambda's event source mapping reads), built at first use. */
    public synchronized DynamoDbStreamsClient dynamoDbStreams() {
        if (dynamoDbStreams == null) {
            dynamoDbStreams = DynamoDbStreamsClient.builder().region(Region.of(REGION)).endpointOverride(endpoint)
                    .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        }
        return dynamoDbStreams;
    }

    /** EventBridge, for the tests' buses and rules, built at first use. */
    public synchronized EventBridgeClient eventBridge() {
        if (eventBridge == null) {
            eventBridge = EventBridgeClient.builder().region(Region.of(REGION)).endpointOverride(endpoint)
                    .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        }
        return eventBridge;
    }

    /** SQS, for the queues the tests' rules deliver to, built at first use. */
    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = SqsClient.builder().region(Region.of(REGION)).endpointOverride(endpoint)
                    .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        }
        return sqs;
    }

    public String tableName() {
        return tableName;
    }

    public String keyId() {
        return keyId;
    }

    /** The environment a deployed function would have, pointed at this emulator. */
    public Map<String, String> environment(Map<String, String> overrides) {
        Map<String, String> environment = new HashMap<>();
        environment.put(MfaConfiguration.TABLE_NAME, tableName);
        environment.put(MfaConfiguration.KMS_KEY_ID, keyId);
        environment.put(MfaConfiguration.REGION, REGION);
        environment.put(MfaConfiguration.ENDPOINT_URL, endpoint.toString());
        environment.put(MfaConfiguration.ISSUER, "Example Corp");
        environment.putAll(overrides);
        return environment;
    }

    /** Handlers' wiring over this emulator's clients, with the test's clock. */
    public Wiring wiring(Clock clock, Map<String, String> overrides) {
        return new Wiring(MfaConfiguration.fromEnvironment(environment(overrides)), clock, new SecureRandom(), dynamoDb, kms);
    }
}
