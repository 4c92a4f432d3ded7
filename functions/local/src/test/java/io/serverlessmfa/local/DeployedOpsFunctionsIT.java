package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scheduled functions (no events/ file of their own) from the jar Lambda runs, as
 * {@link EventFilesIT} runs the routes: their reads (BatchGetItem, Query, Scan) and the report's
 * snapshot write go through the deployed, shrunk SDK clients.
 */
class DeployedOpsFunctionsIT {

    private final AwsEmulator emulator = AwsEmulator.get();
    private final MutableClock clock = MutableClock.atStepStart();

    @Test
    void theAdoptionReportAndTheReconciliationRunFromTheDeployedJar() throws Exception {
        new MfaFixtures(MfaApi.over(emulator, clock, Map.of()), clock).enabled(TestUser.random());

        Map<?, ?> report = deployed("io.serverlessmfa.functions.ops.AdoptionReportFunction");
        Map<?, ?> reconciliation = deployed("io.serverlessmfa.functions.ops.ReconcileFunction");

        assertTrue((Long) report.get("enabledUsers") >= 1, report::toString);
        assertEquals(Boolean.TRUE, reconciliation.get("matches"), reconciliation::toString);
    }

    /** The function of {@code handlerClass}, loaded from the deployed jar, on a scheduled event. */
    private Map<?, ?> deployed(String handlerClass) throws Exception {
        Object function = DeployedJar.function(handlerClass, clock, emulator.environment(Map.of()));
        return (Map<?, ?>) function.getClass().getMethod("handleRequest", Object.class, DeployedJar.context())
                .invoke(function, Map.of(), null);
    }
}
