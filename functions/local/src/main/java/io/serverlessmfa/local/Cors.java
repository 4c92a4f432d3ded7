package io.serverlessmfa.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What API Gateway does for an HTTP API with a CORS configuration (template.yaml's
 * {@code CorsConfiguration} on {@code MfaApi}), for the local gateway: it answers a preflight itself
 * (an {@code OPTIONS} request with {@code Origin} and {@code Access-Control-Request-Method}; no route,
 * no authorizer) and adds {@code Access-Control-Allow-Origin} to every other answer. Only for an
 * allowed origin: any other origin gets no CORS header, so its browser blocks the call. The allowed
 * headers, methods, exposed headers and max age are template.yaml's; the origins come from
 * {@value #ALLOWED_ORIGINS} (comma-separated; unset or empty: none, like the template's
 * {@code CorsAllowedOrigins} default, and then the gateway has no CORS at all).
 *
 * @param allowedOrigins exact origins ({@code scheme://host[:port]}), as a browser sends them in {@code Origin}
 */
public record Cors(Set<String> allowedOrigins, List<String> allowHeaders, List<String> allowMethods, List<String> exposeHeaders,
                   int maxAgeSeconds) {

    /** The local gateway's environment variable: the origins, as template.yaml's CorsAllowedOrigins. */
    public static final String ALLOWED_ORIGINS = "MFA_CORS_ALLOWED_ORIGINS";

    public Cors {
        allowedOrigins = Set.copyOf(allowedOrigins);
        allowHeaders = List.copyOf(allowHeaders);
        allowMethods = List.copyOf(allowMethods);
        exposeHeaders = List.copyOf(exposeHeaders);
    }

    /** No CORS: the gateway answers as an API without a CORS configuration. */
    public static Cors none() {
        return new Cors(Set.of(), List.of(), List.of(), List.of(), 0);
    }

    /** template.yaml's CORS settings for the origins in {@code origins} (the variable's value; null or blank: none). */
    public static Cors of(SamTemplate template, String origins) {
        Set<String> allowed = origins == null ? Set.of() : Stream.of(origins.split(","))
                .map(String::trim).filter(origin -> !origin.isEmpty()).collect(Collectors.toUnmodifiableSet());
        if (allowed.isEmpty()) {
            return none();
        }
        SamTemplate.CorsConfiguration configuration = template.corsConfiguration();
        return new Cors(allowed, configuration.allowHeaders(), configuration.allowMethods(), configuration.exposeHeaders(),
                configuration.maxAgeSeconds());
    }

    /** Whether the API has CORS at all (an origin is allowed). */
    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }

    /** A CORS preflight, which API Gateway answers itself: OPTIONS with Origin and Access-Control-Request-Method. */
    boolean isPreflight(String method, String origin, String requestedMethod) {
        return enabled() && method.equals("OPTIONS") && origin != null && requestedMethod != null;
    }

    /** The preflight's headers: the allowed origin echoed, the methods, headers and max age; nothing for another origin. */
    Map<String, String> preflightHeaders(String origin) {
        if (!allows(origin)) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>(responseHeaders(origin));
        headers.put("Access-Control-Allow-Methods", String.join(",", allowMethods));
        headers.put("Access-Control-Allow-Headers", String.join(",", allowHeaders));
        headers.put("Access-Control-Max-Age", Integer.toString(maxAgeSeconds));
        return headers;
    }

    /**
     * The headers added to an answer for a request from {@code origin}: the origin echoed,
     * {@code Vary: Origin} because the answer differs by origin (a shared cache must not hand one
     * origin's answer to another, Fetch standard, "CORS protocol and HTTP caches"), and the headers
     * a script may read beyond the safelisted ones ({@code Retry-After} of a 429 or 503, {@code WWW-Authenticate} of a 401).
     */
    Map<String, String> responseHeaders(String origin) {
        if (!allows(origin)) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", origin);
        headers.put("Vary", "Origin");
        if (!exposeHeaders.isEmpty()) {
            headers.put("Access-Control-Expose-Headers", String.join(",", exposeHeaders));
        }
        return headers;
    }

    private boolean allows(String origin) {
        return origin != null && allowedOrigins.contains(origin);
    }
}
