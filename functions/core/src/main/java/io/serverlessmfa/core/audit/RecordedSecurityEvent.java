package io.serverlessmfa.core.audit;

import java.util.Objects;

/**
 * A security event as the store committed it to a trail: whose trail, the event, and an id that
 * names that one entry for good (the same each time the entry is read or published again), so a
 * consumer of published events can drop a duplicate.
 *
 * @param trailOwner the {@code sub} whose trail holds the entry (for {@link SecurityEventType#ADMIN_RESET_PERFORMED}: the operator)
 * @param eventId    stable and unique per entry; reveals nothing about the user
 * @param event      what happened; its origin (address, browser) is never part of what is published
 */
public record RecordedSecurityEvent(String trailOwner, String eventId, SecurityEvent event) {

    public RecordedSecurityEvent {
        Objects.requireNonNull(trailOwner, "trailOwner");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(event, "event");
    }
}
