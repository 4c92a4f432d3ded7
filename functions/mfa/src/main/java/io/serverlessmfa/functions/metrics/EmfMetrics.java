package io.serverlessmfa.functions.metrics;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * Writes metrics as CloudWatch Embedded Metric Format documents to the function's standard output,
 * which Lambda sends to CloudWatch Logs, where the metrics are extracted: no API call, no added
 * latency, no extra dependency (the SDK's JSON writer is already loaded).
 *
 * <p>Dimensions are only {@code function} and {@code outcome} (the contract's error code or
 * {@code ok}): a handful of values each. A user id, a code or anything from the request body never
 * becomes a dimension or a property: high cardinality costs money per metric and would put
 * identities into CloudWatch.
 */
public final class EmfMetrics {

    public static final String DEFAULT_NAMESPACE = "ServerlessMfa";

    private final PrintStream out;
    private final String namespace;
    private final Clock clock;

    public EmfMetrics(PrintStream out, String namespace, Clock clock) {
        this.out = out;
        this.namespace = namespace;
        this.clock = clock;
    }

    /** A measured value (a gauge), e.g. the number of users with MFA on. */
    public record Value(String name, double value, String unit) {
    }

    /** One document with {@code values} under the single dimension {@code function}. */
    public void publishValues(String function, List<Value> values) {
        write(Map.of("function", function), List.of(List.of("function")), values);
    }

    /**
     * One document with a count of 1 for each metric in {@code metrics}; nothing at all when there
     * are none (a status read changes nothing ops count).
     */
    public void publish(String function, String outcome, Collection<MfaMetric> metrics) {
        if (metrics.isEmpty()) {
            return;
        }
        List<Value> counts = EnumSet.copyOf(metrics).stream()
                .map(metric -> new Value(metric.metricName(), 1, "Count")).toList();
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("function", function);
        dimensions.put("outcome", outcome);
        write(dimensions, List.of(List.of("function"), List.of("function", "outcome")), counts);
    }

    /** The EMF document: the {@code _aws} directive, then the dimension values and the metric values. */
    private void write(Map<String, String> dimensions, List<List<String>> dimensionSets, List<Value> values) {
        JsonWriter json = JsonWriter.create();
        json.writeStartObject();
        json.writeFieldName("_aws").writeStartObject();
        json.writeFieldName("Timestamp").writeValue(clock.millis());
        json.writeFieldName("CloudWatchMetrics").writeStartArray().writeStartObject();
        json.writeFieldName("Namespace").writeValue(namespace);
        json.writeFieldName("Dimensions").writeStartArray();
        for (List<String> set : dimensionSets) {
            json.writeStartArray();
            set.forEach(json::writeValue);
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeFieldName("Metrics").writeStartArray();
        for (Value value : values) {
            json.writeStartObject();
            json.writeFieldName("Name").writeValue(value.name());
            json.writeFieldName("Unit").writeValue(value.unit());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject().writeEndArray();
        json.writeEndObject();
        dimensions.forEach((name, value) -> json.writeFieldName(name).writeValue(value));
        for (Value value : values) {
            // Counts are written as whole numbers, as CloudWatch shows them.
            if (value.value() == Math.rint(value.value())) {
                json.writeFieldName(value.name()).writeValue((long) value.value());
            } else {
                json.writeFieldName(value.name()).writeValue(value.value());
            }
        }
        json.writeEndObject();
        out.println(new String(json.getBytes(), StandardCharsets.UTF_8));
    }
}
