package io.serverlessmfa.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An HTTP answer in the contract's shape. Every response is JSON and carries
 * {@code Cache-Control: no-store}: most carry a secret, a recovery code or an MFA token, and the
 * others say something about a user's security state that no cache should keep. Only the public
 * documents (the discovery document and the JWKS) replace it ({@link #withHeaders}).
 */
public record ApiResponse(int statusCode, String body, Map<String, String> headers, String errorCode,
                          Set<MfaMetric> metrics) {

    public ApiResponse {
        headers = Map.copyOf(headers);
        metrics = metrics.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(metrics));
    }

    private ApiResponse(int statusCode, String body, Map<String, String> headers, String errorCode) {
        this(statusCode, body, headers, errorCode, Set.of());
    }

    public static ApiResponse json(int statusCode, String body) {
        return new ApiResponse(statusCode, body, baseHeaders(), null);
    }

    /** The same answer, counting {@code more} events for ops (EMF metrics, never sent to the client). */
    public ApiResponse withMetrics(MfaMetric... more) {
        Set<MfaMetric> all = EnumSet.noneOf(MfaMetric.class);
        all.addAll(metrics);
        all.addAll(List.of(more));
        return new ApiResponse(statusCode, body, headers, errorCode, all);
    }

    /** The same answer with {@code more} headers, which replace ones of the same name. */
    public ApiResponse withHeaders(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(more);
        return new ApiResponse(statusCode, body, all, errorCode, metrics);
    }

    /** {@code {"error":"<code>","message":"<text for a person>"}}. */
    public static ApiResponse error(int statusCode, String error, String message) {
        return new ApiResponse(statusCode, errorBody(error, message), baseHeaders(), error);
    }

    /** An error with {@code Retry-After} in whole seconds, at least 1. */
    public static ApiResponse error(int statusCode, String error, String message, Duration retryAfter) {
        Map<String, String> headers = baseHeaders();
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        headers.put("Retry-After", Long.toString(seconds));
        return new ApiResponse(statusCode, errorBody(error, message), headers, error);
    }

    /** API Gateway's own answer when the JWT authorizer rejects a request. */
    public static ApiResponse unauthorized() {
        return new ApiResponse(401, JsonObject.create().field("message", "Unauthorized").build(), baseHeaders(), "unauthorized");
    }

    /** ISO-8601 UTC to the second, e.g. {@code 2026-11-28T10:15:30Z}. */
    public static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    public APIGatewayV2HTTPResponse toEvent() {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(statusCode)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }

    private static String errorBody(String error, String message) {
        return JsonObject.create().field("error", error).field("message", message).build();
    }

    private static Map<String, String> baseHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        return headers;
    }
}
