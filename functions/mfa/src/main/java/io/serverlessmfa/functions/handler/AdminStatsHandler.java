package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.adoption.AdoptionStatistics;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.OptionalLong;

/**
 * {@code GET /admin/mfa/stats} (operators only): users by status now, the adoption ratio when the
 * total number of users is configured, changes per day and the daily adoption snapshots of the
 * last {@value #DAYS} days. Read from the counters: no scan, whatever the table's size.
 */
public final class AdminStatsHandler extends MfaFunction {

    static final int DAYS = 30;

    public AdminStatsHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public AdminStatsHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /** Primed: the whole route, which only reads: the counters (BatchGetItem) and the days (Query), then 200. */
    private static Route route(Wiring wiring) {
        Operators operators = new Operators(wiring);
        AdoptionStatistics statistics = wiring.adoptionStatistics();
        Clock clock = wiring.clock();
        OptionalLong totalUsers = wiring.configuration().totalUsers();
        return Route.reading("admin-stats", "GET /admin/mfa/stats", request -> {
            operators.requireOperator(request);
            Instant now = clock.instant();
            LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            LocalDate from = today.minusDays(DAYS - 1);
            AdoptionStatistics.Counts counts = statistics.counts(now);
            JsonObject body = JsonObject.create()
                    .field("at", ApiResponse.timestamp(now))
                    .field("enabledUsers", counts.enabled())
                    .field("pendingUsers", counts.pending());
            totalUsers.ifPresent(total -> body.field("totalUsers", total)
                    .field("adoptionPercent", Math.round(counts.enabled() * 1000.0 / total) / 10.0));
            body.array("daily", statistics.daily(from, today), (day, json) -> json
                    .field("date", day.date().toString())
                    .field("setupsStarted", day.setupsStarted())
                    .field("enablements", day.enablements())
                    .field("removals", day.removals())
                    .field("adminResets", day.adminResets()));
            body.array("adoption", statistics.snapshots(from, today), (snapshot, json) -> json
                    .field("date", snapshot.date().toString())
                    .field("enabledUsers", snapshot.enabled())
                    .field("pendingUsers", snapshot.pending()));
            return ApiResponse.json(200, body.build());
        });
    }
}
