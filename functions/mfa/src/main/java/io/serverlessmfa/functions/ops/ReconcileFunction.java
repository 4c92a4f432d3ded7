package io.serverlessmfa.functions.ops;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.metrics.EmfMetrics;
import io.serverlessmfa.functions.store.AdoptionReconciliation;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Run on demand ({@code aws lambda invoke}, or {@code make reconcile} locally): scans the table and
 * compares the truth with the adoption counters. Publishes CounterDrift (0 when they agree) so an
 * alarm can watch it; the answer is the two views side by side.
 */
public final class ReconcileFunction implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final AdoptionReconciliation reconciliation;
    private final EmfMetrics metrics;
    private final Clock clock;

    public ReconcileFunction() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public ReconcileFunction(Wiring wiring) {
        this.reconciliation = wiring.reconciliation();
        this.metrics = new EmfMetrics(System.out, wiring.configuration().metricsNamespace(), wiring.clock());
        this.clock = wiring.clock();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        AdoptionReconciliation.Result result = reconciliation.reconcile(clock.instant());
        long drift = Math.abs(result.counted().enabled() - result.actual().enabled())
                + Math.abs(result.counted().pending() - result.actual().pending());
        metrics.publishValues("reconcile", List.of(new EmfMetrics.Value("CounterDrift", drift, "Count")));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("at", result.at().toString());
        answer.put("itemsScanned", result.itemsScanned());
        answer.put("countedEnabled", result.counted().enabled());
        answer.put("actualEnabled", result.actual().enabled());
        answer.put("countedPending", result.counted().pending());
        answer.put("actualPending", result.actual().pending());
        answer.put("matches", result.matches());
        return answer;
    }
}
