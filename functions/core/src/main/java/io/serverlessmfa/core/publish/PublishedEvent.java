package io.serverlessmfa.core.publish;

import io.serverlessmfa.core.audit.HelpdeskAction;
import io.serverlessmfa.core.audit.RecordedSecurityEvent;
import io.serverlessmfa.core.audit.ReservedUsers;
import io.serverlessmfa.core.audit.ResetReason;
import io.serverlessmfa.core.audit.SecurityEventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the world is told about one security event (docs/notifications.md): the event's stable id,
 * its type, whose second factor changed, when, and for a helpdesk reset the reason (and, in the
 * operator's own record only, the user reset). Never the request's address or browser, a secret, a
 * code or a token: the fields below are all there is, and none of them can hold one.
 *
 * @param eventId    stable across retries and duplicates: the trail entry's id
 * @param type       the event type; each has its own {@link #detailType()}
 * @param userId      the {@code sub} whose trail holds the entry: the user whose MFA changed, and on
 *                    {@link SecurityEventType#ADMIN_RESET_PERFORMED} the operator who reset someone (a
 *                    rule that mails {@code userId} never mails a user the operator's record)
 * @param at          when the change was committed
 * @param reason      the helpdesk's reason, on the two reset events
 * @param resetUserId the user reset, on {@link SecurityEventType#ADMIN_RESET_PERFORMED} only; the
 *                    user's own record ({@link SecurityEventType#ADMIN_RESET}) never names the
 *                    operator (contract, "Helpdesk routes")
 */
public record PublishedEvent(String eventId, SecurityEventType type, String userId, Instant at,
                             Optional<String> reason, Optional<String> resetUserId) {

    /** The source of every event on the bus. */
    public static final String SOURCE = "serverless-mfa";

    public PublishedEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(resetUserId, "resetUserId");
    }

    /**
     * The event to publish for a committed trail entry; empty for the service's reserved users
     * (SnapStart priming), who never have a real event, so a bug there can never reach a consumer.
     */
    public static Optional<PublishedEvent> of(RecordedSecurityEvent recorded) {
        Optional<HelpdeskAction> helpdesk = recorded.event().helpdesk();
        SecurityEventType type = recorded.event().type();
        // The trail's owner; in the operator's own record of a reset, the user reset beside it.
        String userId = recorded.trailOwner();
        Optional<String> resetUserId = type == SecurityEventType.ADMIN_RESET_PERFORMED
                ? helpdesk.map(HelpdeskAction::userId) : Optional.empty();
        if (ReservedUsers.isReserved(userId) || resetUserId.filter(ReservedUsers::isReserved).isPresent()) {
            return Optional.empty();
        }
        Optional<String> reason = helpdesk.flatMap(HelpdeskAction::reason).map(ResetReason::text);
        return Optional.of(new PublishedEvent(recorded.eventId(), type, userId, recorded.event().at(), reason, resetUserId));
    }

    /**
     * The EventBridge detail-type: one per event type, in words, as AWS services name theirs, so a
     * rule matches the events it wants by name. A switch without a default: a new event type does
     * not compile until it has a name here.
     */
    public String detailType() {
        return switch (type) {
            case SETUP_STARTED -> "MFA Setup Started";
            case SETUP_CANCELLED -> "MFA Setup Cancelled";
            case MFA_ENABLED -> "MFA Enabled";
            case LOCKED_OUT -> "MFA Locked Out";
            case LOCKED_UNTIL_RESET -> "MFA Locked Until Reset";
            case RECOVERY_CODE_USED -> "MFA Recovery Code Used";
            case RECOVERY_CODES_REGENERATED -> "MFA Recovery Codes Regenerated";
            case MFA_REMOVED -> "MFA Removed";
            case ADMIN_RESET -> "MFA Reset By Helpdesk";
            case ADMIN_RESET_PERFORMED -> "MFA Helpdesk Reset Performed";
        };
    }

    /**
     * An upper bound of the entry's size as EventBridge counts it (source, detail-type, detail and
     * the other fields, UTF-8; at most 256 KB a PutEvents call): the field values plus room for
     * the names and punctuation of the detail and the entry's other fields.
     */
    public int sizeBound() {
        return 512 + SOURCE.length() + detailType().length() + escapedUtf8(eventId) + escapedUtf8(userId)
                + reason.map(PublishedEvent::escapedUtf8).orElse(0) + resetUserId.map(PublishedEvent::escapedUtf8).orElse(0);
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** JSON may escape a character as {@code \\uXXXX}: six bytes for each, the worst case. */
    private static int escapedUtf8(String text) {
        return Math.max(utf8(text), 6 * text.length());
    }
}
