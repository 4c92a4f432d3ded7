package io.serverlessmfa.functions.handler;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.store.AdoptionCounters;
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

    private final AdoptionCounters counters;
    private final Clock clock;
    private final OptionalLong totalUsers;

    public AdminStatsHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public AdminStatsHandler(Wiring wiring) {
        super("admin-stats", wiring);
        this.counters = wiring.adoptionCounters();
        this.clock = wiring.clock();
        this.totalUsers = wiring.configuration().totalUsers();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        Operators.requireOperator(request);
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate from = today.minusDays(DAYS - 1);
        AdoptionCounters.Counts counts = counters.read(now);
        JsonObject body = JsonObject.create()
                .field("at", ApiResponse.timestamp(now))
                .field("enabledUsers", counts.enabled())
                .field("pendingUsers", counts.pending());
        totalUsers.ifPresent(total -> body.field("totalUsers", total)
                .field("adoptionPercent", Math.round(counts.enabled() * 1000.0 / total) / 10.0));
        body.array("daily", counters.daily(from, today), (day, json) -> json
                .field("date", day.date().toString())
                .field("setupsStarted", day.setupsStarted())
                .field("enablements", day.enablements())
                .field("removals", day.removals())
                .field("adminResets", day.adminResets()));
        body.array("adoption", counters.snapshots(from, today), (snapshot, json) -> json
                .field("date", snapshot.date().toString())
                .field("enabledUsers", snapshot.enabled())
                .field("pendingUsers", snapshot.pending()));
        return ApiResponse.json(200, body.build());
    }

    @Override
    protected APIGatewayV2HTTPEvent primingEvent() {
        return Priming.operatorEvent("GET /admin/mfa/stats");
    }

    /** The whole route, which only reads: the counters (BatchGetItem) and the days (Query), then 200. */
    @Override
    protected ApiResponse handlePriming(ApiRequest request) {
        return handle(request);
    }
}
