package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** template.yaml and the code agree: what `sam deploy` ships is what the code and the contract say. */
class SamTemplateTest {

    /** Every route of the API contract (../shared/design/api-contract.md), and the audit trail's. */
    private static final Set<String> CONTRACT_ROUTES = Set.of("GET /mfa", "POST /mfa/setup", "POST /mfa/confirm",
            "POST /mfa/verify", "POST /mfa/recover", "POST /mfa/recovery-codes", "POST /mfa/remove", "GET /mfa/events");

    /**
     * Least privilege, per function: exactly what its code calls. A state change is one
     * TransactWriteItems, which IAM checks as the PutItem and UpdateItem it contains (the
     * enrollment, the audit event, the adoption counters). Status and recover never touch KMS;
     * only setup encrypts.
     */
    private static final Map<String, Set<String>> ACTIONS = Map.of(
            "StatusFunction", Set.of("dynamodb:GetItem"),
            "SetupFunction", Set.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "kms:Encrypt"),
            "ConfirmFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "kms:Decrypt"),
            "VerifyFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "kms:Decrypt"),
            "RecoverFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem"),
            "RecoveryCodesFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "kms:Decrypt"),
            "RemoveFunction", Set.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "kms:Decrypt"),
            "EventsFunction", Set.of("dynamodb:Query"));

    private static SamTemplate template;

    @BeforeAll
    static void load() throws IOException {
        template = SamTemplate.load(RepositoryFiles.template());
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
    void everyHandlerTheTemplateNamesIsALambdaHandlerWithTheConstructorLambdaCalls() {
        for (SamTemplate.Function function : template.functions()) {
            Class<?> handler = assertDoesNotThrow(() -> Class.forName(function.handlerClass()), function.logicalId());
            assertTrue(RequestHandler.class.isAssignableFrom(handler), function.handlerClass());
            assertDoesNotThrow(() -> handler.getConstructor(), function.handlerClass() + " needs a public no-arg constructor");
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
