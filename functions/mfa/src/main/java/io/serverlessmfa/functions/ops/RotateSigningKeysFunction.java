package io.serverlessmfa.functions.ops;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.token.SigningKeyRotation;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rotates the MFA token signing keys: run by an EventBridge schedule (template.yaml) and on demand
 * ({@code aws lambda invoke}). Makes the next key, which the JWKS publishes at once and which signs
 * only after the configured lead, and deletes keys whose tokens have all expired. The input is not
 * used. Answers and logs kids and times only: public values.
 */
public final class RotateSigningKeysFunction implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final SigningKeyRotation rotation;
    private final Clock clock;

    public RotateSigningKeysFunction() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public RotateSigningKeysFunction(Wiring wiring) {
        this.rotation = wiring.rotation();
        this.clock = wiring.clock();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        SigningKeyRotation.Outcome outcome = rotation.rotate(clock.instant());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("created", outcome.created());
        report.put("signsFrom", outcome.signsFrom().toString());
        report.put("deleted", outcome.deleted());
        System.out.println("signing key rotation: " + report);
        return report;
    }
}
