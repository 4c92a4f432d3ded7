package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.handler.MfaFunction;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** template.yaml and the code agree: what `sam deploy` ships is what the code and the contract say. */
class SamTemplateTest {

    /** Every route of the API (docs/api.md), and the audit trail's. */
    private static final Set<String> CONTRACT_ROUTES = Set.of("GET /mfa", "POST /mfa/setup", "POST /mfa/confirm",
            "POST /mfa/verify", "POST /mfa/recover", "POST /mfa/recovery-codes", "POST /mfa/remove", "GET /mfa/events",
            "GET /admin/mfa/stats", "GET /admin/mfa/users/{userId}", "POST /admin/mfa/users/{userId}/reset",
            "GET /.well-known/openid-configuration", "GET /.well-known/jwks.json");

    /**
     * Least privilege, per function: exactly what its code calls. A state change is one
     * TransactWriteItems, which IAM checks as the PutItem and UpdateItem it contains (the
     * enrollment, the audit event, the adoption counters). Status never touches KMS; setup encrypts
     * secrets. The functions that issue MFA tokens read the signing keys (GetItem), unseal the current
     * one (Decrypt) and, on a fresh deployment, make the first (Encrypt, UpdateItem); the helpdesk's
     * step-up and the JWKS read the public keys (GetItem). Confirm, recover, regenerate and remove hash
     * or check recovery codes with a key they make (GenerateDataKey) or unseal (Decrypt). The conditions (the key's purpose, the
     * SIGNING_KEYS partition) are checked by {@link #theSigningKeyStatementsAreBoundToTheirPurposeAndPartition}.
     */
    private static final Map<String, Set<String>> ACTIONS = Map.ofEntries(
            Map.entry("StatusFunction", Set.of("dynamodb:GetItem")),
            Map.entry("SetupFunction", Set.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "kms:GenerateDataKey",
                    "kms:Encrypt")),
            Map.entry("ConfirmFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "kms:Decrypt",
                    "kms:Encrypt", "kms:GenerateDataKey")),
            Map.entry("VerifyFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "kms:Decrypt", "kms:Encrypt",
                    "dynamodb:UpdateItem")),
            Map.entry("RecoverFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "kms:Decrypt", "kms:Encrypt",
                    "dynamodb:UpdateItem", "kms:GenerateDataKey")),
            Map.entry("RecoveryCodesFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "kms:Decrypt", "kms:GenerateDataKey")),
            Map.entry("RemoveFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "kms:Decrypt",
                    "kms:GenerateDataKey")),
            Map.entry("EventsFunction", Set.of("dynamodb:Query")),
            Map.entry("AdminStatsFunction", Set.of("dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:GetItem")),
            Map.entry("AdminUserFunction", Set.of("dynamodb:GetItem", "dynamodb:Query")),
            Map.entry("AdminResetFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem")),
            Map.entry("DiscoveryFunction", Set.of()),
            Map.entry("JwksFunction", Set.of("dynamodb:GetItem")));

    private static SamTemplate template;

    @BeforeAll
    static void load() throws IOException {
        template = SamTemplate.load(RepositoryFiles.template());
    }

    /**
     * Every statement that serves only the signing keys says so: a KMS statement that allows
     * Encrypt to a function that does not seal secrets is bound to the signing key's encryption
     * context, and a DynamoDB statement added for the keys is bound to their partition.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theSigningKeyStatementsAreBoundToTheirPurposeAndPartition() {
        for (String logicalId : List.of("ConfirmFunction", "VerifyFunction", "RecoverFunction", "RotateSigningKeysFunction",
                "JwksFunction", "AdminStatsFunction")) {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) template.resources().get(logicalId))
                    .get("Properties");
            List<Map<String, Object>> statements = (List<Map<String, Object>>) ((Map<String, Object>)
                    ((List<Object>) properties.get("Policies")).get(0)).get("Statement");
            long bound = statements.stream().filter(statement -> {
                String condition = String.valueOf(statement.get("Condition"));
                return condition.contains("kms:EncryptionContext:purpose=mfa-token-signing-key")
                        || condition.contains("dynamodb:LeadingKeys=[SIGNING_KEYS]");
            }).count();
            assertTrue(bound >= 1, logicalId + " has no statement bound to the signing keys: " + statements);
            for (Map<String, Object> statement : statements) {
                String actions = String.valueOf(statement.get("Action"));
                if (actions.contains("kms:Encrypt") && !logicalId.equals("SetupFunction")) {
                    assertTrue(String.valueOf(statement.get("Condition")).contains("mfa-token-signing-key"),
                            logicalId + " may Encrypt only the signing key: " + statement);
                }
            }
        }
    }

    @Test
    void everyRouteOfTheContractHasExactlyOneFunction() {
        List<String> routes = template.functions().stream().map(SamTemplate.Function::routeKey).toList();
        assertEquals(CONTRACT_ROUTES, Set.copyOf(routes));
        assertEquals(routes.size(), Set.copyOf(routes).size(), "no route is served twice: " + routes);
    }

    @Test
    void everyFunctionIsAllowedExactlyTheActionsItsCodeCallsAndNoWildcard() {
        for (SamTemplate.Function function : template.functions()) {
            assertEquals(ACTIONS.get(function.logicalId()), function.actions(), function.logicalId());
            for (String action : function.actions()) {
                assertFalse(action.contains("*"), function.logicalId() + " allows " + action);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theScheduledAndOnDemandFunctionsExistWithTheirLeastPrivilege() throws Exception {
        Map<String, Set<String>> expected = Map.of(
                "AdoptionReportFunction", Set.of("dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem"),
                "ReconcileFunction", Set.of("dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan"));
        for (Map.Entry<String, Set<String>> function : expected.entrySet()) {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) template.resources()
                    .get(function.getKey())).get("Properties");
            String handler = ((String) properties.get("Handler")).split("::", 2)[0];
            Class<?> type = Class.forName(handler);
            assertTrue(RequestHandler.class.isAssignableFrom(type), handler);
            assertDoesNotThrow(() -> type.getConstructor(), handler + " needs a public no-arg constructor");
            Map<String, Object> statement = ((List<Map<String, Object>>) ((List<Map<String, Object>>) properties
                    .get("Policies")).get(0).get("Statement")).get(0);
            assertEquals(function.getValue(), Set.copyOf((List<String>) statement.get("Action")), function.getKey());
        }
        Map<String, Object> schedule = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) template.resources().get("AdoptionReportFunction")).get("Properties"))
                .get("Events")).get("Hourly");
        assertEquals("Schedule", schedule.get("Type"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDashboardIsValidJsonAndChartsTheMetricsTheCodeEmits() {
        Map<String, Object> dashboard = (Map<String, Object>) ((Map<String, Object>) template.resources()
                .get("OpsDashboard")).get("Properties");
        // !Sub variables are filled in by CloudFormation; any value keeps the JSON valid.
        String body = ((String) dashboard.get("DashboardBody")).replaceAll("\\$\\{[^}]+}", "X");
        JsonNode widgets = JsonNode.parser().parse(body).asObject().get("widgets");
        assertEquals(7, widgets.asArray().size());
        for (String metric : List.of("EnabledUsers", "PendingUsers", "AdoptionRatio", "SetupStarted", "MfaEnabled",
                "MfaRemoved", "AdminReset", "VerifySucceeded", "VerifyFailed", "RecoveryCodeUsed", "LockedOut",
                "KmsUnavailable", "Errors", "Throttles", "Duration", "5xx", "ReadThrottleEvents")) {
            assertTrue(body.contains(metric), "the dashboard charts " + metric);
        }
        for (MfaMetric metric : MfaMetric.values()) {
            if (metric != MfaMetric.DYNAMODB_UNAVAILABLE) {
                assertTrue(body.contains(metric.metricName()), "the dashboard charts " + metric.metricName());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAlarmsWatchBruteForceFiveHundredsAndThrottling() {
        Map<String, String> watched = new java.util.TreeMap<>();
        for (Map.Entry<String, Object> resource : template.resources().entrySet()) {
            Map<String, Object> definition = (Map<String, Object>) resource.getValue();
            if ("AWS::CloudWatch::Alarm".equals(definition.get("Type"))) {
                watched.put(resource.getKey(), String.valueOf(definition.get("Properties")));
            }
        }
        assertEquals(Set.of("VerifyFailedAlarm", "LockedOutAlarm", "AccountUnderAttackAlarm", "KmsUnavailableAlarm",
                "Api5xxAlarm", "DynamoDbThrottleAlarm"), watched.keySet());
        assertTrue(watched.get("VerifyFailedAlarm").contains("MetricName=VerifyFailed"));
        assertTrue(watched.get("LockedOutAlarm").contains("MetricName=LockedOut"));
        assertTrue(watched.get("Api5xxAlarm").contains("MetricName=5xx"));
        assertTrue(watched.get("DynamoDbThrottleAlarm").contains("WriteThrottleEvents"));
        assertTrue(watched.get("KmsUnavailableAlarm").contains("MetricName=KmsUnavailable"));
    }

    /**
     * One account under attack raises an alarm of its own: the all-users alarms miss an attacker who
     * keeps to 5 guesses per lock. One signal is enough, on every route that checks a code, and no
     * dimension names a user (CloudWatch would make a metric per user).
     */
    @Test
    @SuppressWarnings("unchecked")
    void oneAccountUnderAttackRaisesItsAlarmOnItsFirstSignalWithoutAUserDimension() {
        Map<String, Object> alarm = (Map<String, Object>) ((Map<String, Object>) template.resources()
                .get("AccountUnderAttackAlarm")).get("Properties");
        assertEquals(1, ((Number) alarm.get("Threshold")).intValue());
        assertEquals("GreaterThanOrEqualToThreshold", alarm.get("ComparisonOperator"));
        String metrics = String.valueOf(alarm.get("Metrics"));
        for (String function : List.of("confirm", "verify", "recover", "recovery-codes", "remove")) {
            assertTrue(metrics.contains("Value=" + function), function);
        }
        assertTrue(metrics.contains("MetricName=AccountUnderAttack"));
        assertEquals(5, metrics.split("Name=function", -1).length - 1, "the function is the only dimension");
    }

    /**
     * Every route is throttled (docs/security.md, "No throttling"): MfaApi's DefaultRouteSettings take
     * the rate and the burst from the stack's parameters with {@code !Ref} (read from the YAML's own
     * nodes, since the parsed template drops the tags), the parameters are numbers of at least 1 (0
     * would refuse every request), and no route's event overrides them with RouteSettings of its own.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyRouteIsThrottledAtTheRateAndBurstOfTheStacksParameters() throws IOException {
        MappingNode root;
        try (java.io.Reader reader = Files.newBufferedReader(RepositoryFiles.template(), StandardCharsets.UTF_8)) {
            root = (MappingNode) new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
        }
        Node settings = child(child(child(child(root, "Resources"), "MfaApi"), "Properties"), "DefaultRouteSettings");
        assertTrue(settings instanceof MappingNode, "MfaApi has DefaultRouteSettings");
        for (String limit : List.of("ThrottlingRateLimit", "ThrottlingBurstLimit")) {
            Node value = child(settings, limit);
            assertTrue(value instanceof ScalarNode, "DefaultRouteSettings sets " + limit);
            assertEquals("!Ref " + limit, value.getTag().getValue() + " " + ((ScalarNode) value).getValue(),
                    limit + " comes from the parameter of the same name");
            Map<String, Object> parameter = (Map<String, Object>) template.parameters().get(limit);
            assertTrue(parameter != null, "a parameter " + limit);
            assertEquals("Number", parameter.get("Type"), limit);
            assertTrue(((Number) parameter.get("MinValue")).doubleValue() >= 1, limit + ": at least 1 request");
            assertTrue(((Number) parameter.get("Default")).doubleValue() >= ((Number) parameter.get("MinValue")).doubleValue(),
                    limit + ": a default within its bounds");
        }
        assertEquals(Set.of("ThrottlingRateLimit", "ThrottlingBurstLimit"), mappingKeys(settings),
                "DefaultRouteSettings holds the throttling only");
        for (Map.Entry<String, Object> resource : template.resources().entrySet()) {
            Map<String, Object> definition = (Map<String, Object>) resource.getValue();
            Map<String, Object> properties = (Map<String, Object>) definition.get("Properties");
            if (!"AWS::Serverless::Function".equals(definition.get("Type")) || properties.get("Events") == null) {
                continue;
            }
            for (Object event : ((Map<String, Object>) properties.get("Events")).values()) {
                Map<String, Object> eventProperties = (Map<String, Object>) ((Map<String, Object>) event).get("Properties");
                assertFalse(eventProperties != null && eventProperties.containsKey("RouteSettings"),
                        resource.getKey() + " overrides the API's throttling with RouteSettings of its own");
            }
        }
    }

    /** The value under {@code key} in a YAML mapping node; null when there is none. */
    private static Node child(Node mapping, String key) {
        if (!(mapping instanceof MappingNode map)) {
            return null;
        }
        for (NodeTuple entry : map.getValue()) {
            if (entry.getKeyNode() instanceof ScalarNode name && name.getValue().equals(key)) {
                return entry.getValueNode();
            }
        }
        return null;
    }

    private static Set<String> mappingKeys(Node mapping) {
        return ((MappingNode) mapping).getValue().stream().map(entry -> ((ScalarNode) entry.getKeyNode()).getValue())
                .collect(Collectors.toSet());
    }

    @Test
    void everyHandlerTheTemplateNamesIsALambdaHandlerWithTheConstructorLambdaCalls() {
        for (SamTemplate.Function function : template.functions()) {
            Class<?> handler = assertDoesNotThrow(() -> Class.forName(function.handlerClass()), function.logicalId());
            // API routes are stream handlers (HttpApiPayload); the scheduled and on-demand ops functions take a map.
            assertTrue(RequestStreamHandler.class.isAssignableFrom(handler) != RequestHandler.class.isAssignableFrom(handler),
                    function.handlerClass() + " is exactly one kind of Lambda handler");
            assertEquals(function.method() != null, RequestStreamHandler.class.isAssignableFrom(handler),
                    function.handlerClass() + ": an API route's handler reads the payload as a stream");
            assertDoesNotThrow(() -> handler.getConstructor(), function.handlerClass() + " needs a public no-arg constructor");
        }
    }

    /**
     * Each API function serves the route template.yaml gives it: the key its handler's route
     * descriptor declares (used for SnapStart priming and in logs) is the template's.
     */
    @Test
    void everyApiHandlerServesTheRouteTheTemplateGivesIt() throws Exception {
        Wiring wiring = new Wiring(MfaConfiguration.fromEnvironment(Map.of(MfaConfiguration.TABLE_NAME, "routes",
                MfaConfiguration.KMS_KEY_ID, "alias/routes", MfaConfiguration.REGION, "us-east-1")),
                Clock.systemUTC(), new SecureRandom());
        for (SamTemplate.Function api : template.functions()) {
            if (api.method() != null) {
                Object handler = Class.forName(api.handlerClass()).getConstructor(Wiring.class).newInstance(wiring);
                assertEquals(api.routeKey(), ((MfaFunction) handler).routeKey(), api.logicalId());
            }
        }
    }

    /**
     * SnapStart is on for the published versions, and the routes call those (the alias SAM
     * publishes on each deploy), so requests are served from the snapshot; every API handler has
     * the runtime hooks that prime it before the snapshot and reseed its randomness after a restore.
     * The one exception is the signing key rotation, which is never restored from a snapshot.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionRunsFromASnapStartSnapshotAndEveryApiHandlerHasTheRestoreHooks() throws Exception {
        Map<String, Object> function = (Map<String, Object>) template.globals().get("Function");
        assertEquals(Map.of("ApplyOn", "PublishedVersions"), function.get("SnapStart"));
        assertTrue(function.get("AutoPublishAlias") instanceof String alias && !alias.isBlank(), "an alias to call");
        template.resources().forEach((name, resource) -> {
            Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) resource).get("Properties");
            if (name.equals("RotateSigningKeysFunction")) {
                // It draws a key pair on each run: its randomness must be its own environment's,
                // never a snapshot's, and it is scheduled, so a cold start costs no one anything.
                assertEquals(Map.of("ApplyOn", "None"), properties.get("SnapStart"));
            } else if (properties != null) {
                assertFalse(properties.containsKey("SnapStart"), name + " keeps the global SnapStart setting");
                assertFalse(properties.containsKey("AutoPublishAlias"), name + " keeps the global alias");
            }
        });
        for (SamTemplate.Function api : template.functions()) {
            assertTrue(org.crac.Resource.class.isAssignableFrom(Class.forName(api.handlerClass())),
                    api.handlerClass() + " registers SnapStart's runtime hooks");
        }
    }

    @Test
    void everyHandlerClassInTheCodeIsDeployedByTheTemplate() throws IOException {
        Path handlers = RepositoryFiles.root().resolve("functions/mfa/src/main/java/io/serverlessmfa/functions/handler");
        Set<String> inCode;
        try (Stream<Path> files = Files.list(handlers)) {
            inCode = files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith("Handler.java"))
                    .map(name -> "io.serverlessmfa.functions.handler." + name.replace(".java", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> inTemplate = template.functions().stream().map(SamTemplate.Function::handlerClass)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(inCode, inTemplate);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionHasTheMakefileBuildTargetSamBuildRuns() throws IOException {
        String makefile = Files.readString(RepositoryFiles.root().resolve("Makefile"), StandardCharsets.UTF_8);
        String list = makefile.substring(makefile.indexOf("SAM_FUNCTIONS :="), makefile.indexOf(".PHONY: $(addprefix build-"))
                .replace("SAM_FUNCTIONS :=", "").replace("\\", " ");
        Set<String> targets = Set.of(list.trim().split("\\s+"));
        Set<String> functions = new TreeSet<>();
        template.resources().forEach((name, resource) -> {
            Map<String, Object> definition = (Map<String, Object>) resource;
            if ("AWS::Serverless::Function".equals(definition.get("Type"))) {
                functions.add(name);
                assertEquals("makefile", ((Map<String, Object>) definition.get("Metadata")).get("BuildMethod"), name);
            }
        });
        assertEquals(functions, new TreeSet<>(targets), "BuildMethod makefile runs build-<Function> for each");
    }

    @Test
    void theDevelopmentTokenIssuerIsNeverDeployed() throws IOException {
        assertFalse(Files.readString(RepositoryFiles.template(), StandardCharsets.UTF_8).contains("/dev/token"));
    }

    @Test
    void everyFunctionHasAnEventFileForSamLocalInvoke() throws IOException {
        Set<String> eventRoutes = new TreeSet<>();
        try (Stream<Path> files = Files.list(RepositoryFiles.root().resolve("events"))) {
            for (Path file : files.filter(path -> !path.getFileName().toString().equals("env.json")).toList()) {
                eventRoutes.add(com.amazonaws.services.lambda.runtime.tests.EventLoader
                        .loadApiGatewayHttpEvent(file.toString()).getRouteKey());
            }
        }
        assertEquals(new TreeSet<>(CONTRACT_ROUTES), eventRoutes);
    }
}
