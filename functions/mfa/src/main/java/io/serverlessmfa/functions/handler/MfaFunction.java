package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.serverlessmfa.core.enrollment.MfaRejection;
import io.serverlessmfa.core.port.DependencyUnavailableException;
import io.serverlessmfa.core.port.SecretIntegrityException;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.ForbiddenException;
import io.serverlessmfa.functions.http.InvalidRequestException;
import io.serverlessmfa.functions.http.RequestLog;
import io.serverlessmfa.functions.http.UnauthorizedException;
import io.serverlessmfa.functions.metrics.EmfMetrics;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.time.Duration;

/**
 * The part every function shares: parse the request, call the core, map the outcome to the
 * contract's status and error code, log one line. Subclasses only say what their route does.
 */
public abstract class MfaFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    /** How long clients wait before retrying after a dependency outage. */
    static final Duration OUTAGE_RETRY_AFTER = Duration.ofSeconds(2);

    private final String name;
    private final RequestLog log;
    private final EmfMetrics metrics;

    protected MfaFunction(String name, Wiring wiring) {
        this.name = name;
        this.log = new RequestLog(System.out);
        this.metrics = new EmfMetrics(System.out, wiring.configuration().metricsNamespace(), wiring.clock());
    }

    /** The route's work, from a request whose identity and body are already checked. */
    protected abstract ApiResponse handle(ApiRequest request);

    @Override
    public final APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        long started = System.nanoTime();
        String requestId = requestId(event, context);
        ApiResponse response = respond(event, requestId);
        log.request(name, requestId, response.statusCode(), response.errorCode(), (System.nanoTime() - started) / 1_000_000);
        metrics.publish(name, response.errorCode() == null ? "ok" : response.errorCode(), response.metrics());
        return response.toEvent();
    }

    private ApiResponse respond(APIGatewayV2HTTPEvent event, String requestId) {
        try {
            return handle(ApiRequest.from(event));
        } catch (UnauthorizedException unauthorized) {
            return ApiResponse.unauthorized();
        } catch (ForbiddenException forbidden) {
            return ApiResponse.error(403, "forbidden", "This needs an operator account (the mfa-admin group).");
        } catch (InvalidRequestException invalid) {
            return ApiResponse.error(400, "invalid_request", invalid.getMessage());
        } catch (MfaRejection rejection) {
            return rejected(rejection).withMetrics(metricsOf(rejection));
        } catch (DependencyUnavailableException outage) {
            log.fault(name, requestId, outage.getMessage());
            ApiResponse unavailable = ApiResponse.error(503, "service_unavailable",
                    "The service is temporarily unavailable. Nothing was changed; please try again shortly.",
                    OUTAGE_RETRY_AFTER);
            // The failing dependency, for the throttling alarms; the messages are our own (AwsFailures).
            String failed = String.valueOf(outage.getMessage());
            return failed.startsWith("KMS ") ? unavailable.withMetrics(MfaMetric.KMS_UNAVAILABLE)
                    : failed.startsWith("DynamoDB ") ? unavailable.withMetrics(MfaMetric.DYNAMODB_UNAVAILABLE) : unavailable;
        } catch (SecretIntegrityException tampered) {
            log.fault(name, requestId, "stored ciphertext failed its KMS integrity check (encryption context)");
            return ApiResponse.error(500, "internal_error", "Something went wrong on our side.");
        } catch (RuntimeException bug) {
            log.fault(name, requestId, bug.getClass().getName());
            return ApiResponse.error(500, "internal_error", "Something went wrong on our side.");
        }
    }

    /** A code evaluated and refused is a failed verification, on any route; reaching the limit is a lockout. */
    private static MfaMetric[] metricsOf(MfaRejection rejection) {
        return switch (rejection.reason()) {
            case INVALID_CODE, INVALID_RECOVERY_CODE -> rejection.lockStarted()
                    ? new MfaMetric[] {MfaMetric.VERIFY_FAILED, MfaMetric.LOCKED_OUT}
                    : new MfaMetric[] {MfaMetric.VERIFY_FAILED};
            default -> new MfaMetric[0];
        };
    }

    static ApiResponse rejected(MfaRejection rejection) {
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
            case PROOF_REQUIRED -> ApiResponse.error(400, "invalid_request",
                    "Send the current code from your authenticator app (code) or a recovery code (recoveryCode).");
        };
    }

    private static String requestId(APIGatewayV2HTTPEvent event, Context context) {
        if (context != null && context.getAwsRequestId() != null) {
            return context.getAwsRequestId();
        }
        return event != null && event.getRequestContext() != null ? event.getRequestContext().getRequestId() : null;
    }
}
