package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.events.PublishSecurityEventsFunction;
import io.serverlessmfa.functions.events.StreamEventSource;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.SecurityEventQueue;
import io.serverlessmfa.functions.testing.SigningKeys;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Nothing secret reaches stdout or stderr (where Lambda's logs come from) while the whole flow
 * runs, errors and a DynamoDB outage included: not the secret, a code sent, a recovery code, the
 * KMS ciphertext, the user's email, nor the bearer token; not an MFA token (those the flow
 * earns, and the operator's step-up sent in X-MFA-Token); and not the token signing key's private
 * half in any form (PKCS#8, the scalar d), which also never appears in any response, the JWKS
 * included. The private key is the one the table holds, unsealed here with KMS.
 *
 * <p>A {@code sub} has one place, on purpose: the {@code sub} field of its caller's own request
 * line, for incident tracing (RequestLog). Every request line must name exactly its caller (none on
 * a public route), and anywhere else (another field, another caller's line, a fault line, an EMF
 * document) the user's and the operator's sub are searched for like any forbidden string; so the
 * user looked up or reset by the helpdesk never appears in the operator's lines.
 *
 * <p>The security events the flow publishes (PublishSecurityEventsFunction, fed from the table's
 * stream, on a bus whose rule delivers to a queue) are searched too: the publisher's own log lines
 * like every other line, and each event as a consumer receives it for everything above but the
 * subs (an event names its user, and a reset's operator record its operator), and for the request's
 * address and browser, which the audit trail keeps and an event never carries.
 */
class SecretsHygieneIT {

    private static final String DEAD_ENDPOINT = "http://127.0.0.1:1";

    private final String token = "eyJhbGciOiJSUzI1NiJ9." + UUID.randomUUID().toString().replace("-", "") + ".c2lnbmF0dXJl";
    private final List<String> codesSent = new ArrayList<>();
    private final List<String> recoveryCodes = new ArrayList<>();
    /** Every MFA token a response carried, by where it came from. */
    private final Map<String, String> mfaTokens = new LinkedHashMap<>();
    /** The caller's sub of each request, by request id (null: a public route, no caller). */
    private final Map<String, String> callers = new HashMap<>();
    /** Every response body, searched for the private key too. */
    private final List<String> responses = new ArrayList<>();
    private int requestNumber;
    private MfaApi api;
    private TestUser user;
    private final TestUser operator = TestUser.operator();

    @Test
    void theFullFlowLogsNoSecretCodeCiphertextEmailOrTokenAndASubOnlyAsItsOwnCaller() {
        AwsEmulator emulator = AwsEmulator.get();
        RawItems raw = new RawItems(emulator);
        MutableClock clock = MutableClock.atStepStart();
        user = TestUser.random();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        List<String> ciphertexts = new ArrayList<>();
        List<SecurityEventQueue.Delivered> published = new ArrayList<>();
        SecurityEventQueue eventQueue = SecurityEventQueue.create(emulator);
        String secret;
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try (DynamoDbClient deadDynamoDb = AwsClients.dynamoDb(MfaConfiguration.fromEnvironment(
                emulator.environment(Map.of(MfaConfiguration.ENDPOINT_URL, DEAD_ENDPOINT))))) {
            // Built after the redirection: each handler takes System.out when it is constructed.
            api = MfaApi.over(emulator, clock, Map.of());
            MfaFixtures fixtures = new MfaFixtures(api, clock);
            MfaApi outage = new MfaApi(new Wiring(MfaConfiguration.fromEnvironment(emulator.environment(Map.of())), clock,
                    new SecureRandom(), deadDynamoDb, emulator.kms()));
            StreamEventSource publisher = StreamEventSource.fromLatest(emulator.dynamoDb(), emulator.dynamoDbStreams(),
                    emulator.tableName(), new PublishSecurityEventsFunction(emulator.wiring(clock, eventQueue.environment())
                            .withEventBridge(emulator.eventBridge())));

            ApiResult setup = assertSuccess(201, send(api, "POST /mfa/setup", "{}"));
            secret = setup.text("secret");
            ciphertexts.add(ciphertext(raw));
            String wrong = fixtures.wrongCode(secret);
            assertError(400, "invalid_code", send(api, "POST /mfa/confirm", code(wrong)));
            ApiResult confirmed = assertSuccess(200, send(api, "POST /mfa/confirm", code(api.codeFor(secret))));
            recoveryCodes.addAll(confirmed.texts("recoveryCodes"));
            ciphertexts.add(ciphertext(raw));
            earned("confirm", confirmed);

            earned("verify", assertSuccess(200, send(api, "POST /mfa/verify",
                    "{\"code\":\"" + remember(fixtures.nextCode(secret)) + "\",\"nonce\":\"hygiene-nonce\"}")));
            assertError(400, "invalid_code", send(api, "POST /mfa/verify", code(fixtures.wrongCode(secret))));
            assertSuccess(200, send(api, "GET /mfa", null));

            ApiResult recovered = assertSuccess(200, send(api, "POST /mfa/recover", recovery(recoveryCodes.get(0))));
            recoveryCodes.addAll(recovered.texts("recoveryCodes"));
            earned("recover", recovered);
            assertError(400, "invalid_recovery_code", send(api, "POST /mfa/recover", recovery(recoveryCodes.get(0))));
            assertError(400, "invalid_request", send(api, "POST /mfa/recover", recovery(recoveryCodes.get(1) + "!")));

            ApiResult regenerated = assertSuccess(200, send(api, "POST /mfa/recovery-codes", code(fixtures.nextCode(secret))));
            recoveryCodes.addAll(regenerated.texts("recoveryCodes"));

            // The helpdesk: an operator enrols, steps up, and looks the user up with the token in
            // X-MFA-Token; another user's token and no token are refused.
            String operatorSecret = assertSuccess(201, sendAs(operator, api, "POST /mfa/setup", "{}", Map.of())).text("secret");
            earned("operator's confirm", assertSuccess(200, sendAs(operator, api, "POST /mfa/confirm",
                    code(api.codeFor(operatorSecret)), Map.of())));
            String stepUp = earned("operator's verify", assertSuccess(200, sendAs(operator, api, "POST /mfa/verify",
                    code(fixtures.nextCode(operatorSecret)), Map.of())));
            String lookup = "GET /admin/mfa/users/{userId}";
            assertSuccess(200, sendAs(operator, api, lookup, null, Map.of(MfaApi.STEP_UP_HEADER, stepUp)));
            assertError(403, "mfa_required", sendAs(operator, api, lookup, null,
                    Map.of(MfaApi.STEP_UP_HEADER, mfaTokens.get("recover"))));
            assertError(403, "mfa_required", sendAs(operator, api, lookup, null, Map.of()));

            // The public documents: the JWKS holds the public members of each key, never d.
            ApiResult discovery = sendAs(null, api, "GET /.well-known/openid-configuration", null, Map.of());
            assertEquals(200, discovery.status(), discovery::toString);
            ApiResult jwks = send(api, "GET /.well-known/jwks.json", null, Map.of());
            assertEquals(200, jwks.status(), jwks::toString);
            List<JsonNode> keys = jwks.json().field("keys").orElseThrow().asArray();
            assertFalse(keys.isEmpty(), "the JWKS publishes the signing key: " + jwks);
            for (JsonNode key : keys) {
                assertEquals(Set.of("kty", "crv", "x", "y", "kid", "use", "alg"), key.asObject().keySet(),
                        "a JWK of public members only (no d): " + jwks);
            }

            // The outage: a dead DynamoDB endpoint, with a right code and a recovery code in the requests.
            String outageCode = fixtures.nextCode(secret);
            assertError(503, "service_unavailable", send(outage, "POST /mfa/verify", code(outageCode)));
            assertError(503, "service_unavailable", send(outage, "POST /mfa/recover",
                    recovery(recoveryCodes.get(recoveryCodes.size() - 1))));
            assertError(503, "service_unavailable", send(outage, "POST /mfa/setup", "{}"));
            assertError(503, "service_unavailable", sendAs(operator, outage, lookup, null,
                    Map.of(MfaApi.STEP_UP_HEADER, stepUp)));
            assertError(503, "service_unavailable", sendAs(null, outage, "GET /.well-known/jwks.json", null, Map.of()));

            assertError(400, "invalid_code", send(api, "POST /mfa/remove", code(fixtures.wrongCode(secret))));
            assertSuccess(200, send(api, "POST /mfa/remove", code(outageCode)));
            assertSuccess(200, send(api, "GET /mfa", null));

            // The helpdesk reset (of a new pending setup): its request, its two trail events, its answer.
            assertSuccess(201, send(api, "POST /mfa/setup", "{}"));
            String reset = "POST /admin/mfa/users/{userId}/reset";
            assertSuccess(200, sendAs(operator, api, reset, MfaApi.RESET_BODY, Map.of(MfaApi.STEP_UP_HEADER, stepUp)));

            // The flow's security events, published (the publisher's log lines are captured with the rest).
            assertTrue(publisher.drain(20), "the publisher caught up with the stream");
            published.addAll(eventQueue.takeAll());
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }

        String output = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        long metricDocuments = lines.stream().filter(line -> line.startsWith("{\"_aws\"")).count();
        System.out.println("secrets hygiene: log lines scanned: " + lines.size() + ", of which " + metricDocuments
                + " EMF metric documents (" + output.length() + " characters)");
        assertTrue(metricDocuments > 0, "the EMF metrics are written to the same output and scanned too");
        assertTrue(lines.size() >= requestNumber, () -> "one log line per request at least: " + lines.size() + " < " + requestNumber);

        // Each request line names its own caller and no one else; that field is then set aside, and
        // everything that is left (the other fields, the other lines) is searched below, the subs included.
        List<String> wrongCaller = new ArrayList<>();
        List<String> searched = new ArrayList<>();
        int requestLines = 0;
        for (String line : lines) {
            Map<String, JsonNode> fields = requestLine(line);
            if (fields == null) {
                searched.add(line);
                continue;
            }
            requestLines++;
            String requestId = fields.get("requestId").asString();
            String logged = fields.containsKey("sub") ? fields.get("sub").asString() : null;
            if (!callers.containsKey(requestId) || !Objects.equals(callers.get(requestId), logged)) {
                wrongCaller.add("expected sub " + callers.get(requestId) + ": " + line);
            }
            searched.add(logged == null ? line : line.replace("\"sub\":\"" + logged + "\"", "\"sub\":\"(the caller)\""));
        }
        assertEquals(requestNumber, requestLines, "one request line per request");
        assertEquals(List.of(), wrongCaller, "every request line names exactly its caller");
        String searchedOutput = String.join("\n", searched);

        // Each forbidden value as a pattern: a literal, or for a TOTP code a number of its own.
        Map<String, Pattern> forbidden = new LinkedHashMap<>();
        forbidden.put("secret", literal(secret));
        forbidden.put("secret, lower case", literal(secret.toLowerCase(Locale.ROOT)));
        // A TOTP code is searched as a number of its own: inside a longer run of digits it is no
        // leak (the EMF Timestamp of a step that starts on a whole 1,000 s ends in "000000", the
        // first wrong code the fixtures send).
        for (String sent : codesSent) {
            forbidden.put("TOTP code " + sent, Pattern.compile("(?<![0-9])" + sent + "(?![0-9])"));
        }
        for (String recoveryCode : recoveryCodes) {
            String normalised = recoveryCode.replace("-", "");
            forbidden.put("recovery code " + recoveryCode, literal(recoveryCode));
            forbidden.put("recovery code, normalised " + normalised, literal(normalised));
            forbidden.put("recovery code, lower case " + recoveryCode, literal(normalised.toLowerCase(Locale.ROOT)));
            forbidden.put("recovery code, first two groups " + recoveryCode, literal(recoveryCode.substring(0, 9)));
        }
        for (int i = 0; i < ciphertexts.size(); i++) {
            String ciphertext = ciphertexts.get(i);
            forbidden.put("KMS ciphertext #" + i + " (Base64)", literal(ciphertext));
            forbidden.put("KMS ciphertext #" + i + " (Base64, a 24-character slice)", literal(ciphertext.substring(20, 44)));
            forbidden.put("KMS ciphertext #" + i + " (hex)", literal(HexFormat.of().formatHex(Base64.getDecoder().decode(ciphertext)).substring(0, 40)));
        }
        forbidden.put("sub (outside its own request lines' sub field)", literal(user.sub()));
        forbidden.put("email", literal(user.email()));
        forbidden.put("bearer token", literal(token));
        forbidden.put("bearer token signature part", literal(token.substring(token.indexOf('.') + 1, token.lastIndexOf('.'))));
        forbidden.put("operator's sub (outside its own request lines' sub field)", literal(operator.sub()));
        forbidden.put("operator's email", literal(operator.email()));
        assertTrue(codesSent.size() >= 7, "codes were sent: " + codesSent);
        assertEquals(Set.of("confirm", "verify", "recover", "operator's confirm", "operator's verify"), mfaTokens.keySet());
        mfaTokens.forEach((where, mfaToken) -> SigningKeys.tokenForms("MFA token of " + where, mfaToken)
                .forEach((what, form) -> forbidden.put(what, literal(form))));
        // The private key, unsealed from the table with KMS: the key that signed the tokens above.
        List<SigningKeys.Unsealed> signingKeys = SigningKeys.unsealAll(emulator);
        assertFalse(signingKeys.isEmpty(), "the flow made a signing key");
        Set<String> signedWith = new TreeSet<>();
        mfaTokens.values().forEach(mfaToken -> signedWith.add(kid(mfaToken)));
        assertTrue(signingKeys.stream().map(SigningKeys.Unsealed::kid).toList().containsAll(signedWith),
                "the tokens were signed with the keys unsealed here: " + signedWith);
        Map<String, Pattern> privateKey = new LinkedHashMap<>();
        signingKeys.forEach(key -> key.textForms().forEach((what, form) -> privateKey.put(what, literal(form))));
        forbidden.putAll(privateKey);
        List<String> inResponses = new ArrayList<>();
        privateKey.forEach((what, form) -> {
            if (responses.stream().anyMatch(body -> form.matcher(body).find())) {
                inResponses.add(what);
            }
        });
        assertEquals(List.of(), inResponses, "the private signing key in no response");

        // The published events: everything above but the subs, and the request's address and browser.
        Map<String, Pattern> forbiddenInEvents = new LinkedHashMap<>(forbidden);
        forbiddenInEvents.remove("sub (outside its own request lines' sub field)");
        forbiddenInEvents.remove("operator's sub (outside its own request lines' sub field)");
        forbiddenInEvents.put("source IP", literal("127.0.0.1"));
        forbiddenInEvents.put("user agent", literal("integration-test"));
        assertEquals(Set.of("SETUP_STARTED", "MFA_ENABLED", "RECOVERY_CODE_USED",
                "RECOVERY_CODES_REGENERATED", "MFA_REMOVED", "ADMIN_RESET", "ADMIN_RESET_PERFORMED"),
                published.stream().map(SecurityEventQueue.Delivered::type).collect(java.util.stream.Collectors.toSet()),
                "the flow's events were published and are searched");
        List<String> eventLeaks = new ArrayList<>();
        for (SecurityEventQueue.Delivered event : published) {
            // A TOTP code is a number of its own; the event id is hex, where one could appear by chance
            // between two letters, so codes are searched in the other fields (the id is a hash of the item's key).
            assertTrue(event.eventId().matches("[0-9a-f]{32}"), event::body);
            String withoutId = event.body().replace(event.eventId(), "(the event id)");
            forbiddenInEvents.forEach((what, value) -> {
                if (value.matcher(withoutId).find()) {
                    eventLeaks.add(what + " in: " + event.body());
                }
            });
        }
        assertEquals(List.of(), eventLeaks, "nothing secret, no address or browser in a published event");

        List<String> leaks = new ArrayList<>();
        forbidden.forEach((what, value) -> {
            if (value.matcher(searchedOutput).find()) {
                leaks.add(what + " in: " + searched.stream().filter(line -> value.matcher(line).find()).findFirst().orElse("?"));
            }
        });
        System.out.println("secrets hygiene: " + forbidden.size() + " forbidden strings checked, " + codesSent.size()
                + " codes sent, " + recoveryCodes.size() + " recovery codes, " + requestNumber + " requests");
        assertEquals(List.of(), leaks, "nothing secret in the logs");
        assertFalse(output.contains("Bearer"), "no Authorization header in the logs");
    }

    private ApiResult send(MfaApi handlers, String route, String body) {
        return sendAs(user, handlers, route, body, Map.of());
    }

    private ApiResult send(MfaApi handlers, String route, String body, Map<String, String> headers) {
        return sendAs(null, handlers, route, body, headers);
    }

    /**
     * A request of {@code caller} (null: none, a public route) with the bearer token and extra
     * headers; on a helpdesk route, about the flow's user.
     */
    private ApiResult sendAs(TestUser caller, MfaApi handlers, String route, String body, Map<String, String> headers) {
        APIGatewayV2HTTPEvent event = MfaApi.event(route, caller == null ? null : handlers.claimsOf(caller), body,
                body == null ? null : "application/json", false);
        if (caller != null) {
            event.getHeaders().put("authorization", "Bearer " + token);
        } else {
            event.getHeaders().remove("authorization");
        }
        event.getHeaders().putAll(headers);
        if (route.contains("{userId}")) {
            event.setPathParameters(Map.of("userId", user.sub()));
        }
        // A request id of letters only, so a 6-digit code cannot appear in it by chance.
        String requestId = "hygiene-request-" + letters(++requestNumber);
        event.getRequestContext().setRequestId(requestId);
        callers.put(requestId, caller == null ? null : caller.sub());
        ApiResult result = handlers.invoke(route, event);
        responses.add(result.body());
        return result;
    }

    /** A request line (RequestLog: JSON with a duration and a request id) as its fields; null for any other line. */
    private static Map<String, JsonNode> requestLine(String line) {
        if (!line.startsWith("{") || line.startsWith("{\"_aws\"")) {
            return null;
        }
        Map<String, JsonNode> fields;
        try {
            fields = JsonNode.parser().parse(line).asObject();
        } catch (RuntimeException notJson) {
            return null; // searched whole, as any other line
        }
        return fields.containsKey("durationMs") && fields.containsKey("requestId") ? fields : null;
    }

    /** Keeps the MFA token of a success; returns it. */
    private String earned(String where, ApiResult result) {
        String mfaToken = result.text("mfaToken");
        assertTrue(mfaToken != null && !mfaToken.isEmpty(), where + " earns an MFA token: " + result);
        assertEquals(null, mfaTokens.put(where, mfaToken), where);
        return mfaToken;
    }

    private String remember(String code) {
        codesSent.add(code);
        return code;
    }

    /** The kid in a token's header. */
    private static String kid(String mfaToken) {
        String header = new String(Base64.getUrlDecoder().decode(mfaToken.substring(0, mfaToken.indexOf('.'))),
                StandardCharsets.UTF_8);
        return JsonNode.parser().parse(header).field("kid").orElseThrow().asString();
    }

    private String code(String value) {
        codesSent.add(value);
        return "{\"code\":\"" + value + "\"}";
    }

    private static String recovery(String value) {
        return "{\"recoveryCode\":\"" + value + "\"}";
    }

    private String ciphertext(RawItems raw) {
        return Base64.getEncoder().encodeToString(raw.get(user.sub()).get("secretCiphertext").b().asByteArray());
    }

    private static String letters(int number) {
        StringBuilder out = new StringBuilder();
        do {
            out.append((char) ('a' + number % 26));
            number /= 26;
        } while (number > 0);
        return out.toString();
    }

    private static Pattern literal(String value) {
        return Pattern.compile(Pattern.quote(value));
    }
}
