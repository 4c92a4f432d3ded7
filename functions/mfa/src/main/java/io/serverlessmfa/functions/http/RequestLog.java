package io.serverlessmfa.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.io.PrintStream;
import java.util.Map;

/**
 * One structured line per request: function, status, error code, duration, request id, and who
 * asked: the caller's {@code sub} and the source address. Those two are there for incident
 * tracing: without them a brute-force alarm, a lockout or a 500 leads to no account and no
 * address (docs/security.md, "Untraceable incidents"). The {@code sub} is the identifier the
 * identity provider gave the account, the one the table is keyed by; it is not a secret: knowing it
 * lets no one act as the user, who still needs a token the provider signed. The address is
 * API Gateway's {@code requestContext.http.sourceIp}, the peer it saw, never a header the client
 * sets.
 *
 * <p>Never a code, a recovery code, a secret, a token, an email, a username or the User-Agent:
 * only the two fields of {@link Caller} are taken from the request, never its body, headers or
 * other claims.
 */
public final class RequestLog {

    private final PrintStream out;

    public RequestLog(PrintStream out) {
        this.out = out;
    }

    /**
     * Who made a request, as far as the event tells: the JWT authorizer's {@code sub} (none on the
     * public routes, which have no authorizer, nor on a request without claims) and the source IP.
     * Either is null when the event does not have it.
     */
    public record Caller(String sub, String sourceIp) {

        /** Nobody known: an event that could not be read. */
        public static final Caller UNKNOWN = new Caller(null, null);

        /** Reads the two fields without failing on any missing part: a request that is refused is logged too. */
        public static Caller of(APIGatewayV2HTTPEvent event) {
            APIGatewayV2HTTPEvent.RequestContext context = event == null ? null : event.getRequestContext();
            if (context == null) {
                return UNKNOWN;
            }
            String sub = null;
            if (context.getAuthorizer() != null && context.getAuthorizer().getJwt() != null) {
                Map<String, String> claims = context.getAuthorizer().getJwt().getClaims();
                sub = claims == null ? null : nonBlank(claims.get("sub"));
            }
            String sourceIp = context.getHttp() == null ? null : nonBlank(context.getHttp().getSourceIp());
            return new Caller(sub, sourceIp);
        }

        private static String nonBlank(String value) {
            return value == null || value.isBlank() ? null : value;
        }
    }

    public void request(String function, String requestId, int status, String error, long durationMillis, Caller caller) {
        JsonObject line = JsonObject.create()
                .field("level", status >= 500 ? "ERROR" : "INFO")
                .field("function", function)
                .field("status", status)
                .field("durationMs", durationMillis);
        if (requestId != null) {
            line.field("requestId", requestId);
        }
        if (error != null) {
            line.field("error", error);
        }
        if (caller.sub() != null) {
            line.field("sub", caller.sub());
        }
        if (caller.sourceIp() != null) {
            line.field("sourceIp", caller.sourceIp());
        }
        out.println(line.build());
    }

    /**
     * SnapStart priming ended in a 5xx: the snapshot is taken with that route's path not yet
     * loaded. Not a request line (no status, no duration): nothing that counts requests counts it.
     */
    public void primingIncomplete(String function, String error) {
        out.println(JsonObject.create().field("level", "WARN").field("function", function)
                .field("snapStartPriming", "incomplete").field("error", error).build());
    }

    /** A fault worth an alarm; {@code detail} is a class name or our own message, never input. */
    public void fault(String function, String requestId, String detail) {
        JsonObject line = JsonObject.create().field("level", "ERROR").field("function", function).field("fault", detail);
        if (requestId != null) {
            line.field("requestId", requestId);
        }
        out.println(line.build());
    }
}
