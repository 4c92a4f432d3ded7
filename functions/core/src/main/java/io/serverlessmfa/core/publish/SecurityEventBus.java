package io.serverlessmfa.core.publish;

import java.util.List;
import java.util.Optional;

/**
 * Where security events are published (an EventBridge bus). One call is one PutEvents: at most
 * {@link #MAX_ENTRIES} events, together at most {@link #MAX_BYTES} bytes.
 */
public interface SecurityEventBus {

    /** PutEvents' limits (Amazon EventBridge API reference, PutEvents). */
    int MAX_ENTRIES = 10;
    int MAX_BYTES = 256 * 1024;

    /**
     * Publishes {@code events} in one call. Answers, for each event in order, empty when the bus
     * took it, or the bus's error code when it refused that one (a partial failure).
     *
     * @throws RuntimeException when the call failed as a whole (unreachable, throttled after the
     *                          client's retries, refused): then none of them is known to be published
     */
    List<Optional<String>> publish(List<PublishedEvent> events);
}
