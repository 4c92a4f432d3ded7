package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.core.publish.PublishedEvent;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.events.PublishSecurityEventsFunction;
import io.serverlessmfa.functions.events.StreamEventSource;
import io.serverlessmfa.functions.handler.MfaFunction;
import io.serverlessmfa.functions.metrics.MfaMetric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
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

    /**
     * The security events (docs/notifications.md): the table streams new images; the publisher's
     * event source mapping reads it in order (one batch per shard), hands over only the INSERTs of
     * audit items (the filter {@link StreamEventSource} applies locally), retries from the first
     * failed record (batch item failures) as long as the stream keeps it and then sends the batch to
     * the dead-letter queue; the function may put events on its one bus and send to that queue, and
     * nothing else.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theSecurityEventsPublisherReadsCommittedAuditInsertsInOrderAndMayOnlyPutEventsOnItsBus() throws Exception {
        Map<String, Object> table = properties("MfaTable");
        assertEquals(Map.of("StreamViewType", "NEW_IMAGE"), table.get("StreamSpecification"));

        Map<String, Object> publisher = properties("PublishSecurityEventsFunction");
        String handler = ((String) publisher.get("Handler")).split("::", 2)[0];
        assertEquals(PublishSecurityEventsFunction.class.getName(), handler);
        assertTrue(RequestHandler.class.isAssignableFrom(Class.forName(handler)));
        assertDoesNotThrow(() -> Class.forName(handler).getConstructor(), "Lambda's no-arg constructor");
        assertEquals(Map.of("MFA_EVENT_BUS_NAME", "SecurityEventBusName"),
                ((Map<String, Object>) publisher.get("Environment")).get("Variables"));
        assertEquals("default", ((Map<String, Object>) template.parameters().get("SecurityEventBusName")).get("Default"));

        Map<String, Object> events = (Map<String, Object>) publisher.get("Events");
        assertEquals(Set.of("AuditStream"), events.keySet(), "the stream is the function's only trigger");
        Map<String, Object> stream = (Map<String, Object>) events.get("AuditStream");
        assertEquals("DynamoDB", stream.get("Type"));
        Map<String, Object> mapping = (Map<String, Object>) stream.get("Properties");
        assertEquals("MfaTable.StreamArn", mapping.get("Stream"));
        assertEquals(StreamEventSource.BATCH_SIZE, ((Number) mapping.get("BatchSize")).intValue());
        assertEquals(1, ((Number) mapping.get("ParallelizationFactor")).intValue(), "one batch per shard: commit order");
        assertEquals(List.of("ReportBatchItemFailures"), mapping.get("FunctionResponseTypes"));
        assertEquals(Boolean.TRUE, mapping.get("BisectBatchOnFunctionError"));
        assertEquals(-1, ((Number) mapping.get("MaximumRetryAttempts")).intValue(), "retried while the stream keeps it");
        assertEquals(82800, ((Number) mapping.get("MaximumRecordAgeInSeconds")).intValue(),
                "inside the stream's 24 hours, so a record reaches the dead-letter queue before it is trimmed");
        assertEquals(Map.of("OnFailure", Map.of("Destination", "SecurityEventsDeadLetterQueue.Arn")),
                mapping.get("DestinationConfig"));
        List<Map<String, Object>> filters = (List<Map<String, Object>>) ((Map<String, Object>) mapping.get("FilterCriteria"))
                .get("Filters");
        assertEquals(1, filters.size());
        JsonNode pattern = JsonNode.parser().parse((String) filters.get(0).get("Pattern"));
        assertEquals(List.of("INSERT"), pattern.field("eventName").orElseThrow().asArray().stream().map(JsonNode::asString).toList());
        Map<String, JsonNode> keys = pattern.field("dynamodb").orElseThrow().field("Keys").orElseThrow().asObject();
        assertEquals("USER#", keys.get("pk").field("S").orElseThrow().asArray().get(0).field("prefix").orElseThrow().asString());
        assertEquals("EVENT#", keys.get("sk").field("S").orElseThrow().asArray().get(0).field("prefix").orElseThrow().asString());
        assertEquals(Set.of("pk", "sk"), keys.keySet());

        List<Map<String, Object>> statements = (List<Map<String, Object>>) ((List<Map<String, Object>>) publisher
                .get("Policies")).get(0).get("Statement");
        assertEquals(2, statements.size(), "PutEvents on the bus, SendMessage to the dead-letter queue: " + statements);
        assertEquals("events:PutEvents", statements.get(0).get("Action"));
        assertEquals("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${SecurityEventBusName}",
                statements.get(0).get("Resource"), "the one bus, never *");
        assertEquals("sqs:SendMessage", statements.get(1).get("Action"));
        assertEquals("SecurityEventsDeadLetterQueue.Arn", statements.get(1).get("Resource"));
    }

    /**
     * The sample rule of docs/notifications.md: deployed only with an ops topic, on the events' bus,
     * matching helpdesk resets and locks by detail-types the publisher really uses.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theSampleOpsRuleSendsResetsAndLocksToTheOpsTopicOnlyWhenOneIsGiven() {
        Map<String, Object> rule = (Map<String, Object>) template.resources().get("SecurityEventsOpsRule");
        assertEquals("AWS::Events::Rule", rule.get("Type"));
        assertEquals("HasSecurityEventsOpsTopic", rule.get("Condition"));
        assertEquals("", ((Map<String, Object>) template.parameters().get("SecurityEventsOpsTopicArn")).get("Default"));
        Map<String, Object> properties = (Map<String, Object>) rule.get("Properties");
        assertEquals("SecurityEventBusName", properties.get("EventBusName"));
        Map<String, Object> pattern = (Map<String, Object>) properties.get("EventPattern");
        assertEquals(List.of(PublishedEvent.SOURCE), pattern.get("source"));
        Set<String> detailTypes = new TreeSet<>();
        for (SecurityEventType type : List.of(SecurityEventType.ADMIN_RESET_PERFORMED, SecurityEventType.LOCKED_OUT,
                SecurityEventType.LOCKED_UNTIL_RESET)) {
            detailTypes.add(new PublishedEvent("id", type, "user", java.time.Instant.EPOCH, java.util.Optional.empty(),
                    java.util.Optional.empty()).detailType());
        }
        assertEquals(detailTypes, new TreeSet<>((List<String>) pattern.get("detail-type")));
        assertEquals(List.of(Map.of("Id", "ops-list", "Arn", "SecurityEventsOpsTopicArn")), properties.get("Targets"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(String logicalId) {
        return (Map<String, Object>) ((Map<String, Object>) template.resources().get(logicalId)).get("Properties");
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
                "Api5xxAlarm", "DynamoDbThrottleAlarm", "SecurityEventsDeadLetterAlarm", "SecurityEventsIteratorAgeAlarm",
                "SecurityEventsUnreadableAlarm"), watched.keySet());
        assertTrue(watched.get("SecurityEventsUnreadableAlarm").contains("MetricName=SecurityEventsUnreadable"));
        assertTrue(watched.get("SecurityEventsUnreadableAlarm").contains("Value=publish-security-events"));
        assertTrue(watched.get("SecurityEventsDeadLetterAlarm").contains("SecurityEventsDeadLetterQueue.QueueName"));
        assertTrue(watched.get("SecurityEventsIteratorAgeAlarm").contains("MetricName=IteratorAge"));
        assertTrue(watched.get("SecurityEventsIteratorAgeAlarm").contains("Value=PublishSecurityEventsFunction"));
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

    /**
     * The recovery hashes of earlier releases are keyed by the deployment (custom resources run by
     * RecoveryHashUpgradeFunction): once before any function that writes an enabled item changes
     * (this release ignores unkeyed hashes and would drop them at its first write), and once after
     * their live aliases point at this release (what the earlier release rewrote meanwhile).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theFunctionsThatCheckRecoveryCodesChangeOnlyAfterTheRecoveryHashUpgrade() {
        Map<String, Object> upgrade = (Map<String, Object>) template.resources().get("RecoveryHashUpgrade");
        assertEquals("Custom::RecoveryHashUpgrade", upgrade.get("Type"));
        Map<String, Object> properties = (Map<String, Object>) upgrade.get("Properties");
        assertEquals("RecoveryHashUpgradeFunction.Arn", String.valueOf(properties.get("ServiceToken")).replaceAll("[^A-Za-z.]", "")
                .replace("GetAtt", ""), "the upgrade function answers it");
        assertEquals("io.serverlessmfa.functions.ops.RecoveryHashUpgradeFunction::handleRequest",
                ((Map<String, Object>) ((Map<String, Object>) template.resources().get("RecoveryHashUpgradeFunction"))
                        .get("Properties")).get("Handler"));
        List<String> dependents = new ArrayList<>();
        template.resources().forEach((name, resource) -> {
            Object dependsOn = ((Map<String, Object>) resource).get("DependsOn");
            if ("RecoveryHashUpgrade".equals(dependsOn) || dependsOn instanceof List<?> list && list.contains("RecoveryHashUpgrade")) {
                dependents.add(name);
            }
        });
        List<String> writersOfEnabledItems = List.of("ConfirmFunction", "VerifyFunction", "RecoverFunction",
                "RecoveryCodesFunction", "RemoveFunction");
        assertEquals(new TreeSet<>(writersOfEnabledItems), new TreeSet<>(dependents));
        Map<String, Object> afterDeploy = (Map<String, Object>) template.resources().get("RecoveryHashUpgradeAfterDeploy");
        assertEquals("Custom::RecoveryHashUpgrade", afterDeploy.get("Type"));
        assertEquals(String.valueOf(properties.get("ServiceToken")),
                String.valueOf(((Map<String, Object>) afterDeploy.get("Properties")).get("ServiceToken")));
        // SAM names the alias AutoPublishAlias makes <function>Alias<alias> (the traffic switch).
        assertEquals(new TreeSet<>(writersOfEnabledItems.stream().map(name -> name + "Aliaslive").toList()),
                new TreeSet<>((List<String>) afterDeploy.get("DependsOn")));
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

    // The KMS key policy (SecretKey): administration apart from use, and each use only for the roles and
    // the encryption-context purposes that need it (docs/security.md, threat 14). IAM policies are not
    // enough: an account's administrators, CI roles and leaked keys often carry kms:* on "*", and a key
    // policy that gives the account every action lets all of them unwrap every data key.

    /** Actions that use the key, or hand its use out (a grant): never for the account as a whole. */
    private static final Set<String> KMS_USE_ACTIONS = Set.of("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom",
            "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair",
            "kms:GenerateDataKeyPairWithoutPlaintext", "kms:GenerateMac", "kms:VerifyMac", "kms:Sign", "kms:Verify",
            "kms:DeriveSharedSecret", "kms:Decapsulate", "kms:CreateGrant");

    /** What the account may do to the key: manage it, rotate it, retire it; never use it. */
    private static final Set<String> KMS_ADMINISTRATION_ACTIONS = Set.of("kms:DescribeKey", "kms:GetKeyPolicy",
            "kms:ListKeyPolicies", "kms:PutKeyPolicy", "kms:UpdateKeyDescription", "kms:EnableKey", "kms:DisableKey",
            "kms:GetKeyRotationStatus", "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:ListKeyRotations",
            "kms:RotateKeyOnDemand", "kms:TagResource", "kms:UntagResource", "kms:ListResourceTags", "kms:CreateAlias",
            "kms:UpdateAlias", "kms:DeleteAlias", "kms:ListGrants", "kms:RevokeGrant", "kms:ScheduleKeyDeletion",
            "kms:CancelKeyDeletion");

    private static final String TOTP_DATA_KEY = "mfa-totp-data-key";
    private static final String TOTP_SECRET = "mfa-totp-secret";
    private static final String SIGNING_KEY = "mfa-token-signing-key";
    private static final String RECOVERY_CODE_KEY = "mfa-recovery-code-key";
    /** How a KMS action without a purpose condition is listed: it would work under any encryption context. */
    private static final String ANY_PURPOSE = "(any purpose)";
    private static final String ACCOUNT_ROOT = "arn:${AWS::Partition}:iam::${AWS::AccountId}:root";
    /** The path a KMS function's role lives at (its RolePath), followed by the function's logical id and "/". */
    private static final String ROLE_PATH_PREFIX = "/${AWS::StackName}/${AWS::Region}/";

    /**
     * Each function's use of the key, as "action purpose": what its code calls (EnvelopeSecretCipher,
     * KmsSecretCipher, the signing key ring, the recovery codes' hash key), and nothing for the others.
     * Both the function's IAM policy and the key policy must allow exactly this.
     */
    private static final Map<String, Set<String>> KMS_USE = Map.ofEntries(
            Map.entry("SetupFunction", uses(List.of("kms:GenerateDataKey", "kms:Encrypt"), TOTP_DATA_KEY, TOTP_SECRET)),
            Map.entry("ConfirmFunction", union(uses(List.of("kms:Decrypt"), TOTP_DATA_KEY, TOTP_SECRET),
                    uses(List.of("kms:Decrypt", "kms:Encrypt"), SIGNING_KEY),
                    uses(List.of("kms:GenerateDataKey", "kms:Decrypt"), RECOVERY_CODE_KEY))),
            Map.entry("VerifyFunction", union(uses(List.of("kms:Decrypt"), TOTP_DATA_KEY, TOTP_SECRET),
                    uses(List.of("kms:Decrypt", "kms:Encrypt"), SIGNING_KEY))),
            Map.entry("RecoverFunction", union(uses(List.of("kms:Decrypt", "kms:Encrypt"), SIGNING_KEY),
                    uses(List.of("kms:GenerateDataKey", "kms:Decrypt"), RECOVERY_CODE_KEY))),
            Map.entry("RecoveryCodesFunction", union(uses(List.of("kms:Decrypt"), TOTP_DATA_KEY, TOTP_SECRET),
                    uses(List.of("kms:GenerateDataKey", "kms:Decrypt"), RECOVERY_CODE_KEY))),
            Map.entry("RemoveFunction", union(uses(List.of("kms:Decrypt"), TOTP_DATA_KEY, TOTP_SECRET),
                    uses(List.of("kms:GenerateDataKey", "kms:Decrypt"), RECOVERY_CODE_KEY))),
            Map.entry("RotateSigningKeysFunction", uses(List.of("kms:Encrypt"), SIGNING_KEY)),
            Map.entry("RecoveryHashUpgradeFunction", uses(List.of("kms:GenerateDataKey", "kms:Decrypt"), RECOVERY_CODE_KEY)));

    /**
     * A deployment to resolve the template's pseudo parameters with. The stack name is long enough
     * that CloudFormation cuts the roles' generated names short (see {@link #generatedRoleName}).
     */
    private static final Map<String, String> DEPLOYMENT = Map.of("AWS::Partition", "aws", "AWS::AccountId", "123456789012",
            "AWS::Region", "eu-west-1", "AWS::StackName", "serverless-mfa-production-europe-tenants");

    @Test
    void noKeyPolicyStatementGrantsAWildcardOrUseWithoutAPurposeAndARoleCondition() {
        checkNoWildcardAndNoUseWithoutPurposeAndRole(template);
    }

    @Test
    void theAccountAdministersTheKeyButNeverUsesIt() {
        checkAdministrationIsSeparateFromUse(template);
    }

    @Test
    void theKeyPolicyAllowsEachFunctionsRoleExactlyTheKmsUseItsIamPolicyAllows() {
        checkKeyPolicyMatchesIamPerFunction(template);
    }

    @Test
    void functionsWithoutKmsInIamAndRolesOutsideTheFunctionsPathsGetNothingFromTheKeyPolicy() {
        checkNothingForOtherRoles(template);
    }

    @Test
    void everyKmsFunctionsRoleHasAPathOfItsOwn() {
        checkEveryKmsFunctionHasItsOwnRolePath(template);
    }

    /**
     * The checks above can fail: each mutation of template.yaml, one a reviewer could miss, is
     * caught by the check named for it (and the unmutated template passes them all, above).
     */
    @Test
    void theKeyPolicyChecksCatchEachMutationOfTheTemplate(@TempDir Path directory) throws IOException {
        String original = Files.readString(RepositoryFiles.template(), StandardCharsets.UTF_8);
        record Mutation(String what, String from, String to, Consumer<SamTemplate> check) {
        }
        List<Mutation> mutations = List.of(
                new Mutation("the account may also Decrypt", "              - kms:CancelKeyDeletion\n",
                        "              - kms:CancelKeyDeletion\n              - kms:Decrypt\n",
                        SamTemplateTest::checkAdministrationIsSeparateFromUse),
                new Mutation("the account's administration is kms:*", "              - kms:DescribeKey\n",
                        "              - kms:*\n", SamTemplateTest::checkNoWildcardAndNoUseWithoutPurposeAndRole),
                new Mutation("the account may hand out grants", "              - kms:ListGrants\n",
                        "              - kms:ListGrants\n              - kms:CreateGrant\n",
                        SamTemplateTest::checkAdministrationIsSeparateFromUse),
                new Mutation("the recovery code key's statement loses its purpose condition",
                        "              StringEquals:\n                kms:EncryptionContext:purpose: mfa-recovery-code-key\n", "",
                        SamTemplateTest::checkNoWildcardAndNoUseWithoutPurposeAndRole),
                new Mutation("the key policy lets the token issuers unseal TOTP data keys too",
                        "            Action: kms:Decrypt\n            Resource: \"*\"\n            Condition:\n"
                                + "              ArnLike:\n                aws:PrincipalArn:\n                  - !Sub "
                                + "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}/${AWS::Region}/ConfirmFunction/*\n"
                                + "                  - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}/${AWS::Region}/VerifyFunction/*\n"
                                + "                  - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}/${AWS::Region}/RecoverFunction/*\n"
                                + "              StringEquals:\n                kms:EncryptionContext:purpose: mfa-token-signing-key\n",
                        "            Action: kms:Decrypt\n            Resource: \"*\"\n            Condition:\n"
                                + "              ArnLike:\n                aws:PrincipalArn:\n                  - !Sub "
                                + "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}/${AWS::Region}/ConfirmFunction/*\n"
                                + "                  - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}/${AWS::Region}/VerifyFunction/*\n"
                                + "                  - !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${AWS::StackName}/${AWS::Region}/RecoverFunction/*\n"
                                + "              StringEquals:\n                kms:EncryptionContext:purpose: [mfa-token-signing-key, mfa-totp-data-key]\n",
                        SamTemplateTest::checkKeyPolicyMatchesIamPerFunction),
                new Mutation("setup's role pattern covers every role of the stack",
                        "${AWS::StackName}/${AWS::Region}/SetupFunction/*\n", "${AWS::StackName}/*\n",
                        SamTemplateTest::checkNoWildcardAndNoUseWithoutPurposeAndRole),
                new Mutation("setup's role pattern covers every role of the stack (the use it gives)",
                        "${AWS::StackName}/${AWS::Region}/SetupFunction/*\n", "${AWS::StackName}/*\n",
                        SamTemplateTest::checkNothingForOtherRoles),
                new Mutation("the key policy names roles by CloudFormation's generated name",
                        "role/${AWS::StackName}/${AWS::Region}/SetupFunction/*\n", "role/${AWS::StackName}-SetupFunctionRole-*\n",
                        SamTemplateTest::checkKeyPolicyMatchesIamPerFunction),
                new Mutation("verify's role shares recover's path", "RolePath: !Sub /${AWS::StackName}/${AWS::Region}/VerifyFunction/\n",
                        "RolePath: !Sub /${AWS::StackName}/${AWS::Region}/RecoverFunction/\n",
                        SamTemplateTest::checkEveryKmsFunctionHasItsOwnRolePath),
                new Mutation("the rotation's IAM policy also allows Decrypt, the key policy does not",
                        "              Action: kms:Encrypt\n", "              Action: [kms:Encrypt, kms:Decrypt]\n",
                        SamTemplateTest::checkKeyPolicyMatchesIamPerFunction),
                new Mutation("the status function's IAM policy gets Decrypt", "              Action: dynamodb:GetItem\n"
                        + "              Resource: !GetAtt MfaTable.Arn\n      Events:\n        Status:\n",
                        "              Action: dynamodb:GetItem\n              Resource: !GetAtt MfaTable.Arn\n"
                                + "            - Effect: Allow\n              Action: kms:Decrypt\n"
                                + "              Resource: !GetAtt SecretKey.Arn\n      Events:\n        Status:\n",
                        SamTemplateTest::checkKeyPolicyMatchesIamPerFunction));
        for (Mutation mutation : mutations) {
            assertEquals(1, original.split(java.util.regex.Pattern.quote(mutation.from()), -1).length - 1,
                    mutation.what() + ": the text to change occurs exactly once in template.yaml");
            Path mutated = directory.resolve("template.yaml");
            Files.writeString(mutated, original.replace(mutation.from(), mutation.to()), StandardCharsets.UTF_8);
            SamTemplate broken = SamTemplate.load(mutated);
            assertThrows(AssertionFailedError.class, () -> mutation.check().accept(broken),
                    mutation.what() + ": not caught");
        }
    }

    /**
     * No Allow statement of the key policy has a wildcard action or an action unknown here, or
     * NotAction, NotPrincipal or NotResource; each names this account only; and each that uses the key
     * has exactly two conditions: the caller's role is at a KMS function's path, and the encryption
     * context's purpose is one of a list.
     */
    @SuppressWarnings("unchecked")
    static void checkNoWildcardAndNoUseWithoutPurposeAndRole(SamTemplate checked) {
        Set<String> kmsFunctions = new TreeSet<>();
        iamKmsUse(checked).forEach((function, use) -> {
            if (!use.isEmpty()) {
                kmsFunctions.add(function);
            }
        });
        for (Map<String, Object> statement : keyPolicyStatements(checked)) {
            String sid = String.valueOf(statement.get("Sid"));
            for (String forbidden : List.of("NotAction", "NotPrincipal", "NotResource")) {
                assertFalse(statement.containsKey(forbidden), sid + " uses " + forbidden);
            }
            assertEquals("Allow", statement.get("Effect"), sid);
            assertEquals(Map.of("AWS", ACCOUNT_ROOT), statement.get("Principal"), sid + ": this account only");
            assertEquals("*", statement.get("Resource"), sid + ": in a key policy, \"*\" is this key");
            List<String> actions = strings(statement.get("Action"));
            for (String action : actions) {
                assertFalse(action.contains("*") || action.contains("?"), sid + " allows " + action);
                assertTrue(KMS_USE_ACTIONS.contains(action) || KMS_ADMINISTRATION_ACTIONS.contains(action),
                        sid + ": " + action + " is neither a known use nor a known administration action");
            }
            if (actions.stream().noneMatch(KMS_USE_ACTIONS::contains)) {
                continue;
            }
            Map<String, Object> condition = (Map<String, Object>) statement.get("Condition");
            assertTrue(condition != null, sid + " uses the key without a condition");
            assertEquals(Set.of("ArnLike", "StringEquals"), condition.keySet(), sid + ": the role and the purpose, nothing else");
            Map<String, Object> roles = (Map<String, Object>) condition.get("ArnLike");
            Map<String, Object> purposes = (Map<String, Object>) condition.get("StringEquals");
            assertEquals(Set.of("aws:PrincipalArn"), roles.keySet(), sid);
            assertEquals(Set.of("kms:EncryptionContext:purpose"), purposes.keySet(), sid);
            assertFalse(strings(purposes.get("kms:EncryptionContext:purpose")).isEmpty(), sid + " names no purpose");
            for (String purpose : strings(purposes.get("kms:EncryptionContext:purpose"))) {
                assertTrue(purpose.matches("mfa-[a-z-]+"), sid + ": purpose " + purpose + " is a plain name, no pattern");
            }
            List<String> patterns = strings(roles.get("aws:PrincipalArn"));
            assertFalse(patterns.isEmpty(), sid + " names no role");
            for (String pattern : patterns) {
                String rolePrefix = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role" + ROLE_PATH_PREFIX;
                assertTrue(pattern.startsWith(rolePrefix) && pattern.endsWith("/*"), sid + ": " + pattern
                        + " is not the path of one function's role");
                String function = pattern.substring(rolePrefix.length(), pattern.length() - "/*".length());
                assertTrue(kmsFunctions.contains(function), sid + ": " + pattern + " is the path of no function that uses KMS "
                        + kmsFunctions);
            }
        }
    }

    /**
     * Exactly one statement administers the key: for the whole account (delegated to IAM), without
     * a condition, with PutKeyPolicy (CloudFormation's lockout safety check, and the next deployment,
     * need it), and with no action that uses the key or hands its use out.
     */
    static void checkAdministrationIsSeparateFromUse(SamTemplate checked) {
        List<Map<String, Object>> administration = keyPolicyStatements(checked).stream()
                .filter(statement -> strings(statement.get("Action")).contains("kms:PutKeyPolicy")).toList();
        assertEquals(1, administration.size(), "one statement administers the key: " + administration);
        Map<String, Object> statement = administration.get(0);
        assertEquals(Map.of("AWS", ACCOUNT_ROOT), statement.get("Principal"));
        assertFalse(statement.containsKey("Condition"), "the account administers the key unconditionally (through IAM)");
        Set<String> actions = new TreeSet<>(strings(statement.get("Action")));
        assertTrue(actions.containsAll(Set.of("kms:DescribeKey", "kms:DisableKey", "kms:EnableKeyRotation",
                "kms:ScheduleKeyDeletion", "kms:CreateAlias", "kms:TagResource")), "the account can manage the key: " + actions);
        for (String action : actions) {
            assertTrue(KMS_ADMINISTRATION_ACTIONS.contains(action), "the administration statement allows " + action);
        }
        for (Map<String, Object> use : keyPolicyStatements(checked)) {
            if (use != statement) {
                for (String action : strings(use.get("Action"))) {
                    assertFalse(KMS_ADMINISTRATION_ACTIONS.contains(action), use.get("Sid") + " mixes use and " + action);
                }
            }
        }
    }

    /**
     * Each function's role gets from the key policy exactly the use ("action purpose") its own IAM
     * policy allows, and both are what its code needs ({@link #KMS_USE}); a function that needs none
     * gets none from either. The role is the one CloudFormation makes for the function in
     * {@link #DEPLOYMENT}, at the function's RolePath.
     */
    static void checkKeyPolicyMatchesIamPerFunction(SamTemplate checked) {
        Map<String, Set<String>> iam = iamKmsUse(checked);
        for (Map.Entry<String, Set<String>> function : iam.entrySet()) {
            Set<String> expected = KMS_USE.getOrDefault(function.getKey(), Set.of());
            assertEquals(expected, function.getValue(), function.getKey() + ": its IAM policy's KMS use");
            String role = roleArn(checked, function.getKey(), DEPLOYMENT);
            assertEquals(expected, keyPolicyUse(checked, role, DEPLOYMENT), function.getKey() + ": the key policy's use for " + role);
        }
        assertTrue(iam.keySet().containsAll(KMS_USE.keySet()), "every function that uses KMS is in the template: " + iam.keySet());
    }

    /**
     * The functions whose IAM policies name no KMS action, and every role that is not at a KMS
     * function's path, get nothing from the key policy: the roles CloudFormation would make without
     * RolePath (path "/", named <stack>-<function>Role-...), the same stack name's roles in another
     * region, and those of a stack whose name merely extends this one's.
     */
    static void checkNothingForOtherRoles(SamTemplate checked) {
        Map<String, Set<String>> iam = iamKmsUse(checked);
        List<String> withoutKms = iam.entrySet().stream().filter(function -> function.getValue().isEmpty())
                .map(Map.Entry::getKey).toList();
        assertTrue(withoutKms.containsAll(List.of("StatusFunction", "EventsFunction", "AdminStatsFunction", "AdminUserFunction",
                "AdminResetFunction", "DiscoveryFunction", "JwksFunction", "AdoptionReportFunction", "ReconcileFunction")),
                "these functions use no KMS: " + withoutKms);
        for (String function : withoutKms) {
            String role = roleArn(checked, function, DEPLOYMENT);
            assertEquals(Set.of(), keyPolicyUse(checked, role, DEPLOYMENT), function + " (" + role + ") uses no KMS");
        }
        Map<String, String> otherRegion = new java.util.HashMap<>(DEPLOYMENT);
        otherRegion.put("AWS::Region", "us-east-1");
        Map<String, String> longerStackName = new java.util.HashMap<>(DEPLOYMENT);
        longerStackName.put("AWS::StackName", DEPLOYMENT.get("AWS::StackName") + "-staging");
        for (String function : iam.keySet()) {
            String stackName = DEPLOYMENT.get("AWS::StackName");
            String withoutPath = "arn:aws:iam::123456789012:role/" + generatedRoleName(stackName, function + "Role");
            assertEquals(Set.of(), keyPolicyUse(checked, withoutPath, DEPLOYMENT), withoutPath + ": the key policy matches paths, not names");
            String inOtherRegion = roleArn(checked, function, otherRegion);
            assertEquals(Set.of(), keyPolicyUse(checked, inOtherRegion, DEPLOYMENT), inOtherRegion + ": another region's stack");
            String ofLongerStack = roleArn(checked, function, longerStackName);
            assertEquals(Set.of(), keyPolicyUse(checked, ofLongerStack, DEPLOYMENT), ofLongerStack + ": another stack");
        }
    }

    /**
     * Every function that uses KMS has its role at /<stack>/<region>/<its logical id>/, so no two
     * functions share a path and the key policy's pattern for one matches no other's role.
     */
    @SuppressWarnings("unchecked")
    static void checkEveryKmsFunctionHasItsOwnRolePath(SamTemplate checked) {
        iamKmsUse(checked).forEach((function, use) -> {
            if (!use.isEmpty()) {
                Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) checked.resources().get(function))
                        .get("Properties");
                assertEquals(ROLE_PATH_PREFIX + function + "/", properties.get("RolePath"), function + "'s RolePath");
            }
        });
    }

    /** Every AWS::Serverless::Function's KMS use by its IAM policy, as "action purpose" (empty: none). */
    @SuppressWarnings("unchecked")
    private static Map<String, Set<String>> iamKmsUse(SamTemplate checked) {
        Map<String, Set<String>> use = new java.util.TreeMap<>();
        checked.resources().forEach((name, resource) -> {
            Map<String, Object> definition = (Map<String, Object>) resource;
            if (!"AWS::Serverless::Function".equals(definition.get("Type"))) {
                return;
            }
            Set<String> functionUse = new TreeSet<>();
            Map<String, Object> properties = (Map<String, Object>) definition.get("Properties");
            for (Object policy : (List<Object>) properties.getOrDefault("Policies", List.of())) {
                for (Map<String, Object> statement : (List<Map<String, Object>>) ((Map<String, Object>) policy).get("Statement")) {
                    for (String action : strings(statement.get("Action"))) {
                        if (action.startsWith("kms:")) {
                            purposes(statement).forEach(purpose -> functionUse.add(action + " " + purpose));
                        }
                    }
                }
            }
            use.put(name, functionUse);
        });
        return use;
    }

    /**
     * What the key policy lets {@code roleArn} do with the key, as "action purpose": the statements
     * for this account whose role patterns (resolved for {@code deployment}) match it, or that have
     * none; only actions that use the key, or any wildcard.
     */
    private static Set<String> keyPolicyUse(SamTemplate checked, String roleArn, Map<String, String> deployment) {
        Set<String> use = new TreeSet<>();
        for (Map<String, Object> statement : keyPolicyStatements(checked)) {
            if (!"Allow".equals(statement.get("Effect"))
                    || !ACCOUNT_ROOT.equals(((Map<?, ?>) statement.get("Principal")).get("AWS"))) {
                continue;
            }
            Object condition = statement.get("Condition");
            Object arnLike = condition instanceof Map<?, ?> conditions ? conditions.get("ArnLike") : null;
            Object patterns = arnLike instanceof Map<?, ?> roles ? roles.get("aws:PrincipalArn") : null;
            boolean applies = patterns == null
                    || strings(patterns).stream().anyMatch(pattern -> arnLike(resolve(pattern, deployment), roleArn));
            if (applies) {
                for (String action : strings(statement.get("Action"))) {
                    if (KMS_USE_ACTIONS.contains(action) || action.contains("*")) {
                        purposes(statement).forEach(purpose -> use.add(action + " " + purpose));
                    }
                }
            }
        }
        return use;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> keyPolicyStatements(SamTemplate checked) {
        Map<String, Object> key = (Map<String, Object>) checked.resources().get("SecretKey");
        assertEquals("AWS::KMS::Key", key.get("Type"));
        Map<String, Object> policy = (Map<String, Object>) ((Map<String, Object>) key.get("Properties")).get("KeyPolicy");
        return (List<Map<String, Object>>) policy.get("Statement");
    }

    /** The purposes a statement's StringEquals condition allows; {@link #ANY_PURPOSE} without one. */
    private static List<String> purposes(Map<String, Object> statement) {
        if (statement.get("Condition") instanceof Map<?, ?> condition
                && condition.get("StringEquals") instanceof Map<?, ?> equals
                && equals.get("kms:EncryptionContext:purpose") != null) {
            return strings(equals.get("kms:EncryptionContext:purpose"));
        }
        return List.of(ANY_PURPOSE);
    }

    /**
     * The ARN of the role CloudFormation makes for {@code function} in {@code deployment}: at the
     * function's RolePath (else "/"), with the name CloudFormation generates.
     */
    @SuppressWarnings("unchecked")
    private static String roleArn(SamTemplate checked, String function, Map<String, String> deployment) {
        Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) checked.resources().get(function))
                .get("Properties");
        String path = resolve((String) properties.getOrDefault("RolePath", "/"), deployment);
        return "arn:" + deployment.get("AWS::Partition") + ":iam::" + deployment.get("AWS::AccountId") + ":role" + path
                + generatedRoleName(deployment.get("AWS::StackName"), function + "Role");
    }

    /**
     * The name CloudFormation gives a role the template does not name: {@code <stack>-<logical id>-}
     * and 12 random characters, at most IAM's 64; past that it cuts the stack name and the logical id
     * to share what is left, the stack name rounding up (not documented by AWS; observed on deployed
     * stacks). With a long stack name the function's part is cut short, hence the key policy matches
     * roles by path.
     */
    static String generatedRoleName(String stackName, String logicalId) {
        String suffix = "-A1B2C3D4E5F6";
        int room = 64 - suffix.length() - 1;
        if (stackName.length() + logicalId.length() <= room) {
            return stackName + "-" + logicalId + suffix;
        }
        int stackPart = Math.min(stackName.length(), Math.max((room + 1) / 2, room - logicalId.length()));
        int logicalPart = Math.min(logicalId.length(), room - stackPart);
        return stackName.substring(0, stackPart) + "-" + logicalId.substring(0, logicalPart) + suffix;
    }

    @Test
    void theRoleNamesOfALongStackNameAreCutShortAsCloudFormationCutsThem() {
        // Observed on a deployed stack (the 25/25 split): a role name is never longer than 64.
        assertEquals("ChineseboostAnalyticsStac-RainlyticsSummariesJobFun-A1B2C3D4E5F6",
                generatedRoleName("ChineseboostAnalyticsStack", "RainlyticsSummariesJobFunctionRole"));
        String name = generatedRoleName(DEPLOYMENT.get("AWS::StackName"), "RotateSigningKeysFunctionRole");
        assertEquals(64, name.length());
        assertFalse(name.contains("RotateSigningKeysFunctionRole"), name + ": the function's part is cut short");
        assertEquals("serverless-mfa-VerifyFunctionRole-A1B2C3D4E5F6", generatedRoleName("serverless-mfa", "VerifyFunctionRole"));
    }

    /** IAM's ArnLike: the six colon-separated parts of an ARN each matched as a glob (* any run, ? one character). */
    private static boolean arnLike(String pattern, String arn) {
        String[] patternParts = pattern.split(":", 6);
        String[] arnParts = arn.split(":", 6);
        if (patternParts.length != 6 || arnParts.length != 6) {
            return false;
        }
        for (int part = 0; part < 6; part++) {
            StringBuilder regex = new StringBuilder();
            for (char character : patternParts[part].toCharArray()) {
                regex.append(character == '*' ? ".*" : character == '?' ? "." : java.util.regex.Pattern.quote(String.valueOf(character)));
            }
            if (!arnParts[part].matches(regex.toString())) {
                return false;
            }
        }
        return true;
    }

    /** A !Sub string with its ${AWS::...} pseudo parameters replaced; any other variable fails the test. */
    private static String resolve(String value, Map<String, String> deployment) {
        java.util.regex.Matcher variable = java.util.regex.Pattern.compile("\\$\\{([^}]+)}").matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (variable.find()) {
            String replacement = deployment.get(variable.group(1));
            assertTrue(replacement != null, "no value for ${" + variable.group(1) + "} in " + value);
            variable.appendReplacement(resolved, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        variable.appendTail(resolved);
        return resolved.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object stringOrList) {
        if (stringOrList == null) {
            return List.of();
        }
        return stringOrList instanceof List<?> list ? (List<String>) list : List.of((String) stringOrList);
    }

    private static Set<String> uses(List<String> actions, String... purposes) {
        Set<String> use = new TreeSet<>();
        for (String action : actions) {
            for (String purpose : purposes) {
                use.add(action + " " + purpose);
            }
        }
        return use;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
