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

/**
 * The deployment's custom resource {@code RecoveryHashUpgrade} (template.yaml): on Create (the
 * deployment that brings keyed recovery hashes, or a new stack) and on Update it keys the recovery
 * hashes an earlier release stored ({@link RecoveryHashUpgrade}), and answers CloudFormation
 * through the pre-signed URL of the event (AWS CloudFormation User Guide, "Custom resources":
 * a PUT of the response object). The functions that check recovery codes depend on it, so they
 * change only after it answered SUCCESS. Delete does nothing: the keyed hashes stay valid.
 *
 * <p>It stops a minute before the function's timeout and answers FAILED when the scan is not done
 * (the deployment rolls back, the earlier release keeps working, and a retry goes on where this
 * one stopped: what it keyed stays keyed). Invoked by hand (no response URL) it just runs and
 * returns the counts. It logs counts only: never a user id, a hash or the key.
 */
public final class RecoveryHashUpgradeFunction implements RequestHandler<CloudFormationCustomResourceEvent, Map<String, Object>> {

    static final String PHYSICAL_RESOURCE_ID = "recovery-hash-upgrade";
    /** Left for the answer to CloudFormation when the scan stops for time. */
    static final Duration RESERVE = Duration.ofSeconds(60);

    private final RecoveryHashUpgrade upgrade;

    public RecoveryHashUpgradeFunction() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RecoveryHashUpgradeFunction(Wiring wiring) {
        this.upgrade = wiring.recoveryHashUpgrade();
    }

    @Override
    public Map<String, Object> handleRequest(CloudFormationCustomResourceEvent event, Context context) {
        Map<String, Object> answer = new LinkedHashMap<>();
        String status = "SUCCESS";
        String reason = "nothing to do on " + event.getRequestType();
        if (!"Delete".equals(event.getRequestType())) {
            try {
                RecoveryHashUpgrade.Result result = upgrade.run(
                        () -> context == null || context.getRemainingTimeInMillis() > RESERVE.toMillis());
                answer.put("itemsScanned", result.itemsScanned());
                answer.put("itemsKeyed", result.itemsKeyed());
                answer.put("unreadable", result.unreadable());
                answer.put("complete", result.complete());
                status = result.complete() ? "SUCCESS" : "FAILED";
                reason = result.complete()
                        ? "keyed the recovery hashes of " + result.itemsKeyed() + " users"
                        : "stopped for time after keying " + result.itemsKeyed() + " users: deploy again to go on";
            } catch (RuntimeException failure) {
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
                .field("PhysicalResourceId", PHYSICAL_RESOURCE_ID)
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
