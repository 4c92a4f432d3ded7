package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The request line names who asked (docs/security.md, "Untraceable incidents"): the caller's
 * {@code sub} from the JWT authorizer's claims and the source address API Gateway saw, on every
 * answer, a refused one included; a request without claims (401), a public route and an event that
 * cannot be read are logged with what they have. Nothing else of the request reaches the line.
 */
class RequestLogIT {

    /** Every field a request line may have; the email, the token, the User-Agent and the body have none. */
    private static final Set<String> FIELDS = Set.of("level", "function", "status", "durationMs", "requestId", "error",
            "sub", "sourceIp");
    /** Addresses of the documentation ranges (RFC 5737, RFC 3849), one per request, so a line cannot borrow another's. */
    private static final String SIGNED_IN = "198.51.100.23";
    private static final String MALFORMED = "203.0.113.9";
    private static final String NO_CLAIMS = "192.0.2.44";
    private static final String PUBLIC = "2001:db8::7";

    @Test
    void eachRequestLineCarriesTheCallersSubAndSourceIpAndNothingElseOfTheRequest() throws Exception {
        AwsEmulator emulator = AwsEmulator.get();
        MutableClock clock = MutableClock.atStepStart();
        TestUser user = TestUser.random();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            // Built after the redirection: each handler takes System.out when it is constructed.
            MfaApi api = MfaApi.over(emulator, clock, Map.of());

            assertSuccess(200, send(api, "GET /mfa", user.claims(), null, SIGNED_IN, "log-signed-in"));
            // Refused while its body is parsed: the claims were there all the same.
            assertError(400, "invalid_request", send(api, "POST /mfa/verify", user.claims(), "{\"code\":", MALFORMED,
                    "log-malformed"));
            ApiResult unauthorized = send(api, "GET /mfa", null, null, NO_CLAIMS, "log-no-claims");
            assertEquals(401, unauthorized.status(), unauthorized::toString);
            ApiResult discovery = send(api, "GET /.well-known/openid-configuration", null, null, PUBLIC, "log-public");
            assertEquals(200, discovery.status(), discovery::toString);

            // The Lambda entry point with bytes that are no event: answered 401, logged without a caller.
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            new StatusHandler(emulator.wiring(clock, Map.of())).handleRequest(
                    new ByteArrayInputStream("not an event".getBytes(StandardCharsets.UTF_8)), answer, null);
            assertTrue(answer.toString(StandardCharsets.UTF_8).contains("\"statusCode\":401"), answer::toString);
        } finally {
            System.setOut(originalOut);
        }

        Map<String, Map<String, JsonNode>> lines = new LinkedHashMap<>();
        Map<String, JsonNode> unreadable = null;
        for (String line : captured.toString(StandardCharsets.UTF_8).lines().toList()) {
            if (!line.startsWith("{") || line.startsWith("{\"_aws\"")) {
                continue;
            }
            Map<String, JsonNode> fields = JsonNode.parser().parse(line).asObject();
            if (!fields.containsKey("durationMs")) {
                continue; // not a request line (a fault line, say)
            }
            assertTrue(FIELDS.containsAll(fields.keySet()), "only the request line's own fields: " + line);
            if (fields.containsKey("requestId")) {
                lines.put(fields.get("requestId").asString(), fields);
            } else {
                unreadable = fields;
            }
        }
        System.out.println("request log: " + lines);

        assertCaller(lines.get("log-signed-in"), 200, user.sub(), SIGNED_IN);
        assertCaller(lines.get("log-malformed"), 400, user.sub(), MALFORMED);
        assertCaller(lines.get("log-no-claims"), 401, null, NO_CLAIMS);
        assertCaller(lines.get("log-public"), 200, null, PUBLIC);
        assertCaller(unreadable, 401, null, null);
    }

    private static void assertCaller(Map<String, JsonNode> line, int status, String sub, String sourceIp) {
        assertTrue(line != null, "a request line for each request");
        assertEquals(String.valueOf(status), line.get("status").asNumber(), line::toString);
        assertEquals(sub, text(line, "sub"), () -> (sub == null ? "no sub without claims: " : "the caller's sub: ") + line);
        assertEquals(sourceIp, text(line, "sourceIp"), () -> "the address the event had, or none: " + line);
    }

    private static String text(Map<String, JsonNode> line, String field) {
        return line.containsKey(field) ? line.get(field).asString() : null;
    }

    private static ApiResult send(MfaApi api, String route, Map<String, String> claims, String body, String sourceIp,
                                  String requestId) {
        APIGatewayV2HTTPEvent event = MfaApi.event(route, claims, body, body == null ? null : "application/json", false);
        if (claims == null) {
            event.getHeaders().remove("authorization");
        }
        event.getRequestContext().getHttp().setSourceIp(sourceIp);
        event.getRequestContext().setRequestId(requestId);
        return api.invoke(route, event);
    }
}
