package io.serverlessmfa.functions.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.serverlessmfa.core.secret.Base32;
import io.serverlessmfa.core.totp.SecretKeys;
import io.serverlessmfa.core.totp.TotpGenerator;
import io.serverlessmfa.core.totp.TotpSettings;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.handler.AdminResetHandler;
import io.serverlessmfa.functions.handler.AdminStatsHandler;
import io.serverlessmfa.functions.handler.AdminUserHandler;
import io.serverlessmfa.functions.handler.ConfirmHandler;
import io.serverlessmfa.functions.handler.DiscoveryHandler;
import io.serverlessmfa.functions.handler.EventsHandler;
import io.serverlessmfa.functions.handler.JwksHandler;
import io.serverlessmfa.functions.handler.MfaFunction;
import io.serverlessmfa.functions.handler.RecoverHandler;
import io.serverlessmfa.functions.handler.RecoveryCodesHandler;
import io.serverlessmfa.functions.handler.RemoveHandler;
import io.serverlessmfa.functions.handler.SetupHandler;
import io.serverlessmfa.functions.handler.StatusHandler;
import io.serverlessmfa.functions.handler.VerifyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.crac.Core;
import org.crac.Resource;

/**
 * The handlers behind their routes, invoked in-process with API Gateway HTTP API (payload 2.0)
 * events exactly as Lambda would, over the emulator. Also plays the authenticator app.
 */
public final class MfaApi {

    /**
     * The API's own host, as API Gateway puts it in every event ({@code requestContext.domainName});
     * the MFA tokens' issuer is derived from it when {@code MFA_TOKEN_ISSUER} is unset.
     */
    public static final String DOMAIN_NAME = "mfa-it.execute-api.us-east-1.amazonaws.com";
    /** The operator's step-up header of the helpdesk's routes. */
    public static final String STEP_UP_HEADER = "x-mfa-token";

    private final Clock clock;
    private final TotpSettings totp;
    private final Map<String, MfaFunction> routes = new HashMap<>();
    /** Each operator's authenticator secret and latest step-up (see {@link #admin}). */
    private final Map<String, String> operatorSecrets = new HashMap<>();
    private final Map<String, StepUp> stepUps = new HashMap<>();

    public static final String ISSUER = "https://" + DOMAIN_NAME;

    private record StepUp(String token, Instant at) {
    }

    public MfaApi(Wiring wiring) {
        this.clock = wiring.clock();
        this.totp = wiring.policy().totp();
        routes.put("GET /mfa", new StatusHandler(wiring));
        routes.put("POST /mfa/setup", new SetupHandler(wiring));
        routes.put("POST /mfa/confirm", new ConfirmHandler(wiring));
        routes.put("POST /mfa/verify", new VerifyHandler(wiring));
        routes.put("POST /mfa/recover", new RecoverHandler(wiring));
        routes.put("POST /mfa/recovery-codes", new RecoveryCodesHandler(wiring));
        routes.put("POST /mfa/remove", new RemoveHandler(wiring));
        routes.put("GET /mfa/events", new EventsHandler(wiring));
        routes.put("GET /admin/mfa/stats", new AdminStatsHandler(wiring));
        routes.put("GET /admin/mfa/users/{userId}", new AdminUserHandler(wiring));
        routes.put("POST /admin/mfa/users/{userId}/reset", new AdminResetHandler(wiring));
        routes.put("GET /.well-known/openid-configuration", new DiscoveryHandler(wiring));
        routes.put("GET /.well-known/jwks.json", new JwksHandler(wiring));
    }

    /** What Lambda's runtime does before it takes a SnapStart snapshot: every handler's beforeCheckpoint hook. */
    public void beforeCheckpoint() throws Exception {
        for (MfaFunction handler : routes.values()) {
            ((Resource) handler).beforeCheckpoint(Core.getGlobalContext());
        }
    }

    /** What Lambda's runtime does in an environment resumed from the snapshot: every handler's afterRestore hook. */
    public void afterRestore() throws Exception {
        for (MfaFunction handler : routes.values()) {
            ((Resource) handler).afterRestore(Core.getGlobalContext());
        }
    }

    /** Handlers over the shared emulator with a clock of the test's and optional setting overrides. */
    public static MfaApi over(AwsEmulator emulator, Clock clock, Map<String, String> overrides) {
        return new MfaApi(emulator.wiring(clock, overrides));
    }

    public ApiResult status(TestUser user) {
        return call("GET /mfa", user, null);
    }

    public ApiResult setup(TestUser user) {
        return call("POST /mfa/setup", user, null);
    }

    public ApiResult confirm(TestUser user, String code) {
        return call("POST /mfa/confirm", user, codeBody("code", code));
    }

    public ApiResult verify(TestUser user, String code) {
        return call("POST /mfa/verify", user, codeBody("code", code));
    }

    public ApiResult recover(TestUser user, String recoveryCode) {
        return call("POST /mfa/recover", user, codeBody("recoveryCode", recoveryCode));
    }

    public ApiResult regenerate(TestUser user, String code) {
        return call("POST /mfa/recovery-codes", user, codeBody("code", code));
    }

    public ApiResult removeWithCode(TestUser user, String code) {
        return call("POST /mfa/remove", user, codeBody("code", code));
    }

    public ApiResult removeWithRecoveryCode(TestUser user, String recoveryCode) {
        return call("POST /mfa/remove", user, codeBody("recoveryCode", recoveryCode));
    }

    /** {@code GET /mfa/events} with a query string ({@code null}: none). */
    public ApiResult events(TestUser user, Map<String, String> query) {
        APIGatewayV2HTTPEvent event = event("GET /mfa/events", claimsOf(user), null, null, false);
        event.setQueryStringParameters(query);
        return invoke("GET /mfa/events", event);
    }

    /**
     * An operator route with its {@code userId} path parameter ({@code null}: none), stepped up as
     * the portal does it: the operator's own MFA (turned on at the first call, as setup + confirm),
     * and an MFA token from the last four minutes in {@code X-MFA-Token}, renewed with a current code.
     */
    public ApiResult admin(String route, TestUser operator, String userId) {
        return admin(route, operator, userId, stepUpToken(operator));
    }

    /**
     * An operator route with its {@code userId} path parameter ({@code null}: none) and
     * {@code mfaToken} in {@code X-MFA-Token} ({@code null}: no header, no step-up).
     */
    public ApiResult admin(String route, TestUser operator, String userId, String mfaToken) {
        return admin(route, operator, userId, mfaToken, route.equals(RESET_ROUTE) ? RESET_BODY : null);
    }

    /** A reset's body when a test says nothing else: a reason, as the contract requires. */
    public static final String RESET_ROUTE = "POST /admin/mfa/users/{userId}/reset";
    public static final String RESET_BODY = "{\"reason\":\"Lost phone and recovery code; identity checked by a video call\"}";

    /** An operator route with a body of its own ({@code null}: none). */
    public ApiResult admin(String route, TestUser operator, String userId, String mfaToken, String body) {
        APIGatewayV2HTTPEvent event = event(route, claimsOf(operator), body, body == null ? null : "application/json", false);
        if (userId != null) {
            event.setPathParameters(Map.of("userId", userId));
        }
        if (mfaToken != null) {
            event.getHeaders().put(STEP_UP_HEADER, mfaToken);
        }
        return invoke(route, event);
    }

    /** A public route ({@code GET /.well-known/...}): no authorizer, so no claims and no bearer token. */
    public ApiResult anonymous(String route) {
        APIGatewayV2HTTPEvent event = event(route, null, null, null, false);
        event.getHeaders().remove("authorization");
        return invoke(route, event);
    }

    /** {@code user}'s step-up token: MFA turned on at the first call, a fresh verify when the last is four minutes old. */
    public String stepUpToken(TestUser user) {
        StepUp last = stepUps.get(user.sub());
        if (last != null && clock.instant().isBefore(last.at().plus(Duration.ofMinutes(4)))) {
            return last.token();
        }
        String secret = operatorSecrets.get(user.sub());
        ApiResult proof;
        if (secret == null) {
            secret = setup(user).text("secret");
            operatorSecrets.put(user.sub(), secret);
            proof = confirm(user, codeFor(secret));
        } else {
            proof = verify(user, codeFor(secret));
        }
        if (proof.status() != 200) {
            throw new IllegalStateException("the operator's step-up failed: " + proof);
        }
        stepUps.put(user.sub(), new StepUp(proof.text("mfaToken"), clock.instant()));
        return proof.text("mfaToken");
    }

    /** Any route with a raw JSON body (Content-Type: application/json). */
    public ApiResult call(String route, TestUser user, String body) {
        return invoke(route, event(route, user == null ? null : claimsOf(user), body, "application/json", false));
    }

    /**
     * The claims the JWT authorizer hands over for {@code user}'s token: the user's own, and when
     * they carry neither {@code auth_time} nor {@code iat}, an {@code iat} of now (whole seconds, as
     * text): a user who signed in just before the call, which is what a test means unless it says
     * otherwise ({@link TestUser#signedInAt}). Setup, regenerating the recovery codes and removal
     * refuse a token without either (401 reauthentication_required), so a test that wants one
     * builds its event with {@link #event} itself.
     */
    public Map<String, String> claimsOf(TestUser user) {
        if (user.claims().containsKey("auth_time") || user.claims().containsKey("iat")) {
            return user.claims();
        }
        Map<String, String> claims = new HashMap<>(user.claims());
        claims.put("iat", Long.toString(clock.instant().getEpochSecond()));
        return Map.copyOf(claims);
    }

    /** Any route with a hand-made event: for malformed requests. */
    public ApiResult invoke(String route, APIGatewayV2HTTPEvent event) {
        MfaFunction handler = routes.get(route);
        if (handler == null) {
            throw new IllegalArgumentException("no route " + route);
        }
        return ApiResult.of(handler.invoke(event, null));
    }

    /** An HTTP API payload 2.0 event as API Gateway sends it after the JWT authorizer. */
    public static APIGatewayV2HTTPEvent event(String route, Map<String, String> claims, String body,
                                              String contentType, boolean base64) {
        String[] methodAndPath = route.split(" ", 2);
        Map<String, String> headers = new HashMap<>();
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
        headers.put("authorization", "Bearer test-token");
        APIGatewayV2HTTPEvent.RequestContext.RequestContextBuilder context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId("it-" + System.nanoTime())
                .withRouteKey(route)
                .withStage("$default")
                .withDomainName(DOMAIN_NAME)
                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(methodAndPath[0]).withPath(methodAndPath[1])
                        .withProtocol("HTTP/1.1").withSourceIp("127.0.0.1").withUserAgent("integration-test").build());
        if (claims != null) {
            context.withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                            .withClaims(claims).withScopes(null).build())
                    .build());
        }
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(route)
                .withRawPath(methodAndPath[1])
                .withRawQueryString("")
                .withHeaders(headers)
                .withRequestContext(context.build())
                .withBody(body)
                .withIsBase64Encoded(base64)
                .build();
    }

    /** What the authenticator app shows now for this Base32 secret. */
    public String codeFor(String secret) {
        return codeAt(secret, clock.instant());
    }

    /** What the app shows {@code offset} from now (e.g. one step later). */
    public String codeFor(String secret, Duration offset) {
        return codeAt(secret, clock.instant().plus(offset));
    }

    private String codeAt(String secret, Instant time) {
        return new TotpGenerator(totp).generate(SecretKeys.forTotp(Base32.decode(secret), totp.algorithm()), time).digits();
    }

    private static String codeBody(String field, String value) {
        return "{\"" + field + "\":\"" + value + "\"}";
    }
}
