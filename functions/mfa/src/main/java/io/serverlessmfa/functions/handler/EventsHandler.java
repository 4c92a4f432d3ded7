package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.audit.AuditTrail;
import io.serverlessmfa.core.audit.InvalidCursorException;
import io.serverlessmfa.core.audit.HelpdeskAction;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.InvalidRequestException;
import io.serverlessmfa.functions.http.JsonObject;
import java.util.Optional;

/**
 * {@code GET /mfa/events?limit=20&next=<cursor>}: the caller's recent security events, newest
 * first ("Recent security activity" in the portal). Only the caller's own partition is ever read;
 * a cursor names a position in it, never a user.
 */
public final class EventsHandler extends MfaFunction {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 50;
    private static final String NOT_A_CURSOR = "next must be the cursor of the previous page";

    public EventsHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public EventsHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /** Primed: the whole route, which only reads: the Query of the priming user's partition, then 200 with no events. */
    private static Route route(Wiring wiring) {
        AuditTrail trail = wiring.auditTrail();
        return Route.reading("events", "GET /mfa/events", request -> {
            AuditTrail.Page page;
            try {
                page = trail.recent(request.userId(), limit(request), cursor(request));
            } catch (InvalidCursorException notOurs) {
                throw new InvalidRequestException(NOT_A_CURSOR);
            }
            JsonObject body = JsonObject.create().array("events", page.events(), EventsHandler::writeOwn);
            page.next().ifPresent(next -> body.field("next", next));
            return ApiResponse.json(200, body.build());
        });
    }

    /**
     * An event as its owner sees it in their own trail. A reset by the helpdesk says that the
     * helpdesk acted and why, never who, from where or with which browser (contract: "Helpdesk
     * routes"); an operator's own reset of another user says whom and why.
     */
    static void writeOwn(SecurityEvent event, JsonObject json) {
        json.field("type", event.type().name()).field("at", ApiResponse.timestamp(event.at()));
        boolean byTheHelpdesk = event.type() != SecurityEventType.ADMIN_RESET_PERFORMED
                && (event.type() == SecurityEventType.ADMIN_RESET || event.helpdesk().isPresent());
        if (byTheHelpdesk) {
            json.field("byOperator", true);
        } else {
            origin(event, json);
            event.helpdesk().ifPresent(action -> json.field("userId", action.userId()));
        }
        event.helpdesk().flatMap(HelpdeskAction::reason).ifPresent(reason -> json.field("reason", reason.text()));
    }

    /** Where an event's request came from: the source address and the browser. */
    static void origin(SecurityEvent event, JsonObject json) {
        json.field("sourceIp", event.origin().sourceIp()).field("userAgent", event.origin().userAgent());
    }

    private static Optional<String> cursor(ApiRequest request) {
        Optional<String> cursor = request.query("next");
        if (cursor.isPresent() && (cursor.get().isEmpty() || cursor.get().length() > 128)) {
            throw new InvalidRequestException(NOT_A_CURSOR);
        }
        return cursor;
    }

    private static int limit(ApiRequest request) {
        Optional<String> value = request.query("limit");
        if (value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        int limit = value.get().matches("[0-9]{1,3}") ? Integer.parseInt(value.get()) : 0;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be a whole number from 1 to " + MAX_LIMIT);
        }
        return limit;
    }
}
