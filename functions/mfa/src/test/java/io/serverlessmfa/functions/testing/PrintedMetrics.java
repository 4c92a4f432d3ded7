package io.serverlessmfa.functions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The EMF metrics handlers print to standard output while an action runs, counted as
 * {@code "<metric> <function>/<outcome>"}. Every document is checked on the way: the namespace
 * expected, only the dimensions {@code function} and {@code outcome} (never a user id), and each
 * metric's value 1. Handlers take System.out when they are built, so the action builds them.
 */
public final class PrintedMetrics {

    /** What was counted, and in how many EMF documents. */
    public record Counted(Map<String, Integer> counts, int documents) {
    }

    private PrintedMetrics() {
    }

    public static Counted whileRunning(String namespace, Runnable action) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(originalOut);
        }
        Map<String, Integer> counted = new TreeMap<>();
        int documents = 0;
        for (String line : captured.toString(StandardCharsets.UTF_8).lines().toList()) {
            if (!line.startsWith("{\"_aws\"")) {
                continue;
            }
            documents++;
            Map<String, JsonNode> document = JsonNode.parser().parse(line).asObject();
            Map<String, JsonNode> directive = document.get("_aws").asObject().get("CloudWatchMetrics").asArray().get(0)
                    .asObject();
            assertEquals(namespace, directive.get("Namespace").asString(), "the configured namespace");
            for (JsonNode dimensionSet : directive.get("Dimensions").asArray()) {
                for (JsonNode dimension : dimensionSet.asArray()) {
                    assertTrue(Set.of("function", "outcome").contains(dimension.asString()), line);
                }
            }
            String where = document.get("function").asString() + "/" + document.get("outcome").asString();
            for (JsonNode metric : directive.get("Metrics").asArray()) {
                String name = metric.asObject().get("Name").asString();
                assertEquals("1", document.get(name).asNumber(), line);
                counted.merge(name + " " + where, 1, Integer::sum);
            }
        }
        return new Counted(counted, documents);
    }
}
