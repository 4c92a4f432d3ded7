package io.serverlessmfa.functions.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * Builds a response body with the SDK's JSON writer (already loaded for DynamoDB and KMS, so no
 * second JSON library at cold start). Not thread-safe; one per response.
 */
public final class JsonObject {

    private final JsonWriter writer = JsonWriter.create();

    private JsonObject() {
        writer.writeStartObject();
    }

    public static JsonObject create() {
        return new JsonObject();
    }

    public JsonObject field(String name, String value) {
        writer.writeFieldName(name).writeValue(value);
        return this;
    }

    public JsonObject field(String name, boolean value) {
        writer.writeFieldName(name).writeValue(value);
        return this;
    }

    public JsonObject field(String name, long value) {
        writer.writeFieldName(name).writeValue(value);
        return this;
    }

    public JsonObject field(String name, double value) {
        writer.writeFieldName(name).writeValue(value);
        return this;
    }

    public JsonObject field(String name, List<String> values) {
        writer.writeFieldName(name).writeStartArray();
        values.forEach(writer::writeValue);
        writer.writeEndArray();
        return this;
    }

    /** An array of objects, each written by {@code writeOne} with this object's field methods. */
    public <T> JsonObject array(String name, List<T> items, BiConsumer<T, JsonObject> writeOne) {
        writer.writeFieldName(name).writeStartArray();
        for (T item : items) {
            writer.writeStartObject();
            writeOne.accept(item, this);
            writer.writeEndObject();
        }
        writer.writeEndArray();
        return this;
    }

    public String build() {
        writer.writeEndObject();
        return new String(writer.getBytes(), StandardCharsets.UTF_8);
    }
}
