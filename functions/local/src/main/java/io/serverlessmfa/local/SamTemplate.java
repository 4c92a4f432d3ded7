package io.serverlessmfa.local;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The functions and routes of template.yaml, read from the template itself so local tooling and
 * tests never keep a second list that could drift from what `sam deploy` ships.
 */
public final class SamTemplate {

    /**
     * One {@code AWS::Serverless::Function} with its {@code HttpApi} route and the IAM actions its
     * inline policy statements allow; {@code isPublic} when the route has no authorizer
     * ({@code Auth: Authorizer: NONE}).
     */
    public record Function(String logicalId, String handlerClass, String method, String path, Set<String> actions,
                           boolean isPublic) {

        /** The route key as API Gateway writes it, e.g. {@code POST /mfa/setup}. */
        public String routeKey() {
            return method + " " + path;
        }
    }

    /**
     * The HTTP API's CORS settings ({@code CorsConfiguration} of {@code MfaApi}); the origins are a
     * parameter of the deployment, so they are not here.
     */
    public record CorsConfiguration(List<String> allowHeaders, List<String> allowMethods, List<String> exposeHeaders,
                                    int maxAgeSeconds) {
    }

    private final List<Function> functions;
    private final Map<String, Object> resources;
    private final Map<String, Object> globals;
    private final Map<String, Object> parameters;

    private SamTemplate(List<Function> functions, Map<String, Object> resources, Map<String, Object> globals,
                        Map<String, Object> parameters) {
        this.functions = List.copyOf(functions);
        this.resources = resources;
        this.globals = globals;
        this.parameters = parameters;
    }

    /** The {@code Parameters} section as parsed: each parameter's Type, Default, AllowedPattern, ... */
    public Map<String, Object> parameters() {
        return parameters;
    }

    /**
     * Every resource as parsed (intrinsics as plain values): for checks beyond the routes, e.g.
     * the scheduled functions, the dashboard and the alarms.
     */
    public Map<String, Object> resources() {
        return resources;
    }

    /** The {@code Globals} section as parsed: settings every function shares, e.g. SnapStart. */
    public Map<String, Object> globals() {
        return globals;
    }

    public static SamTemplate load(Path template) throws IOException {
        try (Reader reader = Files.newBufferedReader(template, StandardCharsets.UTF_8)) {
            Map<String, Object> root = new Yaml(new CloudFormationConstructor()).load(reader);
            @SuppressWarnings("unchecked")
            Map<String, Object> resources = (Map<String, Object>) root.get("Resources");
            @SuppressWarnings("unchecked")
            Map<String, Object> globals = (Map<String, Object>) root.getOrDefault("Globals", Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> parameters = (Map<String, Object>) root.getOrDefault("Parameters", Map.of());
            return new SamTemplate(functions(root), resources, globals, parameters);
        }
    }

    public List<Function> functions() {
        return functions;
    }

    /**
     * {@code MfaApi}'s CORS settings. The template sets them under {@code !If [HasCorsOrigins, {...},
     * !Ref AWS::NoValue]} (no CORS without an origin), read here as the list of the three.
     */
    @SuppressWarnings("unchecked")
    public CorsConfiguration corsConfiguration() {
        Map<String, Object> api = (Map<String, Object>) ((Map<String, Object>) resources.get("MfaApi")).get("Properties");
        Object configuration = api.get("CorsConfiguration");
        if (configuration instanceof List<?> condition) {
            configuration = condition.stream().filter(Map.class::isInstance).findFirst().orElse(null);
        }
        if (!(configuration instanceof Map<?, ?> settings)) {
            throw new IllegalStateException("template.yaml: MfaApi has no CorsConfiguration");
        }
        return new CorsConfiguration(List.copyOf((List<String>) settings.get("AllowHeaders")),
                List.copyOf((List<String>) settings.get("AllowMethods")),
                settings.get("ExposeHeaders") == null ? List.of() : List.copyOf((List<String>) settings.get("ExposeHeaders")),
                ((Number) settings.get("MaxAge")).intValue());
    }

    public Function function(String logicalId) {
        return functions.stream().filter(function -> function.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("template.yaml has no function " + logicalId
                        + "; it has " + functions.stream().map(Function::logicalId).toList()));
    }

    @SuppressWarnings("unchecked")
    private static List<Function> functions(Map<String, Object> root) {
        List<Function> functions = new ArrayList<>();
        Map<String, Object> resources = (Map<String, Object>) root.get("Resources");
        for (Map.Entry<String, Object> resource : resources.entrySet()) {
            Map<String, Object> definition = (Map<String, Object>) resource.getValue();
            if (!"AWS::Serverless::Function".equals(definition.get("Type"))) {
                continue;
            }
            Map<String, Object> properties = (Map<String, Object>) definition.get("Properties");
            String handler = (String) properties.get("Handler");
            Set<String> actions = new TreeSet<>();
            for (Object policy : (List<Object>) properties.getOrDefault("Policies", List.of())) {
                if (policy instanceof Map<?, ?> document) {
                    for (Object statement : (List<Object>) document.get("Statement")) {
                        Object action = ((Map<String, Object>) statement).get("Action");
                        if (action instanceof List<?> list) {
                            list.forEach(item -> actions.add((String) item));
                        } else {
                            actions.add((String) action);
                        }
                    }
                } else {
                    actions.add("SAM policy template " + policy); // e.g. DynamoDBCrudPolicy: too broad to list
                }
            }
            Map<String, Object> events = (Map<String, Object>) properties.getOrDefault("Events", Map.of());
            for (Object event : events.values()) {
                Map<String, Object> eventDefinition = (Map<String, Object>) event;
                if ("HttpApi".equals(eventDefinition.get("Type"))) {
                    Map<String, Object> route = (Map<String, Object>) eventDefinition.get("Properties");
                    Map<String, Object> auth = (Map<String, Object>) route.getOrDefault("Auth", Map.of());
                    functions.add(new Function(resource.getKey(), handler.split("::", 2)[0],
                            ((String) route.get("Method")).toUpperCase(java.util.Locale.ROOT), (String) route.get("Path"),
                            Set.copyOf(actions), "NONE".equals(auth.get("Authorizer"))));
                }
            }
        }
        return functions;
    }

    /**
     * Reads CloudFormation's short-form intrinsics ({@code !Ref}, {@code !GetAtt}, {@code !Sub}, ...)
     * as plain values instead of failing on the unknown tags: the routes and handlers never use them.
     */
    private static final class CloudFormationConstructor extends SafeConstructor {

        CloudFormationConstructor() {
            super(new LoaderOptions());
            yamlMultiConstructors.put("!", new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    if (node instanceof ScalarNode scalar) {
                        return constructScalar(scalar);
                    }
                    if (node instanceof SequenceNode sequence) {
                        return constructSequence(sequence);
                    }
                    return constructMapping((MappingNode) node);
                }
            });
        }
    }
}
