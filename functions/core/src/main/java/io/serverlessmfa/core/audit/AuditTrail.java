package io.serverlessmfa.core.audit;

import java.util.List;
import java.util.Optional;

/**
 * The read side of a user's audit trail. Its entries are written by the enrollment store, in the
 * same atomic write as the state change each records; this port only reads them back, for the
 * user ("Recent security activity") and the helpdesk.
 *
 * <p>Implementations throw {@link io.serverlessmfa.core.port.DependencyUnavailableException} when
 * the store is unreachable or throttling.
 */
public interface AuditTrail {

    /** A page of events, newest first, and the cursor of the next page if there is one. */
    record Page(List<SecurityEvent> events, Optional<String> next) {

        public Page {
            events = List.copyOf(events);
        }
    }

    /**
     * Up to {@code limit} of the user's events, newest first, after {@code cursor} (the
     * {@link Page#next()} of the previous page). Only the user's own events are ever read: a cursor
     * names a position in that user's trail, never another user.
     *
     * @throws InvalidCursorException if {@code cursor} is not one this trail gave out
     */
    Page recent(String userId, int limit, Optional<String> cursor);
}
