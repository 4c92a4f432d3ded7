package io.serverlessmfa.functions.events;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.serverlessmfa.core.publish.PublishSecurityEvents;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.metrics.EmfMetrics;
import io.serverlessmfa.functions.store.DynamoDbAuditTrail;
import io.serverlessmfa.functions.store.DynamoDbEnrollmentStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The table's stream → the security events' bus (docs/notifications.md). Lambda's event source
 * mapping (template.yaml) hands over the INSERTs of audit items only, in commit order per user,
 * after they were committed; this publishes them to EventBridge and names, as batch item failures,
 * the first record that failed and every one after it, so Lambda delivers them again (the same
 * event ids) and, when its retries run out, sends the batch's position to the dead-letter queue.
 *
 * <p>Logs nothing per event (the user ids are in the events, not in this log): an EMF document
 * with EventsPublished and EventPublishFailed, and on a failure one line with its reason.
 */
public final class PublishSecurityEventsFunction implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    static final String FUNCTION = "publish-security-events";

    private final PublishSecurityEvents publisher;
    private final EmfMetrics metrics;
    private final PrintStream log;

    public PublishSecurityEventsFunction() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public PublishSecurityEventsFunction(Wiring wiring) {
        this.publisher = wiring.securityEventPublisher();
        this.log = System.out;
        this.metrics = new EmfMetrics(log, wiring.configuration().metricsNamespace(), wiring.clock());
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        List<PublishSecurityEvents.Entry> entries = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            Map<String, AttributeValue> image = image(record);
            // The mapping's filter lets only audit INSERTs through; a record of anything else is not an event.
            if ("INSERT".equals(record.getEventName()) && isEvent(image)) {
                entries.add(new PublishSecurityEvents.Entry(record.getDynamodb().getSequenceNumber(),
                        DynamoDbAuditTrail.recorded(image)));
            }
        }
        PublishSecurityEvents.Outcome outcome = publisher.publish(entries);
        metrics.publishValues(FUNCTION, List.of(
                new EmfMetrics.Value("EventsPublished", outcome.published().size(), "Count"),
                new EmfMetrics.Value("EventPublishFailed", outcome.failed().size(), "Count"),
                new EmfMetrics.Value("SecurityEventsUnreadable", outcome.unreadable(), "Count")));
        if (outcome.unreadable() > 0) {
            // Counted and alarmed (SecurityEventsUnreadableAlarm), not handed back: no retry can read
            // them, and they would hold back every later record of their shard for a day.
            log.println("security events: " + outcome.unreadable() + " of " + entries.size()
                    + " records not published: this version cannot read them");
        }
        outcome.failure().ifPresent(reason -> log.println("security events: " + outcome.failed().size() + " of "
                + entries.size() + " records handed back for retry: " + reason));
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        outcome.failed().forEach(position -> failures.add(new StreamsEventResponse.BatchItemFailure(position)));
        return new StreamsEventResponse(failures);
    }

    private static boolean isEvent(Map<String, AttributeValue> image) {
        AttributeValue pk = image.get(DynamoDbEnrollmentStore.PARTITION_KEY);
        AttributeValue sk = image.get(DynamoDbEnrollmentStore.SORT_KEY);
        return pk != null && sk != null && DynamoDbAuditTrail.isEventKey(pk.s(), sk.s());
    }

    /** The record's new image: of an audit item's attributes, strings and numbers are all there are. */
    private static Map<String, AttributeValue> image(DynamodbEvent.DynamodbStreamRecord record) {
        Map<String, AttributeValue> image = new HashMap<>();
        if (record.getDynamodb() == null || record.getDynamodb().getNewImage() == null) {
            return image;
        }
        record.getDynamodb().getNewImage().forEach((name, value) -> {
            if (value.getS() != null) {
                image.put(name, AttributeValue.fromS(value.getS()));
            } else if (value.getN() != null) {
                image.put(name, AttributeValue.fromN(value.getN()));
            }
        });
        return image;
    }
}
