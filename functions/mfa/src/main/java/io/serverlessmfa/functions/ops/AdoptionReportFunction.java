package io.serverlessmfa.functions.ops;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.serverlessmfa.core.adoption.AdoptionStatistics;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.metrics.EmfMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Run by an EventBridge schedule (template.yaml): reads the adoption counters (no scan) and
 * publishes EnabledUsers, PendingUsers and, when {@code MFA_TOTAL_USERS} is set, AdoptionRatio
 * (percent) as EMF metrics for the dashboard, and records the day's snapshot for the operator
 * page's adoption curve. The input (the scheduled event) is not used.
 */
public final class AdoptionReportFunction implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private final AdoptionStatistics statistics;
    private final EmfMetrics metrics;
    private final Clock clock;
    private final OptionalLong totalUsers;

    public AdoptionReportFunction() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public AdoptionReportFunction(Wiring wiring) {
        this.statistics = wiring.adoptionStatistics();
        this.metrics = new EmfMetrics(System.out, wiring.configuration().metricsNamespace(), wiring.clock());
        this.clock = wiring.clock();
        this.totalUsers = wiring.configuration().totalUsers();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> scheduledEvent, Context context) {
        Instant now = clock.instant();
        AdoptionStatistics.Counts counts = statistics.counts(now);
        statistics.recordSnapshot(LocalDate.ofInstant(now, ZoneOffset.UTC), counts);
        List<EmfMetrics.Value> values = new ArrayList<>(List.of(
                new EmfMetrics.Value("EnabledUsers", counts.enabled(), "Count"),
                new EmfMetrics.Value("PendingUsers", counts.pending(), "Count")));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("at", now.toString());
        report.put("enabledUsers", counts.enabled());
        report.put("pendingUsers", counts.pending());
        totalUsers.ifPresent(total -> {
            double percent = counts.enabled() * 100.0 / total;
            values.add(new EmfMetrics.Value("AdoptionRatio", percent, "Percent"));
            report.put("totalUsers", total);
            report.put("adoptionPercent", Math.round(percent * 10) / 10.0);
        });
        metrics.publishValues("adoption-report", values);
        return report;
    }
}
