package io.serverlessmfa.functions.bus;

import io.serverlessmfa.core.publish.PublishedEvent;
import io.serverlessmfa.core.publish.SecurityEventBus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * The security events' bus: EventBridge PutEvents on one bus (the account's default bus or a
 * configured one), source {@value PublishedEvent#SOURCE}, one detail-type per event type, and the
 * detail of docs/notifications.md. The entry's time is the event's, so a rule's target sees when the
 * change was committed, not when it was published.
 */
public final class EventBridgeSecurityEventBus implements SecurityEventBus {

    private final EventBridgeClient eventBridge;
    private final String busName;

    public EventBridgeSecurityEventBus(EventBridgeClient eventBridge, String busName) {
        this.eventBridge = eventBridge;
        this.busName = busName;
    }

    @Override
    public List<Optional<String>> publish(List<PublishedEvent> events) {
        List<PutEventsRequestEntry> entries = new ArrayList<>(events.size());
        for (PublishedEvent event : events) {
            entries.add(PutEventsRequestEntry.builder()
                    .eventBusName(busName)
                    .source(PublishedEvent.SOURCE)
                    .detailType(event.detailType())
                    .time(event.at())
                    .detail(detail(event))
                    .build());
        }
        // An SdkException (unreachable, throttled after the client's retries, refused) fails the call
        // as a whole: the use case hands every entry from this one on back to the stream.
        PutEventsResponse response = eventBridge.putEvents(request -> request.entries(entries));
        List<Optional<String>> results = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            PutEventsResultEntry result = i < response.entries().size() ? response.entries().get(i) : null;
            if (result == null) {
                results.add(Optional.of("NoResult"));
            } else if (result.errorCode() != null || result.eventId() == null) {
                results.add(Optional.of(result.errorCode() == null ? "NoEventId" : result.errorCode()));
            } else {
                results.add(Optional.empty());
            }
        }
        return results;
    }

    /**
     * The detail: {@code eventId}, {@code type}, {@code userId}, {@code time} (ISO-8601 UTC), and
     * {@code reason} / {@code resetUserId} where the event has them. Written field by field from the
     * event: nothing else of the trail entry (its address and browser) can get in.
     */
    static String detail(PublishedEvent event) {
        JsonWriter json = JsonWriter.create();
        json.writeStartObject();
        json.writeFieldName("eventId").writeValue(event.eventId());
        json.writeFieldName("type").writeValue(event.type().name());
        json.writeFieldName("userId").writeValue(event.userId());
        json.writeFieldName("time").writeValue(event.at().toString());
        event.reason().ifPresent(reason -> json.writeFieldName("reason").writeValue(reason));
        event.resetUserId().ifPresent(reset -> json.writeFieldName("resetUserId").writeValue(reset));
        json.writeEndObject();
        return new String(json.getBytes(), StandardCharsets.UTF_8);
    }
}
