package io.serverlessmfa.functions.ops;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The scheduled adoption report and the on-demand reconciliation, over the emulator. */
class OpsFunctionsIT {

    private final AwsEmulator emulator = AwsEmulator.get();
    private final MutableClock clock = MutableClock.atStepStart();

    @Test
    void theReportPublishesTheCountsAndRatioAndRecordsTheDaysSnapshot() {
        Map<String, String> settings = Map.of("MFA_TOTAL_USERS", "200", "MFA_METRICS_NAMESPACE", "Test/Report");
        MfaApi api = MfaApi.over(emulator, clock, settings);
        new MfaFixtures(api, clock).enabled(TestUser.random());
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        Map<String, Object> report;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            report = new AdoptionReportFunction(emulator.wiring(clock, settings)).handleRequest(Map.of(), null);
        } finally {
            System.setOut(original);
        }

        long enabled = (Long) report.get("enabledUsers");
        assertTrue(enabled >= 1, report::toString);
        assertEquals(Math.round(enabled * 1000.0 / 200) / 10.0, report.get("adoptionPercent"));
        Map<String, JsonNode> document = JsonNode.parser().parse(captured.toString(StandardCharsets.UTF_8).strip()).asObject();
        assertEquals("Test/Report", document.get("_aws").asObject().get("CloudWatchMetrics").asArray().get(0).asObject()
                .get("Namespace").asString());
        assertEquals(Long.toString(enabled), document.get("EnabledUsers").asNumber(), "a count, as a whole number");
        assertEquals("adoption-report", document.get("function").asString());
        assertTrue(document.containsKey("PendingUsers") && document.containsKey("AdoptionRatio"));

        ApiResult stats = assertSuccess(200, api.admin("GET /admin/mfa/stats", TestUser.operator(), null));
        List<JsonNode> adoption = stats.json().field("adoption").orElseThrow().asArray();
        Map<String, JsonNode> today = adoption.get(adoption.size() - 1).asObject();
        assertEquals(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString(), today.get("date").asString());
        assertEquals(Long.toString(enabled), today.get("enabledUsers").asNumber(), "the snapshot feeds the adoption curve");
    }

    @Test
    void reconciliationAgreesAndThenCatchesAnEnrollmentDeletedBehindTheServicesBack() {
        MfaApi api = MfaApi.over(emulator, clock, Map.of());
        TestUser user = TestUser.random();
        new MfaFixtures(api, clock).enabled(user);
        RawItems raw = new RawItems(emulator);
        ReconcileFunction reconcile = new ReconcileFunction(emulator.wiring(clock, Map.of()));

        assertEquals(Boolean.TRUE, reconcile.handleRequest(Map.of(), null).get("matches"));

        // An insider with table access deletes the enrollment directly (MFA off, no event, no count).
        Map<String, AttributeValue> item = raw.get(user.sub());
        emulator.dynamoDb().deleteItem(request -> request.tableName(emulator.tableName()).key(RawItems.key(user.sub())));
        try {
            Map<String, Object> drift = reconcile.handleRequest(Map.of(), null);
            assertEquals(Boolean.FALSE, drift.get("matches"), drift::toString);
            assertEquals((Long) drift.get("countedEnabled") - 1, drift.get("actualEnabled"));
        } finally {
            emulator.dynamoDb().putItem(request -> request.tableName(emulator.tableName()).item(item));
        }
        assertEquals(Boolean.TRUE, reconcile.handleRequest(Map.of(), null).get("matches"), "restored");
    }
}
