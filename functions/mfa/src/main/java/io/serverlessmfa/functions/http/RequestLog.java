package io.serverlessmfa.functions.http;

import java.io.PrintStream;

/**
 * One structured line per request: function, status, error code, duration. It never holds a
 * user id, a code, a secret or a token (the request's fields are not passed in at all).
 */
public final class RequestLog {

    private final PrintStream out;

    public RequestLog(PrintStream out) {
        this.out = out;
    }

    public void request(String function, String requestId, int status, String error, long durationMillis) {
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
