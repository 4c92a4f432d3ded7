package io.serverlessmfa.local;

import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.ops.AdoptionReportFunction;
import io.serverlessmfa.functions.ops.ReconcileFunction;
import java.util.Map;

/**
 * {@code make report}: the adoption numbers of the running local stack, computed by the same
 * functions that run in AWS (the scheduled AdoptionReportFunction, then the on-demand
 * ReconcileFunction, which scans the table and checks the counters against it).
 */
public final class Report {

    private Report() {
    }

    public static void main(String[] arguments) {
        Wiring wiring = Wiring.fromEnvironment(System.getenv());
        Map<String, Object> report = new AdoptionReportFunction(wiring).handleRequest(Map.of(), null);
        Map<String, Object> reconciled = new ReconcileFunction(wiring).handleRequest(Map.of(), null);
        System.out.println();
        System.out.printf("MFA adoption at %s%n", report.get("at"));
        System.out.printf("  enabled users   %s%n", report.get("enabledUsers"));
        System.out.printf("  pending setups  %s%n", report.get("pendingUsers"));
        if (report.containsKey("adoptionPercent")) {
            System.out.printf("  adoption        %s%% of %s users%n", report.get("adoptionPercent"), report.get("totalUsers"));
        } else {
            System.out.println("  adoption        unknown (set MFA_TOTAL_USERS to the number of users)");
        }
        System.out.printf("Reconciliation (a scan of %s items): counters %s enabled / %s pending, table %s / %s: %s%n",
                reconciled.get("itemsScanned"), reconciled.get("countedEnabled"), reconciled.get("countedPending"),
                reconciled.get("actualEnabled"), reconciled.get("actualPending"),
                Boolean.TRUE.equals(reconciled.get("matches")) ? "they agree" : "THEY DIFFER");
        if (!Boolean.TRUE.equals(reconciled.get("matches"))) {
            System.exit(1);
        }
    }
}
