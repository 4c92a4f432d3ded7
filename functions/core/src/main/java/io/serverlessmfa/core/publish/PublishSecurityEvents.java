package io.serverlessmfa.core.publish;

import io.serverlessmfa.core.audit.RecordedSecurityEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Publishes the security events of committed trail entries, in the order they were committed, at
 * least once (docs/notifications.md). The entries come from a change stream (DynamoDB Streams):
 * each has a position there, and the answer names the positions the stream must deliver again.
 *
 * <p>Order per user survives every failure: after the first entry that failed nothing more is
 * published, and that entry and every one after it are handed back for retry. One PutEvents call
 * never carries two events of one user, so when the bus refuses one entry of a call (a partial
 * failure), no later event of that user can have been published ahead of it; the other users'
 * events of the call that were taken are published again on the retry, with the same id.
 */
public final class PublishSecurityEvents {

    /**
     * One entry of the stream.
     *
     * @param position where it is in the stream (its sequence number): what a retry starts from
     * @param event    the committed event, or empty when this version cannot read the entry (a type
     *                 written by a later version, rolled back from; an item a table writer altered):
     *                 not published and counted ({@link Outcome#unreadable}), never handed back, since
     *                 no retry can read it and it would hold back every later entry of its shard
     */
    public record Entry(String position, Optional<RecordedSecurityEvent> event) {

        public Entry {
            Objects.requireNonNull(position, "position");
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * What became of a batch.
     *
     * @param published the events the bus took, in order
     * @param skipped    entries of the service's reserved users: nothing to publish
     * @param unreadable entries this version cannot read: not published (logged and counted by the caller)
     * @param failed     the positions to deliver again: the first failed entry and all after it
     * @param failure    why the first one failed (the bus's error code or an exception's class)
     */
    public record Outcome(List<PublishedEvent> published, int skipped, int unreadable, List<String> failed,
                          Optional<String> failure) {

        public Outcome {
            published = List.copyOf(published);
            failed = List.copyOf(failed);
        }
    }

    private final SecurityEventBus bus;

    public PublishSecurityEvents(SecurityEventBus bus) {
        this.bus = bus;
    }

    public Outcome publish(List<Entry> entries) {
        List<Integer> indexes = new ArrayList<>();
        List<PublishedEvent> events = new ArrayList<>();
        int skipped = 0;
        int unreadable = 0;
        int firstFailed = entries.size();
        Optional<String> failure = Optional.empty();
        for (int i = 0; i < entries.size(); i++) {
            Optional<RecordedSecurityEvent> recorded = entries.get(i).event();
            if (recorded.isEmpty()) {
                unreadable++;
                continue;
            }
            Optional<PublishedEvent> event = PublishedEvent.of(recorded.get());
            if (event.isEmpty()) {
                skipped++;
                continue;
            }
            indexes.add(i);
            events.add(event.get());
        }
        List<PublishedEvent> published = new ArrayList<>();
        int start = 0;
        while (start < events.size()) {
            int end = callEnd(events, start);
            List<PublishedEvent> call = events.subList(start, end);
            List<Optional<String>> results;
            try {
                results = bus.publish(call);
            } catch (RuntimeException callFailed) {
                if (indexes.get(start) < firstFailed) {
                    firstFailed = indexes.get(start);
                    failure = Optional.of(callFailed.getClass().getSimpleName());
                }
                break;
            }
            int refused = -1;
            for (int j = 0; j < call.size(); j++) {
                Optional<String> error = j < results.size() ? results.get(j) : Optional.of("no result");
                if (error.isPresent()) {
                    if (refused < 0) {
                        refused = j;
                        if (indexes.get(start + j) < firstFailed) {
                            firstFailed = indexes.get(start + j);
                            failure = error;
                        }
                    }
                } else {
                    published.add(call.get(j));
                }
            }
            if (refused >= 0) {
                break;
            }
            start = end;
        }
        List<String> failed = new ArrayList<>();
        for (int i = firstFailed; i < entries.size(); i++) {
            failed.add(entries.get(i).position());
        }
        return new Outcome(published, skipped, unreadable, failed, failure);
    }

    /**
     * Where the call that starts at {@code start} ends: the bus's limits, and one event per trail
     * ({@link PublishedEvent#userId()} is the trail's owner), so a refused entry never has a later
     * one of its trail published ahead of it.
     */
    private static int callEnd(List<PublishedEvent> events, int start) {
        Set<String> users = new HashSet<>();
        int bytes = 0;
        int end = start;
        while (end < events.size() && end - start < SecurityEventBus.MAX_ENTRIES) {
            PublishedEvent next = events.get(end);
            if (end > start && (users.contains(next.userId()) || bytes + next.sizeBound() > SecurityEventBus.MAX_BYTES)) {
                break;
            }
            users.add(next.userId());
            bytes += next.sizeBound();
            end++;
        }
        return end;
    }
}
