package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.security.SecureRandom;
import java.time.Clock;
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
        ClassLoader deployed = DeployedJar.loader();
        Class<?> configuration = deployed.loadClass("io.serverlessmfa.functions.config.MfaConfiguration");
        Class<?> wiringClass = deployed.loadClass("io.serverlessmfa.functions.config.Wiring");
        Object wiring = wiringClass.getConstructor(configuration, Clock.class, SecureRandom.class).newInstance(
                configuration.getMethod("fromEnvironment", Map.class).invoke(null, emulator.environment(Map.of())),
                clock, new SecureRandom());
        Object function = deployed.loadClass(handlerClass).getConstructor(wiringClass).newInstance(wiring);
        return (Map<?, ?>) function.getClass().getMethod("handleRequest", Object.class,
                        deployed.loadClass("com.amazonaws.services.lambda.runtime.Context"))
                .invoke(function, Map.of(), null);
    }
}
