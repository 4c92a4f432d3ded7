package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.serverlessmfa.core.enrollment.MfaRejection;
import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.token.StepUpRequiredException;
import io.serverlessmfa.core.port.SecretIntegrityException;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.ForbiddenException;
import io.serverlessmfa.functions.http.HttpApiPayload;
import io.serverlessmfa.functions.http.InvalidRequestException;
import io.serverlessmfa.functions.http.RequestLog;
import io.serverlessmfa.functions.http.UnauthorizedException;
import io.serverlessmfa.functions.metrics.EmfMetrics;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.crac.Core;
import org.crac.Resource;

/**
 * The part every function shares: parse the request, call the core, map the outcome to the
 * contract's status and error code, log one line. A subclass only hands over its {@link Route}:
 * what the route does, from which both its live path and its SnapStart priming path are built.
 *
 * <p>A stream handler: Lambda hands over the event's bytes, read by {@link HttpApiPayload} with the
 * SDK's JSON core, instead of the runtime's POJO serializer, which alone costs about 200 ms of every
 * cold start (docs/performance.md).
 *
 * <p>Each function is also a CRaC resource, SnapStart's runtime hooks (AWS Lambda Developer Guide,
 * "Lambda SnapStart runtime hooks for Java"): Lambda's Java runtime calls
 * {@link #beforeCheckpoint} once init is done, just before it takes the snapshot of a published
 * version, and {@link #afterRestore} in every execution environment it resumes from that snapshot.
 */
public abstract class MfaFunction implements RequestStreamHandler, Resource {

    /** How long clients wait before retrying after a dependency outage. */
    static final Duration OUTAGE_RETRY_AFTER = Duration.ofSeconds(2);

    /** Where priming's fault lines go: nowhere (see {@link #prime()}). */
    private static final RequestLog UNLOGGED = new RequestLog(new PrintStream(OutputStream.nullOutputStream()));

    private final Route route;
    private final Wiring wiring;
    private final Function<ApiRequest, ApiResponse> live;
    private final Function<ApiRequest, ApiResponse> priming;
    private final RequestLog log;
    private final EmfMetrics metrics;

    protected MfaFunction(Wiring wiring, Route route) {
        this.route = route;
        this.wiring = wiring;
        Route.Paths paths = route.paths(wiring::store);
        this.live = paths.live();
        this.priming = paths.priming();
        this.log = new RequestLog(System.out);
        this.metrics = new EmfMetrics(System.out, wiring.configuration().metricsNamespace(), wiring.clock());
        // The hooks run only after init, so never on a half-built handler. The global context holds
        // resources weakly; Lambda's runtime holds the handler for the environment's lifetime. Off
        // Lambda (tests, the local gateway) org.crac finds no CRaC implementation and this does nothing.
        Core.getGlobalContext().register(this);
    }

    /** The route key this function serves, as template.yaml declares it (e.g. {@code POST /mfa/verify}). */
    public final String routeKey() {
        return route.key();
    }

    /** Whether the route is public: no JWT authorizer in front of it (template.yaml's {@code Authorizer: NONE}). */
    public final boolean isPublic() {
        return route.isOpen();
    }

    /** Lambda's entry point: the payload 2.0 event in, the response out. */
    @Override
    public final void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
        APIGatewayV2HTTPEvent event;
        try {
            event = HttpApiPayload.read(in);
        } catch (InvalidRequestException notAnEvent) {
            event = null; // no claims: answered 401 like any request without a verified token
        }
        HttpApiPayload.write(invoke(event, context), out);
    }

    /** One request, as an event already read (the local gateway and the tests call this). */
    public final APIGatewayV2HTTPResponse invoke(APIGatewayV2HTTPEvent event, Context context) {
        long started = System.nanoTime();
        String requestId = requestId(event, context);
        ApiResponse response = respond(event, requestId, this::handleUnlessReserved, log);
        // Who asked, read from the event apart from the request's parsing: a request refused as
        // malformed (400) or without claims (401) is logged with what it has, and an event that
        // could not be read at all (null) with neither.
        log.request(route.name(), requestId, response.statusCode(), response.errorCode(), (System.nanoTime() - started) / 1_000_000,
                RequestLog.Caller.of(event));
        metrics.publish(route.name(), response.errorCode() == null ? "ok" : response.errorCode(), response.metrics());
        return response.toEvent();
    }

    private ApiResponse handleUnlessReserved(ApiRequest request) {
        // No token may act as the priming user, so it never holds MFA or anything else (Priming).
        if (Priming.isReserved(request.userId())) {
            throw new UnauthorizedException("reserved subject");
        }
        return live.apply(request);
    }

    /** SnapStart, before the snapshot: {@link #prime()}, then no unsealed signing key kept ({@link Wiring#beforeCheckpoint()}). */
    @Override
    public final void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        prime();
        wiring.beforeCheckpoint();
    }

    /**
     * SnapStart, in each environment resumed from the snapshot, before it serves a request: fresh
     * entropy for the shared SecureRandom ({@link Wiring#afterRestore()}). Nothing else kept from
     * init is unique or derived from the time: the clock is read per request, the SDK's retry
     * jitter and the core's conflict back-off draw on ordinary PRNGs whose sameness across
     * environments costs nothing but timing, and UUIDs come from SecureRandom's own default
     * instance, which reads /dev/urandom.
     */
    @Override
    public final void afterRestore(org.crac.Context<? extends Resource> context) {
        wiring.afterRestore();
    }

    /**
     * Runs the route's real path once on its priming request, so what that path loads and runs
     * (request parsing, the core use case, the SDK's credentials, signing, marshalling and HTTP
     * client, JSON building) is in the snapshot instead of being loaded by the first request of
     * every restored environment. No TCP or TLS connection is kept: a connection opened during init is
     * not guaranteed to survive a restore (AWS Lambda Developer Guide, SnapStart networking best
     * practices), and the HTTP client drops idle ones after seconds anyway.
     *
     * <p>It is not a request: no request line, no EMF document (priming setup on each published
     * version would otherwise count a SetupStarted), and its fault lines go nowhere. A priming that
     * ends in a 5xx (e.g. DynamoDB unreachable while the version is published) leaves the path
     * cold, not broken; one line says so, and the snapshot is taken all the same.
     *
     * @return the priming answer
     */
    final ApiResponse prime() {
        APIGatewayV2HTTPEvent event = route.primingEvent(wiring.configuration().operatorGroup(), wiring.clock().instant());
        ApiResponse answer = respond(event, Priming.REQUEST_ID, request -> {
            route.warmUpForPriming();
            return priming.apply(request);
        }, UNLOGGED);
        try {
            HttpApiPayload.write(answer.toEvent(), OutputStream.nullOutputStream()); // the answer's way out too
        } catch (IOException impossible) {
            throw new java.io.UncheckedIOException(impossible);
        }
        if (answer.statusCode() >= 500) {
            log.primingIncomplete(route.name(), answer.errorCode());
        }
        return answer;
    }

    private ApiResponse respond(APIGatewayV2HTTPEvent event, String requestId, Function<ApiRequest, ApiResponse> path,
                                RequestLog faults) {
        try {
            return path.apply(route.request(event));
        } catch (UnauthorizedException unauthorized) {
            return ApiResponse.unauthorized();
        } catch (ForbiddenException forbidden) {
            return ApiResponse.error(403, "forbidden", "This needs an operator account (the mfa-admin group).");
        } catch (StepUpRequiredException stale) {
            return ApiResponse.error(403, "mfa_required",
                    "Prove your own second factor first: send X-MFA-Token with an MFA token from the last 5 minutes.");
        } catch (InvalidRequestException invalid) {
            return ApiResponse.error(400, "invalid_request", invalid.getMessage());
        } catch (MfaRejection rejection) {
            return rejected(rejection, wiring.configuration().reauthenticationAge()).withMetrics(metricsOf(rejection));
        } catch (DependencyUnavailableException outage) {
            faults.fault(route.name(), requestId, outage.getMessage());
            ApiResponse unavailable = ApiResponse.error(503, "service_unavailable",
                    "The service is temporarily unavailable. Nothing was changed; please try again shortly.",
                    OUTAGE_RETRY_AFTER);
            // The failing dependency, for its alarm; contention on one enrollment is neither's outage.
            return outage.dependency().map(failed -> unavailable.withMetrics(switch (failed) {
                case KEY_SERVICE -> MfaMetric.KMS_UNAVAILABLE;
                case STORE -> MfaMetric.DYNAMODB_UNAVAILABLE;
            })).orElse(unavailable);
        } catch (SecretIntegrityException tampered) {
            faults.fault(route.name(), requestId, "stored ciphertext failed its KMS integrity check (encryption context)");
            return ApiResponse.error(500, "internal_error", "Something went wrong on our side.");
        } catch (RuntimeException bug) {
            faults.fault(route.name(), requestId, bug.getClass().getName());
            return ApiResponse.error(500, "internal_error", "Something went wrong on our side.");
        }
    }

    /**
     * A code evaluated and refused is a failed verification, on any route; one that starts a lock is
     * a lockout; one that starts a lock at {@link MfaMetric#ACCOUNT_UNDER_ATTACK_FAILURES} or more
     * consecutive failures, or the lock until a reset, means a single account is under attack (a
     * metric without the user: dimensions must not hold user ids).
     */
    private static MfaMetric[] metricsOf(MfaRejection rejection) {
        return switch (rejection.reason()) {
            case INVALID_CODE, INVALID_RECOVERY_CODE -> {
                if (!rejection.lockStarted()) {
                    yield new MfaMetric[] {MfaMetric.VERIFY_FAILED};
                }
                boolean underAttack = rejection.lockUntilResetStarted()
                        || rejection.failuresAtLock() >= MfaMetric.ACCOUNT_UNDER_ATTACK_FAILURES;
                yield underAttack
                        ? new MfaMetric[] {MfaMetric.VERIFY_FAILED, MfaMetric.LOCKED_OUT, MfaMetric.ACCOUNT_UNDER_ATTACK}
                        : new MfaMetric[] {MfaMetric.VERIFY_FAILED, MfaMetric.LOCKED_OUT};
            }
            default -> new MfaMetric[0];
        };
    }

    /** The contract's answer to {@code rejection}; {@code signInMaxAge} is what a fresh sign-in means here. */
    static ApiResponse rejected(MfaRejection rejection, Duration signInMaxAge) {
        return switch (rejection.reason()) {
            case NO_PENDING_SETUP -> ApiResponse.error(409, "no_pending_setup",
                    "There is no setup to confirm, or it expired. Start the setup again.");
            case MFA_ALREADY_ENABLED -> ApiResponse.error(409, "mfa_already_enabled",
                    "Multi-factor authentication is already on. Remove it first to set it up again.");
            case MFA_NOT_ENABLED -> ApiResponse.error(409, "mfa_not_enabled",
                    "Multi-factor authentication is not on for this account.");
            case INVALID_CODE -> ApiResponse.error(400, "invalid_code",
                    "That code is not right, or it was already used. Enter the current code from your authenticator app.");
            case INVALID_RECOVERY_CODE -> ApiResponse.error(400, "invalid_recovery_code",
                    "That recovery code is not right, or it was already used.");
            case TOO_MANY_ATTEMPTS -> ApiResponse.error(429, "too_many_attempts",
                    "Too many wrong codes. Wait a few minutes, then try again.",
                    rejection.retryAfter().orElse(Duration.ofSeconds(1)));
            // No Retry-After: waiting does not help (contract: "Lockout").
            case LOCKED_UNTIL_RESET -> ApiResponse.error(429, "locked_until_reset",
                    "Too many wrong codes: this account is locked until the helpdesk resets its MFA.");
            case TOO_MANY_REQUESTS -> ApiResponse.error(429, "too_many_requests",
                    "Too many setups started or cancelled. Wait, then try again.",
                    rejection.retryAfter().orElse(Duration.ofSeconds(1)));
            case PROOF_REQUIRED -> ApiResponse.error(400, "invalid_request",
                    "Send the current code from your authenticator app (code) or a recovery code (recoveryCode).");
            case CANNOT_RESET_SELF -> ApiResponse.error(403, "cannot_reset_self",
                    "An operator cannot reset their own MFA. Ask another operator.");
            // 401: the credential, the sign-in token, is not good enough for this request, and a new
            // sign-in gives one that is; its own code tells a client this from an expired token. The
            // challenge is RFC 9470's (OAuth 2.0 Step Up Authentication Challenge, §3): a client that
            // speaks it asks its identity provider for a sign-in at most max_age seconds old; and
            // RFC 9110 §15.5.2 wants a challenge on every 401.
            case REAUTHENTICATION_REQUIRED -> ApiResponse.error(401, "reauthentication_required",
                    "For your security, sign in again to change your MFA settings. Nothing was changed.")
                    .withHeaders(Map.of("WWW-Authenticate", "Bearer error=\"insufficient_user_authentication\","
                            + " error_description=\"A more recent sign-in is required\","
                            + " max_age=\"" + signInMaxAge.toSeconds() + "\""));
        };
    }

    private static String requestId(APIGatewayV2HTTPEvent event, Context context) {
        if (context != null && context.getAwsRequestId() != null) {
            return context.getAwsRequestId();
        }
        return event != null && event.getRequestContext() != null ? event.getRequestContext().getRequestId() : null;
    }
}
