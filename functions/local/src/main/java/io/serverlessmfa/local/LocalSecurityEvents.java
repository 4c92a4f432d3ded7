package io.serverlessmfa.local;

import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.events.PublishSecurityEventsFunction;
import io.serverlessmfa.functions.events.StreamEventSource;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code make run}'s security events: the publisher function of template.yaml fed from the table's
 * stream by {@link StreamEventSource} (Lambda's event source mapping has no emulator), and a rule on
 * the events' bus that sends everything of source {@code serverless-mfa} to a local queue, whose
 * messages are printed one line each: the detail-type, the user, the event id and the time. What a
 * line shows is what a consumer of the bus received, not what the publisher meant to send. Never
 * the reason of a reset (an operator's free text) or anything of the request.
 */
public final class LocalSecurityEvents implements AutoCloseable {

    static final String RULE = "serverless-mfa-local-events";
    static final String QUEUE = "serverless-mfa-local-events";
    private static final long POLL_MILLIS = 500;

    private final StreamEventSource source;
    private final SqsClient sqs;
    private final String queueUrl;
    private final PrintStream log;
    private ScheduledExecutorService poller;

    LocalSecurityEvents(StreamEventSource source, SqsClient sqs, String queueUrl, PrintStream log) {
        this.source = source;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.log = log;
    }

    /**
     * The rule, the queue and the publisher over the emulator of {@code environment}
     * ({@code AWS_ENDPOINT_URL}), from the stream's current end; not yet polling.
     */
    public static LocalSecurityEvents create(Map<String, String> environment, PrintStream log) {
        MfaConfiguration configuration = MfaConfiguration.fromEnvironment(environment);
        EventBridgeClient eventBridge = AwsClients.eventBridge(configuration);
        SqsClient sqs = SqsClient.builder().region(Region.of(configuration.region()))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(configuration.endpoint().orElseThrow(
                        () -> new IllegalStateException("the local stack runs against an emulator: AWS_ENDPOINT_URL")))
                .build();
        String bus = configuration.eventBusName();
        if (!bus.equals(MfaConfiguration.DEFAULT_EVENT_BUS)) {
            try {
                eventBridge.describeEventBus(request -> request.name(bus));
            } catch (ResourceNotFoundException missing) {
                eventBridge.createEventBus(request -> request.name(bus));
            }
        }
        String queueUrl = sqs.createQueue(request -> request.queueName(QUEUE)).queueUrl();
        String queueArn = sqs.getQueueAttributes(request -> request.queueUrl(queueUrl).attributeNamesWithStrings("QueueArn"))
                .attributesAsStrings().get("QueueArn");
        eventBridge.putRule(request -> request.name(RULE).eventBusName(bus).eventPattern("{\"source\":[\"serverless-mfa\"]}"));
        eventBridge.putTargets(request -> request.rule(RULE).eventBusName(bus).targets(target -> target.id("log").arn(queueArn)));
        Wiring wiring = new Wiring(configuration, Clock.systemUTC(), new SecureRandom());
        StreamEventSource source = StreamEventSource.fromLatest(AwsClients.dynamoDb(configuration),
                AwsClients.dynamoDbStreams(configuration), configuration.tableName(), new PublishSecurityEventsFunction(wiring));
        return new LocalSecurityEvents(source, sqs, queueUrl, log);
    }

    /** Polls the stream and prints what arrived, every half second, until {@link #close}. */
    public synchronized LocalSecurityEvents start() {
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "security-events");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(() -> {
            try {
                pollOnce();
            } catch (RuntimeException failed) {
                // The emulator going away at Ctrl-C, or a bug: one line, and the next poll tries again.
                log.println("security events: poll failed: " + failed.getClass().getSimpleName());
            }
        }, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One poll of the stream, then every event on the queue printed; answers the lines printed. */
    public List<String> pollOnce() {
        source.poll();
        List<String> lines = new ArrayList<>();
        while (true) {
            List<Message> messages = sqs.receiveMessage(request -> request.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                return lines;
            }
            for (Message message : messages) {
                String line = line(message.body());
                log.println(line);
                lines.add(line);
                sqs.deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /** {@code security event: MFA Enabled  user=alice@example.com  id=<event id>  at=<time>}. */
    static String line(String body) {
        Map<String, JsonNode> event = JsonNode.parser().parse(body).asObject();
        Map<String, JsonNode> detail = event.get("detail").asObject();
        return "security event: " + event.get("detail-type").asString() + "  user=" + detail.get("userId").asString()
                + "  id=" + detail.get("eventId").asString() + "  at=" + detail.get("time").asString();
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
