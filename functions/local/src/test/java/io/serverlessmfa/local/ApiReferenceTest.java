package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docs/api.md (the API reference people read) and openapi.yaml (the same API for tools) say the
 * same: the same routes, and for each route the same response statuses, the same error codes per
 * status, and its parameters, request fields and response headers named.
 *
 * <p>docs/api.md is read simply: a route's section starts at a heading {@code ### `METHOD /path`}
 * and ends at the next heading; its responses are the table rows that start with a status in
 * backquotes, {@code | `409` | `mfa_not_enabled` | when |}, whose second cell is the error code
 * for a status of 400 and above (a 401 row may show API Gateway's own body instead, which has none;
 * the functions' own 401, reauthentication_required, is a row with its code).
 */
class ApiReferenceTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern ROUTE_HEADING = Pattern.compile("^### `([A-Z]+) (/\\S*)`\\s*$");
    private static final Pattern RESPONSE_ROW = Pattern.compile("^\\|\\s*`(\\d{3})`\\s*\\|([^|]*)\\|");
    private static final Pattern ERROR_CELL = Pattern.compile("^\\s*`([a-z]+(?:_[a-z]+)*)`\\s*$");
    private static final Pattern ERROR_TABLE_ROW = Pattern.compile("^\\|\\s*`([a-z]+(?:_[a-z]+)*)`\\s*\\|\\s*(\\d{3})\\s*\\|");
    /** API Gateway's own answer to a missing or bad token has no error code; the functions' 401 has one. */
    private static final String UNAUTHORIZED = "401";

    private static Map<String, Object> openApi;
    /** "METHOD /path" to the operation object of openapi.yaml. */
    private static Map<String, Map<String, Object>> operations;
    /** "METHOD /path" to its section of docs/api.md. */
    private static Map<String, List<String>> sections;
    /** Headings of docs/api.md by title (level 2), to their lines. */
    private static Map<String, List<String>> chapters;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        Path root = RepositoryFiles.root();
        try (Reader reader = Files.newBufferedReader(root.resolve("openapi.yaml"), StandardCharsets.UTF_8)) {
            openApi = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
        operations = new TreeMap<>();
        ((Map<String, Object>) openApi.get("paths")).forEach((path, item) -> ((Map<String, Object>) item)
                .forEach((method, operation) -> {
                    if (METHODS.contains(method)) {
                        operations.put(method.toUpperCase(Locale.ROOT) + " " + path, (Map<String, Object>) operation);
                    }
                }));
        readReference(Files.readAllLines(root.resolve("docs/api.md"), StandardCharsets.UTF_8));
    }

    /** Splits docs/api.md into route sections and chapters; a route documented twice fails here. */
    static void readReference(List<String> lines) {
        sections = new TreeMap<>();
        chapters = new LinkedHashMap<>();
        List<String> current = null;
        boolean fenced = false;
        for (String line : lines) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            if (!fenced && line.startsWith("#")) {
                current = null;
                Matcher route = ROUTE_HEADING.matcher(line);
                if (route.matches()) {
                    current = new ArrayList<>();
                    String key = route.group(1) + " " + route.group(2);
                    if (sections.put(key, current) != null) {
                        fail("docs/api.md documents " + key + " twice");
                    }
                } else if (line.startsWith("## ")) {
                    current = new ArrayList<>();
                    chapters.put(line.substring(3).trim(), current);
                }
                continue;
            }
            if (current != null) {
                current.add(line);
            }
        }
    }

    @Test
    void documentsExactlyTheRoutesOfOpenApi() {
        assertEquals(operations.keySet(), sections.keySet(),
                "the routes of docs/api.md (headings ### `METHOD /path`) and of openapi.yaml differ");
    }

    @Test
    void documentsTheResponseStatusesOfEachRoute() {
        operations.forEach((route, operation) -> {
            Set<String> declared = new TreeSet<>(responses(operation).keySet());
            Set<String> documented = new TreeSet<>();
            documentedResponses(route).forEach(row -> documented.add(row[0]));
            assertEquals(declared, documented, route + ": the statuses of openapi.yaml and of docs/api.md differ");
        });
    }

    @Test
    void documentsTheErrorCodesOfEachStatus() {
        operations.forEach((route, operation) -> {
            Set<String> declared = new TreeSet<>();
            responses(operation).forEach((status, response) ->
                    errorCodes(response).forEach(code -> declared.add(status + " " + code)));
            Set<String> documented = new TreeSet<>();
            for (String[] row : documentedResponses(route)) {
                if (row[0].compareTo("400") < 0) {
                    continue;
                }
                Matcher code = ERROR_CELL.matcher(row[1]);
                if (row[0].equals(UNAUTHORIZED) && !code.matches()) {
                    continue; // {"message":"Unauthorized"}: the authorizer's answer, no code
                }
                assertTrue(code.matches(), route + ": the " + row[0] + " row of docs/api.md must name one error code "
                        + "in backquotes as its body, not: " + row[1].trim());
                documented.add(row[0] + " " + code.group(1));
            }
            assertEquals(declared, documented, route + ": the error codes (status code) of openapi.yaml and of docs/api.md differ");
        });
    }

    @Test
    void namesTheResponseHeadersOfEachRoute() {
        operations.forEach((route, operation) -> {
            String section = String.join("\n", sections.getOrDefault(route, List.of()));
            responses(operation).forEach((status, response) -> headerNames(response).forEach(header ->
                    assertTrue(section.contains("`" + header), route + ": docs/api.md does not name the header "
                            + header + " of its " + status + " response")));
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void namesTheParametersAndRequestFieldsOfEachRoute() {
        operations.forEach((route, operation) -> {
            String section = String.join("\n", sections.getOrDefault(route, List.of()));
            List<String> names = new ArrayList<>();
            for (Object parameter : (List<Object>) operation.getOrDefault("parameters", List.of())) {
                names.add(String.valueOf(((Map<String, Object>) resolve(parameter)).get("name")));
            }
            Map<String, Object> body = (Map<String, Object>) operation.get("requestBody");
            if (body != null) {
                Map<String, Object> schema = jsonSchema(body);
                if (schema != null) {
                    names.addAll(((Map<String, Object>) schema.getOrDefault("properties", Map.of())).keySet());
                }
            }
            for (String name : names) {
                assertTrue(section.contains("`" + name + "`") || section.contains("\"" + name + "\""),
                        route + ": docs/api.md does not name the parameter or field " + name);
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void listsEveryErrorCodeOnce() {
        List<String> conventions = chapters.get("Conventions");
        assertNotNull(conventions, "docs/api.md has no \"## Conventions\"");
        Set<String> listed = new TreeSet<>();
        for (String line : conventions) {
            Matcher row = ERROR_TABLE_ROW.matcher(line.trim());
            if (row.find()) {
                assertTrue(listed.add(row.group(1)), "docs/api.md lists the error code " + row.group(1) + " twice");
            }
        }
        Map<String, Object> errorCode = (Map<String, Object>) schemas().get("ErrorCode");
        assertEquals(new TreeSet<>((List<String>) errorCode.get("enum")), listed,
                "the error codes of openapi.yaml (ErrorCode) and of docs/api.md's Conventions table differ");
    }

    @Test
    void theParserFindsWhatItLooksFor() {
        // Guards the guards: a reference the parser read as empty would make the other tests vacuous.
        assertFalse(sections.isEmpty(), "no route heading found in docs/api.md");
        sections.keySet().forEach(route -> assertFalse(documentedResponses(route).isEmpty(),
                route + ": no response rows found in docs/api.md"));
        assertTrue(operations.values().stream().anyMatch(operation -> responses(operation).values().stream()
                .anyMatch(response -> !errorCodes(response).isEmpty())), "no error code found in openapi.yaml");
    }

    /** The table rows of a route's section: {status, second cell}. */
    private static List<String[]> documentedResponses(String route) {
        List<String[]> rows = new ArrayList<>();
        for (String line : sections.getOrDefault(route, List.of())) {
            Matcher row = RESPONSE_ROW.matcher(line.trim());
            if (row.find()) {
                rows.add(new String[] {row.group(1), row.group(2)});
            }
        }
        return rows;
    }

    /** Status to the response object, $ref resolved. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> responses(Map<String, Object> operation) {
        Map<String, Map<String, Object>> responses = new TreeMap<>();
        ((Map<Object, Object>) operation.get("responses")).forEach((status, response) ->
                responses.put(String.valueOf(status), (Map<String, Object>) resolve(response)));
        return responses;
    }

    /**
     * The values the response's {@code error} property may take (none for a body without one); of
     * every alternative of a {@code oneOf} body, e.g. a 401 that is the authorizer's or the functions'.
     */
    @SuppressWarnings("unchecked")
    private static Set<String> errorCodes(Map<String, Object> response) {
        Map<String, Object> schema = jsonSchema(response);
        return schema == null ? new TreeSet<>() : errorCodesOfSchema(schema);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> errorCodesOfSchema(Map<String, Object> schema) {
        Set<String> codes = new TreeSet<>();
        for (Object alternative : (List<Object>) schema.getOrDefault("oneOf", List.of())) {
            codes.addAll(errorCodesOfSchema((Map<String, Object>) resolve(alternative)));
        }
        Map<String, Object> properties = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
        Object error = properties.get("error");
        if (error == null) {
            return codes;
        }
        Map<String, Object> errorSchema = (Map<String, Object>) resolve(error);
        if (errorSchema.containsKey("enum")) {
            codes.addAll((List<String>) errorSchema.get("enum"));
        }
        List<Object> allOf = (List<Object>) errorSchema.getOrDefault("allOf", List.of());
        // allOf: [ErrorCode, {enum: [the codes of this response]}]: the narrowing enum is the answer.
        for (Object part : allOf) {
            Map<String, Object> partMap = (Map<String, Object>) part;
            if (!partMap.containsKey("$ref") && partMap.containsKey("enum")) {
                codes.addAll((List<String>) partMap.get("enum"));
            }
        }
        if (codes.isEmpty()) {
            fail("an error property without an enum of codes in openapi.yaml: " + errorSchema);
        }
        return codes;
    }

    @SuppressWarnings("unchecked")
    private static Set<String> headerNames(Map<String, Object> response) {
        return new TreeSet<>(((Map<String, Object>) response.getOrDefault("headers", Map.of())).keySet());
    }

    /** The application/json schema of a response or request body, $ref resolved; null if none. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonSchema(Map<String, Object> responseOrBody) {
        Map<String, Object> content = (Map<String, Object>) responseOrBody.get("content");
        if (content == null || !content.containsKey("application/json")) {
            return null;
        }
        Object schema = ((Map<String, Object>) content.get("application/json")).get("schema");
        return schema == null ? null : (Map<String, Object>) resolve(schema);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schemas() {
        return (Map<String, Object>) ((Map<String, Object>) openApi.get("components")).get("schemas");
    }

    /** Follows a local {@code $ref} ("#/components/..."), as often as it takes. */
    @SuppressWarnings("unchecked")
    private static Object resolve(Object node) {
        Object current = node;
        for (int depth = 0; current instanceof Map<?, ?> map && map.containsKey("$ref"); depth++) {
            assertTrue(depth < 16, "a $ref cycle in openapi.yaml at " + node);
            String ref = String.valueOf(map.get("$ref"));
            assertTrue(ref.startsWith("#/"), "openapi.yaml may only refer to itself: " + ref);
            Object target = openApi;
            for (String part : ref.substring(2).split("/")) {
                target = ((Map<String, Object>) target).get(part);
                assertNotNull(target, "openapi.yaml: unresolved " + ref);
            }
            current = target;
        }
        return current;
    }
}
