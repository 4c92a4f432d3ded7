package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.handler.MfaFunction;
import io.serverlessmfa.functions.http.HttpApiPayload;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Proves the files in events/ work with `sam local invoke` (which needs Docker, absent here): each
 * file's bytes go to the stream handler template.yaml names for its route, as Lambda's runtime
 * hands them over, and are answered as the contract says, over the emulator. Only values change
 * in the text before the call: fresh user ids (tests stay independent), a real code in place
 * of the file's example code, and the sign-in ({@code auth_time}, {@code iat}) dated now: setup,
 * recovery codes and remove refuse the files' sign-in of 2026-11-28 once it is an hour old. And {@link HttpApiPayload}, which reads those bytes in place of the
 * Lambda runtime's serializer, reads every file exactly as that serializer does
 * (aws-lambda-java-tests' EventLoader), field by field, for every field a route uses.
 */
class EventFilesIT {

    /** The example user of the files, and the operator of the admin files. */
    private static final String FILE_USER = "2f9c1e7a-5b3d-4c8e-9a61-7d2e4f0b8c35";
    private static final String FILE_OPERATOR = "9b1d2c3e-4f50-4a6b-8c7d-0e1f2a3b4c5d";
    /** The admin files' X-MFA-Token: what a developer pastes there is the operator's token from POST /mfa/verify. */
    private static final String FILE_STEP_UP = "MFA-TOKEN-OF-THE-OPERATOR-FROM-POST-mfa-verify";
    /** The files' sign-in ({@code auth_time} and {@code iat}, 2026-11-28T10:00:00Z), as the JWT authorizer hands it over. */
    private static final String FILE_SIGN_IN = "\"1795860000\"";
    /** The files' API domain, from which the functions derive the tokens' issuer. */
    private static final String FILE_DOMAIN = "abc123.execute-api.eu-west-1.amazonaws.com";

    static Stream<Path> eventFiles() throws IOException {
        return Files.list(RepositoryFiles.root().resolve("events"))
                .filter(path -> !path.getFileName().toString().equals("env.json"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("eventFiles")
    void ourPayloadReaderReadsTheFileAsTheLambdaRuntimeDoes(Path file) throws Exception {
        APIGatewayV2HTTPEvent runtime = EventLoader.loadApiGatewayHttpEvent(file.toString());
        APIGatewayV2HTTPEvent ours;
        try (InputStream in = Files.newInputStream(file)) {
            ours = HttpApiPayload.read(in);
        }

        assertEquals(runtime.getRouteKey(), ours.getRouteKey());
        assertEquals(runtime.getRawPath(), ours.getRawPath());
        assertEquals(runtime.getHeaders(), ours.getHeaders());
        assertEquals(runtime.getQueryStringParameters(), ours.getQueryStringParameters());
        assertEquals(runtime.getPathParameters(), ours.getPathParameters());
        assertEquals(runtime.getBody(), ours.getBody());
        assertEquals(runtime.getIsBase64Encoded(), ours.getIsBase64Encoded());
        APIGatewayV2HTTPEvent.RequestContext expected = runtime.getRequestContext();
        APIGatewayV2HTTPEvent.RequestContext actual = ours.getRequestContext();
        assertEquals(expected.getRequestId(), actual.getRequestId());
        assertEquals(expected.getRouteKey(), actual.getRouteKey());
        assertEquals(expected.getHttp().getMethod(), actual.getHttp().getMethod());
        assertEquals(expected.getHttp().getPath(), actual.getHttp().getPath());
        assertEquals(expected.getHttp().getSourceIp(), actual.getHttp().getSourceIp());
        assertEquals(expected.getHttp().getUserAgent(), actual.getHttp().getUserAgent());
        assertEquals(expected.getDomainName(), actual.getDomainName());
        // The public routes (the discovery document, the JWKS) have no authorizer, hence no claims.
        assertEquals(expected.getAuthorizer() == null, actual.getAuthorizer() == null);
        if (expected.getAuthorizer() != null) {
            assertEquals(expected.getAuthorizer().getJwt().getClaims(), actual.getAuthorizer().getJwt().getClaims());
            assertEquals(expected.getAuthorizer().getJwt().getScopes(), actual.getAuthorizer().getJwt().getScopes());
        }
    }

    @ParameterizedTest
    @MethodSource("eventFiles")
    void theEventFileRunsTheHandlerTheTemplateNames(Path file) throws Exception {
        runs(file, (function, clock, event, out) -> {
            MfaFunction handler = (MfaFunction) Class.forName(function.handlerClass())
                    .getConstructor(Wiring.class).newInstance(AwsEmulator.get().wiring(clock, Map.of()));
            handler.handleRequest(new ByteArrayInputStream(event), out, null);
        });
    }

    /**
     * The same, through the jar Lambda runs (functions/mfa/target/mfa-functions-lambda.jar, whose
     * SDK clients carry only the operations ProGuard found reachable: client-shrink.pro), alone in
     * a class loader of its own over the JDK's: each route answers from the deployed bytes, with
     * the SDK clients its own configuration builds, not from this module's class path.
     */
    @ParameterizedTest
    @MethodSource("eventFiles")
    void theEventFileRunsTheHandlerOfTheDeployedJar(Path file) throws Exception {
        runs(file, (function, clock, event, out) -> {
            Object handler = DeployedJar.function(function.handlerClass(), clock, AwsEmulator.get().environment(Map.of()));
            assertEquals(DeployedJar.loader(), handler.getClass().getClassLoader(), "the handler comes from the deployed jar");
            handler.getClass().getMethod("handleRequest", InputStream.class, OutputStream.class, DeployedJar.context())
                    .invoke(handler, new ByteArrayInputStream(event), out, null);
        });
    }

    /** Runs one handler of {@code function} on an event's bytes, writing the response's. */
    private interface Invoker {
        void invoke(SamTemplate.Function function, MutableClock clock, byte[] event, OutputStream out) throws Exception;
    }

    /**
     * Brings a fresh user to the state the file's route needs, runs the file's bytes (with that
     * user and real codes) through {@code invoker}, and checks the answer.
     */
    private static void runs(Path file, Invoker invoker) throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String route = EventLoader.loadApiGatewayHttpEvent(file.toString()).getRouteKey();
        SamTemplate.Function function = SamTemplate.load(RepositoryFiles.template()).functions().stream()
                .filter(candidate -> candidate.routeKey().equals(route)).findFirst().orElseThrow();

        MutableClock clock = MutableClock.atStepStart();
        MfaApi api = new MfaApi(AwsEmulator.get().wiring(clock, Map.of()));
        TestUser user = TestUser.random();
        Prepared prepared = prepare(route, api, user, clock);
        TestUser operator = TestUser.random();
        // The operator's step-up, as the portal gets it (their own MFA, then a code), for the
        // issuer of this test's API domain.
        String stepUp = text.contains(FILE_STEP_UP) ? api.stepUpToken(operator) : "";
        String event = text.replace(FILE_USER, user.sub()).replace(FILE_OPERATOR, operator.sub())
                .replace(FILE_STEP_UP, stepUp).replace(FILE_DOMAIN, MfaApi.DOMAIN_NAME)
                .replace("123456", prepared.code()).replace("ABCD-EFGH-IJKL-MNOP-QRST-UVWX", prepared.recoveryCode())
                .replace(FILE_SIGN_IN, "\"" + clock.instant().getEpochSecond() + "\"");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        invoker.invoke(function, clock, event.getBytes(StandardCharsets.UTF_8), out);

        Map<String, JsonNode> response = JsonNode.parser().parse(out.toByteArray()).asObject();
        assertEquals(prepared.status(), Integer.parseInt(response.get("statusCode").asNumber()),
                file.getFileName() + " -> " + out.toString(StandardCharsets.UTF_8));
        assertEquals("application/json", response.get("headers").asObject().get("Content-Type").asString());
        assertEquals(false, response.get("isBase64Encoded").asBoolean());
    }

    /** The status the route answers once {@code user} is in the state it needs, and the codes to send. */
    private record Prepared(int status, String code, String recoveryCode) {

        static Prepared answers(int status) {
            return new Prepared(status, "123456", "ABCD-EFGH-IJKL-MNOP-QRST-UVWX");
        }
    }

    /** Brings the user to the state the route needs (for the admin routes: the user the file names). */
    private static Prepared prepare(String route, MfaApi api, TestUser user, MutableClock clock) {
        switch (route) {
            case "GET /mfa":
            case "POST /mfa/setup":
            case "GET /admin/mfa/stats":
            case "GET /.well-known/openid-configuration":
            case "GET /.well-known/jwks.json":
                return Prepared.answers(route.equals("POST /mfa/setup") ? 201 : 200);
            case "GET /mfa/events":
            case "GET /admin/mfa/users/{userId}":
            case "POST /admin/mfa/users/{userId}/reset":
                api.setup(user);
                return Prepared.answers(200);
            case "POST /mfa/confirm": {
                String secret = api.setup(user).text("secret");
                return new Prepared(200, api.codeFor(secret), "");
            }
            default: {
                String secret = api.setup(user).text("secret");
                String recoveryCode = api.confirm(user, api.codeFor(secret)).texts("recoveryCodes").get(0);
                clock.advance(Duration.ofSeconds(30));
                return new Prepared(200, api.codeFor(secret), recoveryCode);
            }
        }
    }
}
