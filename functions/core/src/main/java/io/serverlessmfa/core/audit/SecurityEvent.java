package io.serverlessmfa.core.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a user's audit trail, written in the same transaction as the state change it
 * records, so the trail can neither miss a change nor show one that did not happen.
 *
 * @param type   what changed
 * @param at     when (the use case's clock)
 * @param origin where the request came from
 * @param helpdesk what an operator did, on the events of a helpdesk reset (in the user's trail
 *                 and in the operator's own)
 */
public record SecurityEvent(SecurityEventType type, Instant at, RequestOrigin origin, Optional<HelpdeskAction> helpdesk) {

    public SecurityEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(helpdesk, "helpdesk");
    }

    /** An event of the user's own doing. */
    public static SecurityEvent of(SecurityEventType type, Instant at, RequestOrigin origin) {
        return new SecurityEvent(type, at, origin, Optional.empty());
    }
}
