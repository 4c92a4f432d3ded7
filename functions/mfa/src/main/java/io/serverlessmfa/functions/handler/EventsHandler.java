package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.InvalidRequestException;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.store.DynamoDbAuditTrail;
import java.util.Optional;

/**
 * {@code GET /mfa/events?limit=20&next=<cursor>}: the caller's recent security events, newest
 * first ("Recent security activity" in the portal). Only the caller's own partition is ever read;
 * a cursor names a position in it, never a user.
 */
public final class EventsHandler extends MfaFunction {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 50;

    private final DynamoDbAuditTrail trail;

    public EventsHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public EventsHandler(Wiring wiring) {
        super("events", wiring);
        this.trail = wiring.auditTrail();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        int limit = request.query("limit").map(EventsHandler::limit).orElse(DEFAULT_LIMIT);
        Optional<String> cursor = request.query("next");
        if (cursor.isPresent() && (cursor.get().isEmpty() || cursor.get().length() > 128)) {
            throw new InvalidRequestException("next must be the cursor of the previous page");
        }
        DynamoDbAuditTrail.Page page;
        try {
            page = trail.recent(request.userId(), limit, cursor);
        } catch (IllegalArgumentException notOurCursor) {
            throw new InvalidRequestException("next must be the cursor of the previous page");
        }
        JsonObject body = JsonObject.create().array("events", page.events(), (event, json) -> {
            write(event, json);
            // The operator's id is for the helpdesk's view; the user sees that the helpdesk acted.
            event.actor().ifPresent(actor -> json.field("byOperator", true));
        });
        page.next().ifPresent(next -> body.field("next", next));
        return ApiResponse.json(200, body.build());
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.userEvent("GET /mfa/events", null);
    }

    /** The whole route, which only reads: the Query of the priming user's partition, then 200 with no events. */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        return handle(request);
    }

    /** An event's fields both views show: what, when, from where. */
    static void write(DynamoDbAuditTrail.StoredEvent event, JsonObject json) {
        json.field("type", event.type().name())
                .field("at", ApiResponse.timestamp(event.at()))
                .field("sourceIp", event.sourceIp())
                .field("userAgent", event.userAgent());
    }

    private static int limit(String value) {
        if (!value.matches("[0-9]{1,3}")) {
            throw new InvalidRequestException("limit must be a whole number from 1 to " + MAX_LIMIT);
        }
        int limit = Integer.parseInt(value);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be a whole number from 1 to " + MAX_LIMIT);
        }
        return limit;
    }
}
