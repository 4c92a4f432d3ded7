package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.handler.MfaFunction;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MutableClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The local gateway with MFA_CORS_ALLOWED_ORIGINS set behaves like API Gateway with template.yaml's
 * CorsConfiguration: it answers preflights itself (any path, no token) and marks the answers to an
 * allowed origin; another origin gets no CORS header at all, so its browser refuses.
 */
class LocalGatewayCorsIT {

    private static final String PORTAL = "https://portal.example.com";
    private static final String OTHER = "https://evil.example";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LocalGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Wiring wiring = AwsEmulator.get().wiring(MutableClock.atStepStart(), Map.of());
        Map<String, MfaFunction> routes = new HashMap<>();
        SamTemplate template = SamTemplate.load(RepositoryFiles.template());
        for (SamTemplate.Function function : template.functions()) {
            routes.put(function.routeKey(),
                    (MfaFunction) Class.forName(function.handlerClass()).getConstructor(Wiring.class).newInstance(wiring));
        }
        gateway = new LocalGateway(routes, new DevelopmentTokens(new SecureRandom(), Clock.systemUTC()),
                RepositoryFiles.root().resolve("portal"), Cors.of(template, PORTAL + ",http://localhost:8080"));
        gateway.start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        gateway.stop();
    }

    private static HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> preflight(String path, String origin) throws Exception {
        return send("OPTIONS", path, Map.of("Origin", origin, "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization,content-type,x-mfa-token"), null);
    }

    private static String token(String username) throws Exception {
        HttpResponse<String> response = send("POST", "/dev/token", Map.of("Content-Type", "application/json"),
                "{\"username\":\"" + username + "\"}");
        return JsonNode.parser().parse(response.body()).field("token").orElseThrow().asString();
    }

    private static List<String> corsHeaders(HttpHeaders headers) {
        return headers.map().keySet().stream().filter(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-")).toList();
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithoutATokenOnAnyRoute() throws Exception {
        for (String path : new String[] {"/mfa/verify", "/mfa", "/admin/mfa/users/some-user/reset", "/.well-known/jwks.json"}) {
            HttpResponse<String> answer = preflight(path, PORTAL);
            assertEquals(204, answer.statusCode(), path);
            assertEquals(PORTAL, answer.headers().firstValue("Access-Control-Allow-Origin").orElseThrow(), path);
            assertEquals("GET,POST", answer.headers().firstValue("Access-Control-Allow-Methods").orElseThrow(), path);
            assertEquals("authorization,content-type,x-mfa-token",
                    answer.headers().firstValue("Access-Control-Allow-Headers").orElseThrow(), path);
            assertEquals("600", answer.headers().firstValue("Access-Control-Max-Age").orElseThrow(), path);
            assertEquals("", answer.body(), path);
        }
        assertEquals("http://localhost:8080", preflight("/mfa", "http://localhost:8080").headers()
                .firstValue("Access-Control-Allow-Origin").orElseThrow(), "each allowed origin is echoed, never a list");
    }

    @Test
    void aPreflightFromAnotherOriginGetsNoCorsHeader() throws Exception {
        for (String origin : new String[] {OTHER, PORTAL + ".evil.example", "http://portal.example.com", "null"}) {
            HttpResponse<String> answer = preflight("/mfa/verify", origin);
            assertEquals(204, answer.statusCode(), origin);
            assertEquals(List.of(), corsHeaders(answer.headers()), origin);
        }
    }

    @Test
    void answersToAnAllowedOriginCarryItsOriginAndVaryOriginWhateverTheStatus() throws Exception {
        String token = token("cors-" + System.nanoTime() + "@example.com");
        HttpResponse<String> status = send("GET", "/mfa", Map.of("Origin", PORTAL, "Authorization", "Bearer " + token), null);
        assertEquals(200, status.statusCode(), status.body());
        assertEquals(PORTAL, status.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertEquals("Origin", status.headers().firstValue("Vary").orElseThrow());
        assertEquals("retry-after,www-authenticate", status.headers().firstValue("Access-Control-Expose-Headers").orElseThrow(),
                "the portal's script reads Retry-After of a 429 or 503 and the challenge of a 401");

        // The authorizer's 401 too: the portal can read it and sign the user in again.
        HttpResponse<String> unauthorized = send("POST", "/mfa/verify", Map.of("Origin", PORTAL), "{}");
        assertEquals(401, unauthorized.statusCode());
        assertEquals(PORTAL, unauthorized.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());

        HttpResponse<String> discovery = send("GET", "/.well-known/openid-configuration", Map.of("Origin", PORTAL), null);
        assertEquals(200, discovery.statusCode());
        assertEquals(PORTAL, discovery.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    }

    @Test
    void answersToAnotherOriginOrToNoOriginCarryNoCorsHeader() throws Exception {
        String token = token("cors-other-" + System.nanoTime() + "@example.com");
        for (Map<String, String> headers : List.of(Map.of("Origin", OTHER, "Authorization", "Bearer " + token),
                Map.of("Authorization", "Bearer " + token))) {
            HttpResponse<String> answer = send("GET", "/mfa", headers, null);
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(List.of(), corsHeaders(answer.headers()), headers.keySet().toString());
            assertTrue(answer.headers().firstValue("Vary").isEmpty(), headers.keySet().toString());
        }
    }

    @Test
    void anOptionsRequestThatIsNoPreflightGoesToTheRoutesWhichHaveNoOptionsRoute() throws Exception {
        HttpResponse<String> answer = send("OPTIONS", "/mfa", Map.of("Origin", PORTAL), null);
        assertEquals(404, answer.statusCode());
        assertEquals("{\"message\":\"Not Found\"}", answer.body());
    }
}
