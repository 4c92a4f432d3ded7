package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proves the files in events/ work with `sam local invoke` (which needs Docker, absent here): each
 * is read by the Lambda Java runtime's own serializer (aws-lambda-java-tests' EventLoader), given
 * to the handler class template.yaml names for its route, and answered as the contract says, over
 * the emulator. Only values change before the call: a fresh {@code sub} (tests stay independent)
 * and a real code in place of the file's example code.
 */
class EventFilesIT {

    static Stream<Path> eventFiles() throws IOException {
        return Files.list(RepositoryFiles.root().resolve("events"))
                .filter(path -> !path.getFileName().toString().equals("env.json"))
                .sorted();
    }

    @ParameterizedTest
    @MethodSource("eventFiles")
    void theEventFileRunsTheHandlerTheTemplateNames(Path file) throws Exception {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(file.toString());
        SamTemplate.Function function = SamTemplate.load(RepositoryFiles.template()).functions().stream()
                .filter(candidate -> candidate.routeKey().equals(event.getRouteKey())).findFirst().orElseThrow();

        MutableClock clock = MutableClock.atStepStart();
        Wiring wiring = AwsEmulator.get().wiring(clock, Map.of());
        MfaApi api = new MfaApi(wiring);
        Map<String, String> claims = new HashMap<>(event.getRequestContext().getAuthorizer().getJwt().getClaims());
        claims.put("sub", TestUser.random().sub());
        event.getRequestContext().getAuthorizer().getJwt().setClaims(claims);
        TestUser user = new TestUser(claims.get("sub"), claims);

        int expectedStatus = prepare(function.routeKey(), event, api, user, clock);

        @SuppressWarnings("unchecked")
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler =
                (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) Class.forName(function.handlerClass())
                        .getConstructor(Wiring.class).newInstance(wiring);
        ApiResult result = ApiResult.of(handler.handleRequest(event, null));
        assertEquals(expectedStatus, result.status(), file.getFileName() + " -> " + result);
    }

    /** Brings the user to the state the route needs and puts a real code into the event's body. */
    private static int prepare(String route, APIGatewayV2HTTPEvent event, MfaApi api, TestUser user, MutableClock clock) {
        switch (route) {
            case "GET /mfa":
                return 200;
            case "POST /mfa/setup":
                return 201;
            case "GET /mfa/events":
                api.setup(user);
                return 200;
            case "GET /admin/mfa/stats":
                return 200;
            case "GET /admin/mfa/users/{userId}":
            case "POST /admin/mfa/users/{userId}/reset": {
                // The file's caller is an operator; the user it names gets an MFA to look at or reset.
                TestUser target = TestUser.random();
                api.setup(target);
                event.setPathParameters(Map.of("userId", target.sub()));
                return 200;
            }
            case "POST /mfa/confirm": {
                String secret = api.setup(user).text("secret");
                event.setBody(event.getBody().replace("123456", api.codeFor(secret)));
                return 200;
            }
            default: {
                String secret = api.setup(user).text("secret");
                String recoveryCode = api.confirm(user, api.codeFor(secret)).texts("recoveryCodes").get(0);
                clock.advance(Duration.ofSeconds(30));
                event.setBody(event.getBody().replace("123456", api.codeFor(secret))
                        .replace("ABCD-EFGH-IJKL-MNOP-QRST-UVWX", recoveryCode));
                return 200;
            }
        }
    }
}
