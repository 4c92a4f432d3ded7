package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * openapi.yaml (the contract as OpenAPI, what `make fuzz` tests the API against) and template.yaml
 * (what `sam deploy` ships) describe the same routes, and every operation says it needs a token and
 * how it answers a malformed request, a missing token and an outage.
 */
class OpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private static Map<String, Object> openApi;
    /** "METHOD /path" to the operation object. */
    private static Map<String, Map<String, Object>> operations;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        Path file = RepositoryFiles.root().resolve("openapi.yaml");
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            openApi = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        }
        operations = new TreeMap<>();
        Map<String, Object> paths = (Map<String, Object>) openApi.get("paths");
        assertNotNull(paths, "openapi.yaml has no paths");
        paths.forEach((path, item) -> ((Map<String, Object>) item).forEach((method, operation) -> {
            if (METHODS.contains(method)) {
                operations.put(method.toUpperCase(Locale.ROOT) + " " + path, (Map<String, Object>) operation);
            }
        }));
    }

    @Test
    void isOpenApi303() {
        assertEquals("3.0.3", String.valueOf(openApi.get("openapi")));
    }

    @Test
    void describesExactlyTheRoutesOfTheTemplate() throws IOException {
        Set<String> inTemplate = SamTemplate.load(RepositoryFiles.template()).functions().stream()
                .map(SamTemplate.Function::routeKey).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(inTemplate, new TreeSet<>(operations.keySet()));
    }

    @Test
    void neverDescribesTheLocalTokenIssuer() {
        assertFalse(operations.keySet().stream().anyMatch(route -> route.contains("/dev/")), operations.keySet().toString());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationRequiresTheBearerJwt() {
        Map<String, Object> schemes = (Map<String, Object>) ((Map<String, Object>) openApi.get("components")).get("securitySchemes");
        assertNotNull(schemes, "openapi.yaml declares no security schemes");
        operations.forEach((route, operation) -> {
            List<Map<String, Object>> security = (List<Map<String, Object>>) operation.get("security");
            assertNotNull(security, route + " declares no security");
            assertFalse(security.isEmpty(), route + " declares an empty security list");
            for (Map<String, Object> requirement : security) {
                assertFalse(requirement.isEmpty(), route + " allows anonymous access ({})");
                for (String name : requirement.keySet()) {
                    Map<String, Object> scheme = (Map<String, Object>) schemes.get(name);
                    assertNotNull(scheme, route + " names an undeclared security scheme " + name);
                    assertEquals("http", scheme.get("type"), name);
                    assertEquals("bearer", String.valueOf(scheme.get("scheme")).toLowerCase(Locale.ROOT), name);
                }
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationDeclaresTheMalformedRequestUnauthorizedAndOutageAnswers() {
        operations.forEach((route, operation) -> {
            Map<Object, Object> responses = (Map<Object, Object>) operation.get("responses");
            assertNotNull(responses, route + " declares no responses");
            Set<String> statuses = responses.keySet().stream().map(String::valueOf).collect(Collectors.toSet());
            for (String status : List.of("400", "401", "503")) {
                assertTrue(statuses.contains(status), route + " does not declare " + status + ": " + statuses);
            }
            assertTrue(statuses.stream().anyMatch(status -> status.startsWith("2")), route + " declares no success");
            assertFalse(statuses.stream().anyMatch(status -> status.startsWith("5") && !status.equals("503")),
                    route + " declares a 5xx other than 503: nothing a client sends may produce one");
        });
    }
}
