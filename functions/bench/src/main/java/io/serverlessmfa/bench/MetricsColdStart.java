package io.serverlessmfa.bench;

import io.serverlessmfa.functions.metrics.EmfMetrics;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * What a metrics library adds to a cold start: in a fresh JVM, the time from entering main to the
 * first metric document written (class loading and init of the library included), and the classes
 * loaded by then. {@code emf} is the functions' own {@link EmfMetrics}; {@code powertools} is
 * Powertools for AWS Lambda (Java) v2 metrics in its functional form (no AspectJ), emitting the
 * same document. Run by {@code tools/bench-metrics.sh}, one JVM per measurement.
 */
public final class MetricsColdStart {

    private MetricsColdStart() {
    }

    public static void main(String[] args) {
        String which = args.length > 0 ? args[0] : "emf";
        // The metric document goes to stdout as in Lambda; the measurement to stderr.
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        long started = System.nanoTime();
        switch (which) {
            case "emf" -> new EmfMetrics(stdout, "Bench/Mfa", Clock.systemUTC())
                    .publish("verify", "ok", List.of(MfaMetric.VERIFY_SUCCEEDED));
            case "powertools" -> {
                Metrics metrics = MetricsFactory.getMetricsInstance();
                metrics.setNamespace("Bench/Mfa");
                metrics.addDimension(DimensionSet.of("function", "verify", "outcome", "ok"));
                metrics.addMetric("VerifySucceeded", 1, MetricUnit.COUNT);
                metrics.flush();
            }
            default -> throw new IllegalArgumentException("emf or powertools, not " + which);
        }
        long micros = (System.nanoTime() - started) / 1_000;
        System.err.printf("{\"impl\":\"%s\",\"firstMetricMicros\":%d,\"classesLoaded\":%d}%n", which, micros,
                ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount());
    }
}
