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
 * (what `sam deploy` ships) describe the same routes, and every operation says whether it needs a
 * token (exactly the template's public routes need none) and how it answers a malformed request, a
 * missing token and an outage; every helpdesk route names the operator's step-up header and its
 * 403 mfa_required.
 */
class OpenApiTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private static Map<String, Object> openApi;
    /** "METHOD /path" to the operation object. */
    private static Map<String, Map<String, Object>> operations;
    /** "METHOD /path" of the routes template.yaml gives no authorizer ({@code Auth: Authorizer: NONE}). */
    private static Set<String> publicRoutes;

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
        publicRoutes = SamTemplate.load(RepositoryFiles.template()).functions().stream()
                .filter(SamTemplate.Function::isPublic).map(SamTemplate.Function::routeKey)
                .collect(Collectors.toCollection(TreeSet::new));
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
    void thePublicRoutesAreTheDiscoveryDocumentAndTheJwks() {
        // Guards the public/secured split below: a template whose routes all read as secured (or
        // all as public) would make it vacuous.
        assertEquals(Set.of("GET /.well-known/openid-configuration", "GET /.well-known/jwks.json"), publicRoutes);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOperationButThePublicOnesRequiresTheBearerJwt() {
        Map<String, Object> schemes = (Map<String, Object>) ((Map<String, Object>) openApi.get("components")).get("securitySchemes");
        assertNotNull(schemes, "openapi.yaml declares no security schemes");
        operations.forEach((route, operation) -> {
            List<Map<String, Object>> security = (List<Map<String, Object>>) operation.get("security");
            assertNotNull(security, route + " declares no security");
            if (publicRoutes.contains(route)) {
                assertEquals(List.of(), security, route + " is public in template.yaml (Authorizer: NONE): security: []");
                return;
            }
            assertFalse(security.isEmpty(), route + " declares an empty security list, but template.yaml gives it the JWT authorizer");
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
            if (publicRoutes.contains(route)) {
                // No authorizer and no caller: nothing there answers 401 or 403; no body is read.
                assertFalse(statuses.contains("401") || statuses.contains("403"), route + " is public: " + statuses);
            } else {
                for (String status : List.of("400", "401", "503")) {
                    assertTrue(statuses.contains(status), route + " does not declare " + status + ": " + statuses);
                }
            }
            assertTrue(statuses.stream().anyMatch(status -> status.startsWith("2")), route + " declares no success");
            assertFalse(statuses.stream().anyMatch(status -> status.startsWith("5") && !status.equals("503")),
                    route + " declares a 5xx other than 503: nothing a client sends may produce one");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyHelpdeskRouteNeedsTheOperatorsStepUp() {
        List<String> helpdesk = operations.keySet().stream().filter(route -> route.contains(" /admin/")).toList();
        assertEquals(3, helpdesk.size(), "the helpdesk's routes: " + helpdesk);
        for (String route : helpdesk) {
            Map<String, Object> operation = operations.get(route);
            List<Map<String, Object>> headers = ((List<Object>) operation.getOrDefault("parameters", List.of())).stream()
                    .map(parameter -> (Map<String, Object>) resolve(parameter))
                    .filter(parameter -> "header".equals(parameter.get("in"))).toList();
            assertEquals(1, headers.size(), route + " has one header parameter, X-MFA-Token: " + headers);
            assertEquals("X-MFA-Token", headers.get(0).get("name"), route);
            assertEquals(Boolean.TRUE, headers.get(0).get("required"), route + ": X-MFA-Token is required");
            Map<Object, Object> responses = (Map<Object, Object>) operation.get("responses");
            Map<String, Object> forbidden = (Map<String, Object>) resolve(responses.get("403"));
            assertNotNull(forbidden, route + " declares no 403");
            Map<String, Object> schema = (Map<String, Object>) resolve(((Map<String, Object>) ((Map<String, Object>)
                    forbidden.get("content")).get("application/json")).get("schema"));
            String error = String.valueOf(((Map<String, Object>) schema.get("properties")).get("error"));
            assertTrue(error.contains("mfa_required") && error.contains("forbidden"),
                    route + ": its 403 is forbidden or mfa_required: " + error);
        }
        operations.forEach((route, operation) -> {
            if (!route.contains(" /admin/")) {
                assertFalse(((List<Object>) operation.getOrDefault("parameters", List.of())).stream()
                                .anyMatch(parameter -> "X-MFA-Token".equals(((Map<String, Object>) resolve(parameter)).get("name"))),
                        route + " is no helpdesk route: no step-up header");
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void exactlySetupRecoveryCodesAndRemoveMayAskForAFreshSignIn() {
        Set<String> asking = new TreeSet<>();
        operations.forEach((route, operation) -> {
            Object unauthorized = ((Map<Object, Object>) operation.get("responses")).get("401");
            if (unauthorized != null && mentions(unauthorized, "reauthentication_required", 0)) {
                asking.add(route);
            }
        });
        assertEquals(Set.of("POST /mfa/recovery-codes", "POST /mfa/remove", "POST /mfa/setup"), asking,
                "the routes whose 401 may be reauthentication_required (FreshSignIn)");
    }

    /** Whether {@code node}, its {@code $ref}s followed, holds {@code text} as a value anywhere. */
    @SuppressWarnings("unchecked")
    private static boolean mentions(Object node, String text, int depth) {
        assertTrue(depth < 32, "openapi.yaml nests too deep at " + node);
        Object resolved = resolve(node);
        if (resolved instanceof Map<?, ?> map) {
            return map.values().stream().anyMatch(value -> mentions(value, text, depth + 1));
        }
        if (resolved instanceof List<?> list) {
            return list.stream().anyMatch(value -> mentions(value, text, depth + 1));
        }
        return text.equals(String.valueOf(resolved));
    }

    /** Follows a local {@code $ref} ("#/components/..."). */
    @SuppressWarnings("unchecked")
    private static Object resolve(Object node) {
        Object current = node;
        for (int depth = 0; current instanceof Map<?, ?> map && map.containsKey("$ref"); depth++) {
            assertTrue(depth < 16, "a $ref cycle in openapi.yaml at " + node);
            Object target = openApi;
            for (String part : String.valueOf(map.get("$ref")).substring(2).split("/")) {
                target = ((Map<String, Object>) target).get(part);
                assertNotNull(target, "openapi.yaml: unresolved " + map.get("$ref"));
            }
            current = target;
        }
        return current;
    }
}
