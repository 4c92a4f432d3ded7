package io.serverlessmfa.functions.ops;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.store.RecoveryHashUpgrade;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The deployment's custom resources {@code RecoveryHashUpgrade} and
 * {@code RecoveryHashUpgradeAfterDeploy} (template.yaml): when CloudFormation creates either (the
 * deployment that brings keyed recovery hashes, or a new stack), it keys the recovery hashes an
 * earlier release stored ({@link RecoveryHashUpgrade}) and answers through the pre-signed URL of
 * the event (AWS CloudFormation User Guide, "Custom resources": a PUT of the response object).
 * Update and Delete key nothing and answer SUCCESS, and anything else (an invocation by hand) keys
 * nothing: an unkeyed hash is trusted only during that deployment, so a later run would key what a
 * table writer planted (docs/security.md, threat 15).
 *
 * <p>It stops a minute before the function's timeout and answers FAILED when the scan is not done
 * (the deployment rolls back, the earlier release keeps working with the hashes it reads, and the
 * next deployment creates the resources again: what was keyed stays keyed). It logs counts only:
 * never a user id, a hash or the key.
 */
public final class RecoveryHashUpgradeFunction implements RequestHandler<CloudFormationCustomResourceEvent, Map<String, Object>> {

    static final String PHYSICAL_RESOURCE_ID = "recovery-hash-upgrade";
    /** Left for the answer to CloudFormation when the scan stops for time. */
    static final Duration RESERVE = Duration.ofSeconds(60);

    private final Supplier<Wiring> wiring;

    public RecoveryHashUpgradeFunction() {
        // Built in the request, not at init: a configuration fault still gets its FAILED answer
        // instead of leaving the stack waiting for one until the resource's ServiceTimeout.
        this(() -> Wiring.fromEnvironment(System.getenv()));
    }

    public RecoveryHashUpgradeFunction(Wiring wiring) {
        this(() -> wiring);
    }

    private RecoveryHashUpgradeFunction(Supplier<Wiring> wiring) {
        this.wiring = wiring;
    }

    @Override
    public Map<String, Object> handleRequest(CloudFormationCustomResourceEvent event, Context context) {
        Map<String, Object> answer = new LinkedHashMap<>();
        String status = "SUCCESS";
        String reason = "nothing to key on " + event.getRequestType() + ": the upgrade runs when the resource is created";
        if (event.getResponseUrl() == null) {
            status = "REFUSED";
            reason = "runs only when CloudFormation creates its resource";
        } else if ("Create".equals(event.getRequestType())) {
            try {
                RecoveryHashUpgrade.Result result = wiring.get().recoveryHashUpgrade().run(
                        () -> context == null || context.getRemainingTimeInMillis() > RESERVE.toMillis());
                answer.put("itemsScanned", result.itemsScanned());
                answer.put("itemsKeyed", result.itemsKeyed());
                answer.put("unreadable", result.unreadable());
                answer.put("complete", result.complete());
                status = result.complete() ? "SUCCESS" : "FAILED";
                reason = result.complete()
                        ? "keyed the recovery hashes of " + result.itemsKeyed() + " users"
                        : "stopped for time after keying " + result.itemsKeyed() + " users: deploy again to go on";
            } catch (RuntimeException | Error failure) {
                // Answered, so the stack does not wait an hour for a response that never comes.
                status = "FAILED";
                reason = "the recovery hash upgrade failed: " + failure.getClass().getSimpleName();
                answer.put("complete", false);
            }
        }
        answer.put("status", status);
        System.out.println(JsonObject.create().field("event", "recovery_hash_upgrade").field("status", status)
                .field("reason", reason).build());
        if (event.getResponseUrl() != null) {
            respond(event, status, reason);
        }
        return answer;
    }

    private static void respond(CloudFormationCustomResourceEvent event, String status, String reason) {
        byte[] body = JsonObject.create()
                .field("Status", status)
                .field("Reason", reason)
                // Stable: an Update answered with another id would make CloudFormation delete the old one.
                .field("PhysicalResourceId", event.getPhysicalResourceId() != null ? event.getPhysicalResourceId()
                        : PHYSICAL_RESOURCE_ID + "-" + event.getLogicalResourceId())
                .field("StackId", String.valueOf(event.getStackId()))
                .field("RequestId", String.valueOf(event.getRequestId()))
                .field("LogicalResourceId", String.valueOf(event.getLogicalResourceId()))
                .build().getBytes(StandardCharsets.UTF_8);
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(event.getResponseUrl()).toURL().openConnection();
            connection.setRequestMethod("PUT");
            connection.setDoOutput(true);
            // The pre-signed URL is signed without a content type: none may be sent.
            connection.setRequestProperty("Content-Type", "");
            connection.setFixedLengthStreamingMode(body.length);
            connection.setConnectTimeout(10_000);
            connection.setReadTimeout(30_000);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int code = connection.getResponseCode();
            connection.disconnect();
            if (code / 100 != 2) {
                throw new IllegalStateException("CloudFormation's response URL answered " + code);
            }
        } catch (IOException failure) {
            throw new IllegalStateException("could not answer CloudFormation", failure);
        }
    }
}
