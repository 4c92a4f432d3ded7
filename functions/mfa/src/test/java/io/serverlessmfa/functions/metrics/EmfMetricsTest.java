package io.serverlessmfa.functions.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

class EmfMetricsTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:15:30.123Z");

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final EmfMetrics metrics = new EmfMetrics(new PrintStream(captured, true, StandardCharsets.UTF_8),
            "Acme/Mfa", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void oneDocumentDeclaresEachMetricWithFunctionAndOutcomeDimensions() {
        metrics.publish("verify", "invalid_code", List.of(MfaMetric.VERIFY_FAILED, MfaMetric.LOCKED_OUT));

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), "one EMF document, one line");
        Map<String, JsonNode> document = JsonNode.parser().parse(lines.get(0)).asObject();
        assertEquals(Set.of("_aws", "function", "outcome", "VerifyFailed", "LockedOut"), document.keySet(),
                "the metrics and the two dimensions, nothing else");
        Map<String, JsonNode> aws = document.get("_aws").asObject();
        assertEquals(Long.toString(NOW.toEpochMilli()), aws.get("Timestamp").asNumber());
        Map<String, JsonNode> directive = aws.get("CloudWatchMetrics").asArray().get(0).asObject();
        assertEquals("Acme/Mfa", directive.get("Namespace").asString());
        assertEquals(List.of(List.of("function"), List.of("function", "outcome")),
                directive.get("Dimensions").asArray().stream()
                        .map(set -> set.asArray().stream().map(JsonNode::asString).toList()).toList());
        Set<String> declared = new TreeSet<>();
        for (JsonNode metric : directive.get("Metrics").asArray()) {
            declared.add(metric.asObject().get("Name").asString());
            assertEquals("Count", metric.asObject().get("Unit").asString());
        }
        assertEquals(new TreeSet<>(Set.of("VerifyFailed", "LockedOut")), declared);
        assertEquals("verify", document.get("function").asString());
        assertEquals("invalid_code", document.get("outcome").asString());
        assertEquals("1", document.get("VerifyFailed").asNumber());
        assertEquals("1", document.get("LockedOut").asNumber());
    }

    @Test
    void aMetricNamedTwiceIsCountedOnce() {
        metrics.publish("confirm", "ok", List.of(MfaMetric.MFA_ENABLED, MfaMetric.MFA_ENABLED));

        Map<String, JsonNode> document = JsonNode.parser().parse(captured.toString(StandardCharsets.UTF_8)).asObject();
        assertEquals("1", document.get("MfaEnabled").asNumber());
        assertEquals(1, document.get("_aws").asObject().get("CloudWatchMetrics").asArray().get(0).asObject()
                .get("Metrics").asArray().size());
    }

    @Test
    void nothingIsWrittenWhenNothingHappened() {
        metrics.publish("status", "ok", List.of());

        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }
}
