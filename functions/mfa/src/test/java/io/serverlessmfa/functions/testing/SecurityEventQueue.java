package io.serverlessmfa.functions.testing;

import io.serverlessmfa.functions.config.MfaConfiguration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A consumer of the security events, as a company would set one up: an event bus of the test's own
 * (the publisher's {@code MFA_EVENT_BUS_NAME}), a rule on it matching source {@code serverless-mfa},
 * and an SQS queue as the rule's target. What arrives on the queue is what a consumer gets.
 */
public final class SecurityEventQueue {

    /** One event as the rule delivered it: EventBridge's envelope and the detail. */
    public record Delivered(String source, String detailType, String time, Map<String, String> detail, String body) {

        public String eventId() {
            return detail.get("eventId");
        }

        public String type() {
            return detail.get("type");
        }

        public String userId() {
            return detail.get("userId");
        }
    }

    private final AwsEmulator emulator;
    private final String busName;
    private final String queueUrl;

    private SecurityEventQueue(AwsEmulator emulator, String busName, String queueUrl) {
        this.emulator = emulator;
        this.busName = busName;
        this.queueUrl = queueUrl;
    }

    /** A new bus, rule and queue in the emulator. */
    public static SecurityEventQueue create(AwsEmulator emulator) {
        String name = "mfa-it-" + UUID.randomUUID();
        emulator.eventBridge().createEventBus(request -> request.name(name));
        String queueUrl = emulator.sqs().createQueue(request -> request.queueName(name)).queueUrl();
        String queueArn = emulator.sqs().getQueueAttributes(request -> request.queueUrl(queueUrl)
                .attributeNamesWithStrings("QueueArn")).attributesAsStrings().get("QueueArn");
        emulator.eventBridge().putRule(request -> request.name("all-security-events").eventBusName(name)
                .eventPattern("{\"source\":[\"serverless-mfa\"]}"));
        emulator.eventBridge().putTargets(request -> request.rule("all-security-events").eventBusName(name)
                .targets(target -> target.id("queue").arn(queueArn)));
        return new SecurityEventQueue(emulator, name, queueUrl);
    }

    public String busName() {
        return busName;
    }

    /** The publisher's setting that points it at this bus. */
    public Map<String, String> environment() {
        return Map.of(MfaConfiguration.EVENT_BUS_NAME, busName);
    }

    /** Every event on the queue now, in the order the queue hands them out; they are then gone from it. */
    public List<Delivered> takeAll() {
        List<Delivered> delivered = new ArrayList<>();
        while (true) {
            List<Message> messages = emulator.sqs().receiveMessage(request -> request.queueUrl(queueUrl)
                    .maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                return delivered;
            }
            for (Message message : messages) {
                delivered.add(parse(message.body()));
                emulator.sqs().deleteMessage(request -> request.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    private static Delivered parse(String body) {
        Map<String, JsonNode> envelope = JsonNode.parser().parse(body).asObject();
        Map<String, String> detail = new LinkedHashMap<>();
        envelope.get("detail").asObject().forEach((name, value) -> detail.put(name, value.isString() ? value.asString() : value.toString()));
        return new Delivered(envelope.get("source").asString(), envelope.get("detail-type").asString(),
                envelope.get("time").asString(), detail, body);
    }
}
