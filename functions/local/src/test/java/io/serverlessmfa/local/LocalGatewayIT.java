package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.handler.MfaFunction;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MutableClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** `make run`'s gateway over HTTP: template.yaml's routes, the JWT check, /dev/token, the portal. */
class LocalGatewayIT {

    private static LocalGateway gateway;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The development issuer's clock, as `make run` gives it. */
    private static final Clock ISSUER_CLOCK = Clock.systemUTC();

    @BeforeAll
    static void start() throws Exception {
        Wiring wiring = AwsEmulator.get().wiring(MutableClock.atStepStart(), Map.of());
        Map<String, MfaFunction> routes = new HashMap<>();
        for (SamTemplate.Function function : SamTemplate.load(RepositoryFiles.template()).functions()) {
            @SuppressWarnings("unchecked")
            MfaFunction handler =
                    (MfaFunction) Class.forName(function.handlerClass())
                            .getConstructor(Wiring.class).newInstance(wiring);
            routes.put(function.routeKey(), handler);
        }
        gateway = new LocalGateway(routes, new DevelopmentTokens(new SecureRandom(), ISSUER_CLOCK),
                RepositoryFiles.root().resolve("portal"));
        gateway.start(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        gateway.stop();
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return send(method, path, token, body, null);
    }

    /** With the operator's step-up in {@code X-MFA-Token} ({@code null}: none). */
    private static HttpResponse<String> send(String method, String path, String token, String body, String mfaToken)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (mfaToken != null) {
            request.header("X-MFA-Token", mfaToken);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(String username) throws Exception {
        HttpResponse<String> response = send("POST", "/dev/token", null, "{\"username\":\"" + username + "\"}");
        assertEquals(200, response.statusCode());
        return JsonNode.parser().parse(response.body()).field("token").orElseThrow().asString();
    }

    @Test
    void anOperatorTokenReachesTheHelpdeskRoutesWithThePathParameterAndAUserTokenDoesNot() throws Exception {
        String user = "gateway-user-" + System.nanoTime() + "@example.com";
        String userToken = token(user);
        assertEquals(201, send("POST", "/mfa/setup", userToken, null).statusCode());
        HttpResponse<String> operatorToken = send("POST", "/dev/token", null,
                "{\"username\":\"helpdesk@example.com\",\"groups\":[\"mfa-admin\"]}");
        String operator = JsonNode.parser().parse(operatorToken.body()).field("token").orElseThrow().asString();

        assertEquals(403, send("GET", "/admin/mfa/stats", operator, null).statusCode(), "no step-up yet");
        String stepUp = stepUp(operator);

        HttpResponse<String> view = send("GET", "/admin/mfa/users/" + java.net.URLEncoder.encode(user,
                java.nio.charset.StandardCharsets.UTF_8), operator, null, stepUp);
        assertEquals(200, view.statusCode(), view.body());
        assertEquals("PENDING", JsonNode.parser().parse(view.body()).field("status").orElseThrow().asString());
        assertEquals(user, JsonNode.parser().parse(view.body()).field("userId").orElseThrow().asString(),
                "the path parameter arrives decoded, as API Gateway passes it");
        assertEquals(200, send("GET", "/admin/mfa/stats", operator, null, stepUp).statusCode());
        assertEquals(403, send("GET", "/admin/mfa/stats", userToken, null, stepUp).statusCode());
        assertEquals(403, send("POST", "/admin/mfa/users/x/reset", userToken, null).statusCode());
    }

    @Test
    void aSignedInUserSetsUpMfaThroughTheGateway() throws Exception {
        String token = token("gateway-" + System.nanoTime() + "@example.com");
        assertEquals("{\"status\":\"NONE\"}", send("GET", "/mfa", token, null).body());
        HttpResponse<String> setup = send("POST", "/mfa/setup", token, null);
        assertEquals(201, setup.statusCode(), setup.body());
        assertEquals("no-store", setup.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("PENDING", JsonNode.parser().parse(send("GET", "/mfa", token, null).body())
                .field("status").orElseThrow().asString());
    }

    @Test
    void aDevelopmentTokenOfAnEarlierSignInIsAskedToSignInAgainForSetup() throws Exception {
        String user = "gateway-stale-" + System.nanoTime() + "@example.com";
        long twoHoursAgo = ISSUER_CLOCK.instant().minus(Duration.ofHours(2)).getEpochSecond();
        HttpResponse<String> issued = send("POST", "/dev/token", null,
                "{\"username\":\"" + user + "\",\"authTime\":" + twoHoursAgo + "}");
        assertEquals(200, issued.statusCode(), issued.body());
        String stale = JsonNode.parser().parse(issued.body()).field("token").orElseThrow().asString();

        HttpResponse<String> refused = send("POST", "/mfa/setup", stale, null);
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("reauthentication_required", JsonNode.parser().parse(refused.body()).field("error").orElseThrow().asString());
        assertTrue(refused.headers().firstValue("WWW-Authenticate").orElseThrow().contains("max_age=\"3600\""),
                refused.headers().toString());
        assertEquals("{\"status\":\"NONE\"}", send("GET", "/mfa", stale, null).body(), "status takes any sign-in");
        assertEquals(201, send("POST", "/mfa/setup", token(user), null).statusCode(), "a new sign-in");
    }

    @Test
    void anAuthTimeThatIsNoSignInTheIssuerSawIsABadRequest() throws Exception {
        long inAnHour = ISSUER_CLOCK.instant().plus(Duration.ofHours(1)).getEpochSecond();
        for (String authTime : new String[] {Long.toString(inAnHour), "-1", "1.5", "\"1795860000\"", "null", "1e9"}) {
            HttpResponse<String> refused = send("POST", "/dev/token", null,
                    "{\"username\":\"alice@example.com\",\"authTime\":" + authTime + "}");
            assertEquals(400, refused.statusCode(), authTime + ": " + refused.body());
        }
    }

    /** The operator's own MFA turned on (setup, confirm), as the portal does it: the confirm's MFA token. */
    private static String stepUp(String operator) throws Exception {
        HttpResponse<String> setup = send("POST", "/mfa/setup", operator, null);
        String secret = JsonNode.parser().parse(setup.body()).field("secret").orElseThrow().asString();
        String code = new io.serverlessmfa.core.totp.TotpGenerator(io.serverlessmfa.core.enrollment.MfaPolicy
                .defaults("Serverless MFA").totp()).generate(io.serverlessmfa.core.totp.SecretKeys.forTotp(
                io.serverlessmfa.core.secret.Base32.decode(secret), io.serverlessmfa.core.totp.HmacAlgorithm.SHA1),
                java.time.Instant.now()).digits();
        HttpResponse<String> confirmed = send("POST", "/mfa/confirm", operator, "{\"code\":\"" + code + "\"}");
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        return JsonNode.parser().parse(confirmed.body()).field("mfaToken").orElseThrow().asString();
    }

    @Test
    void thePublicDocumentsNeedNoTokenAndNameThisGatewayAsTheIssuer() throws Exception {
        HttpResponse<String> discovery = send("GET", "/.well-known/openid-configuration", null, null);
        assertEquals(200, discovery.statusCode(), discovery.body());
        String issuer = "http://127.0.0.1:" + gateway.port();
        assertEquals(issuer, JsonNode.parser().parse(discovery.body()).field("issuer").orElseThrow().asString());
        assertEquals(issuer + "/.well-known/jwks.json",
                JsonNode.parser().parse(discovery.body()).field("jwks_uri").orElseThrow().asString());
        HttpResponse<String> jwks = send("GET", "/.well-known/jwks.json", "not-a-jwt", null);
        assertEquals(200, jwks.statusCode(), "a token, even a bad one, changes nothing on a public route");
        assertTrue(jwks.headers().firstValue("Cache-Control").orElseThrow().startsWith("public, max-age="));
    }

    @Test
    void everyMfaRouteRefusesAMissingMalformedTamperedOrForeignToken() throws Exception {
        String token = token("alice@example.com");
        String[] parts = token.split("\\.");
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("alice", "mallory").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String foreign = new DevelopmentTokens(new SecureRandom(), Clock.systemUTC()).issue("alice@example.com", java.util.List.of());
        for (SamTemplate.Function route : SamTemplate.load(RepositoryFiles.template()).functions()) {
            if (route.isPublic()) {
                continue; // the discovery document and the JWKS: see thePublicDocumentsNeedNoToken...
            }
            for (String bad : new String[] {null, "not-a-jwt", parts[0] + "." + forgedPayload + "." + parts[2], foreign}) {
                String path = route.path().replaceAll("\\{[^}]+}", "some-user");
                HttpResponse<String> response = send(route.method(), path, bad, route.method().equals("GET") ? null : "{}");
                assertEquals(401, response.statusCode(), route.routeKey());
                assertEquals("{\"message\":\"Unauthorized\"}", response.body());
            }
        }
    }

    @Test
    void unknownRoutesAreNotFoundAndTheTokenIssuerNeedsAUsername() throws Exception {
        assertEquals(404, send("POST", "/mfa/unknown", token("alice@example.com"), "{}").statusCode());
        assertEquals(404, send("DELETE", "/mfa", null, null).statusCode());
        assertEquals(400, send("POST", "/dev/token", null, "{}").statusCode());
        assertEquals(400, send("POST", "/dev/token", null, "not json").statusCode());
    }

    @Test
    void withoutCorsOriginsThereIsNoPreflightAnswerAndNoCorsHeader() throws Exception {
        // As API Gateway without a CorsConfiguration (template.yaml's default): no OPTIONS route at all.
        HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/mfa"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://portal.example.com")
                .header("Access-Control-Request-Method", "GET").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, preflight.statusCode());
        HttpResponse<String> status = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/mfa"))
                .header("Origin", "https://portal.example.com").header("Authorization", "Bearer " + token("alice@example.com"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode());
        for (HttpResponse<String> answer : java.util.List.of(preflight, status)) {
            assertTrue(answer.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), answer.toString());
        }
    }

    @Test
    void thePortalPageIsServedAtTheRoot() throws Exception {
        HttpResponse<String> page = send("GET", "/", null, null);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertTrue(page.body().contains("<script type=\"module\" src=\"js/main.js\"></script>"));
    }

    @Test
    void thePortalsModulesAreServedAsJavaScriptFromTheirFolder() throws Exception {
        // A browser refuses a module script served with any other type.
        for (String module : new String[] {"/js/main.js", "/js/api.js"}) {
            HttpResponse<String> script = send("GET", module, null, null);
            assertEquals(200, script.statusCode(), module);
            assertEquals("text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElseThrow(), module);
            assertEquals(Files.readString(RepositoryFiles.root().resolve("portal" + module)), script.body(), module);
        }
        assertEquals(404, send("GET", "/js/", null, null).statusCode(), "a folder is not a file");
        assertEquals(404, send("GET", "/js/missing.js", null, null).statusCode());
    }

    @Test
    void noPathLeavesThePortalFolder() throws Exception {
        // pom.xml is one folder above portal/, /etc/passwd anywhere: neither may come back.
        for (String path : new String[] {"/../pom.xml", "/js/../../pom.xml", "/js/..%2F..%2Fpom.xml",
                "/%2e%2e/pom.xml", "/js/%2E%2E/%2E%2E/pom.xml", "/..%2fpom.xml", "/..%5cpom.xml", "//etc/passwd",
                "/%2Fetc%2Fpasswd", "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd"}) {
            HttpResponse<String> response = send("GET", path, null, null);
            assertEquals(404, response.statusCode(), path);
            assertEquals("{\"message\":\"Not Found\"}", response.body(), path);
        }
    }
}
