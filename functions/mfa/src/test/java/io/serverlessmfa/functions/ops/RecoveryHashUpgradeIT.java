package io.serverlessmfa.functions.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.sun.net.httpserver.HttpServer;
import io.serverlessmfa.core.recovery.RecoveryCode;
import io.serverlessmfa.core.recovery.RecoveryCodeGenerator;
import io.serverlessmfa.core.recovery.RecoveryCodeHasher;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.RecoveryHashes;
import io.serverlessmfa.functions.testing.RemainingTime;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Recovery hashes that the table alone cannot forge (contract, "Storage rules"), and the one-time
 * upgrade of the hashes earlier releases stored, run as the deployment's custom resource: over the
 * emulator, through the handlers, with items written in the earlier releases' shape.
 */
class RecoveryHashUpgradeIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AwsEmulator emulator;
    private MutableClock clock;
    private MfaApi api;
    private MfaFixtures fixtures;
    private RawItems raw;
    private HttpServer cloudFormation;
    private final List<JsonNode> responses = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final List<String> methods = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        emulator = AwsEmulator.get().withFreshTable();
        clock = MutableClock.atStepStart();
        api = MfaApi.over(emulator, clock, Map.of());
        fixtures = new MfaFixtures(api, clock);
        raw = new RawItems(emulator);
        // Stands in for the pre-signed S3 URL CloudFormation waits on.
        cloudFormation = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cloudFormation.createContext("/", exchange -> {
            responses.add(JsonNode.parser().parse(exchange.getRequestBody()));
            contentTypes.add(String.join(",", exchange.getRequestHeaders().getOrDefault("Content-Type", List.of())));
            methods.add(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        cloudFormation.start();
    }

    @AfterEach
    void tearDown() {
        if (cloudFormation != null) {
            cloudFormation.stop(0);
        }
    }

    // --- what a table writer cannot do --------------------------------------------------------

    @Test
    void aHashPlantedTheOldWayIsRefused() {
        TestUser user = TestUser.random();
        fixtures.enabled(user);
        String planted = newCode();
        byte[] salt = salt();
        raw.setList(user.sub(), RecoveryHashes.KEYED, List.of(RecoveryHashes.unkeyed(salt, planted)));

        ApiResult refused = api.recover(user, planted);

        assertEquals(400, refused.status(), refused::toString);
        assertEquals("invalid_recovery_code", refused.error());
    }

    @Test
    void aHashPlantedInTheEarlierReleasesAttributeBesideKeyedOnesIsIgnored() {
        TestUser user = TestUser.random();
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String planted = newCode();
        raw.setList(user.sub(), RecoveryHashes.UNKEYED, List.of(RecoveryHashes.unkeyed(salt(), planted)));

        assertEquals("invalid_recovery_code", api.recover(user, planted).error());
        assertEquals(1, remaining(api, user), "the keyed code is still the only one");
        assertEquals(200, api.recover(user, enabled.recoveryCode()).status());
        assertFalse(raw.get(user.sub()).containsKey(RecoveryHashes.UNKEYED), "this release's write dropped them");
    }

    @Test
    void aHashUnderAnotherKeyIsRefused() {
        TestUser user = TestUser.random();
        fixtures.enabled(user);
        String planted = newCode();
        byte[] otherKey = new byte[32];
        RANDOM.nextBytes(otherKey);
        RecoveryCodeHasher forger = new RecoveryCodeHasher(RANDOM, () -> new SecretKeySpec(otherKey, "HmacSHA256"));
        var hash = forger.hash(user.sub(), RecoveryCode.parse(planted).orElseThrow());
        raw.setList(user.sub(), RecoveryHashes.KEYED, List.of(concat(hash.salt(), hash.hash())));

        ApiResult refused = api.recover(user, planted);

        assertEquals(400, refused.status(), refused::toString);
        assertEquals("invalid_recovery_code", refused.error());
    }

    @Test
    void aHashCopiedFromAnotherUsersItemIsRefused() {
        TestUser alice = TestUser.random();
        TestUser bob = TestUser.random();
        fixtures.enabled(alice);
        MfaFixtures.Enabled bobs = fixtures.enabled(bob);
        raw.setAttribute(alice.sub(), RecoveryHashes.KEYED, raw.get(bob.sub()).get(RecoveryHashes.KEYED));

        assertEquals("invalid_recovery_code", api.recover(alice, bobs.recoveryCode()).error());
        assertEquals(200, api.recover(bob, bobs.recoveryCode()).status(), "bob's own code still works for bob");
    }

    // --- the upgrade ----------------------------------------------------------------------------

    @Test
    void itemsOfTheEarlierShapeKeepWorkingAfterTheUpgradeAndAreReplacedWhenUsed() throws Exception {
        TestUser user = TestUser.random();
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        String code = enabled.recoveryCode();
        long version = writeTheEarlierShape(user, List.of(code));
        assertEquals(0, remaining(api, user),
                "before the upgrade an unkeyed hash counts for nothing");

        Map<String, Object> answer = upgrade("Create");

        assertEquals(1L, answer.get("itemsKeyed"));
        JsonNode response = onlyResponse();
        assertEquals("SUCCESS", response.field("Status").orElseThrow().asString(), response::toString);
        assertEquals("recovery-hash-upgrade-RecoveryHashUpgrade", response.field("PhysicalResourceId").orElseThrow().asString());
        assertEquals("arn:aws:cloudformation:us-east-1:123456789012:stack/mfa/1", response.field("StackId").orElseThrow().asString());
        assertEquals("request-1", response.field("RequestId").orElseThrow().asString());
        assertEquals("RecoveryHashUpgrade", response.field("LogicalResourceId").orElseThrow().asString());
        assertEquals(List.of("PUT"), methods);
        assertEquals(List.of(""), contentTypes, "the pre-signed URL is signed without a content type");
        Map<String, AttributeValue> item = raw.get(user.sub());
        assertTrue(item.containsKey(RecoveryHashes.UNKEYED), "the unkeyed hashes stay for the earlier release");
        assertEquals(1, RecoveryHashes.keyed(item).size());
        assertEquals(Long.toString(version + 1), item.get("version").n(), "the version moves on");
        assertEquals(1, remaining(api, user));

        ApiResult recovered = api.recover(user, code);

        assertEquals(200, recovered.status(), recovered::toString);
        String replacement = recovered.texts("recoveryCodes").get(0);
        RecoveryCodeHasher hasher = RecoveryHashes.hasher(emulator);
        assertTrue(hasher.matches(user.sub(), RecoveryCode.parse(replacement).orElseThrow(),
                RecoveryHashes.keyed(raw.get(user.sub())).get(0)), "the replacement is stored keyed");
        assertFalse(raw.get(user.sub()).containsKey(RecoveryHashes.UNKEYED), "and the unkeyed hashes are gone");
        assertEquals("invalid_recovery_code", api.recover(user, code).error(), "used once");
        assertEquals(200, api.recover(user, replacement).status());
    }

    @Test
    void itemsOfTheEarlierShapeAreReplacedWhenRegeneratedAndSeveralCodesAllKeepWorking() throws Exception {
        MfaApi threeCodes = MfaApi.over(emulator, clock, Map.of("MFA_RECOVERY_CODE_COUNT", "3"));
        TestUser user = TestUser.random();
        MfaFixtures.Enabled enabled = new MfaFixtures(threeCodes, clock).enabled(user);
        writeTheEarlierShape(user, enabled.recoveryCodes());

        upgrade("Create");

        assertEquals(3, RecoveryHashes.keyed(raw.get(user.sub())).size());
        assertEquals(200, threeCodes.recover(user, enabled.recoveryCodes().get(2)).status());
        ApiResult regenerated = threeCodes.regenerate(user, threeCodes.codeFor(enabled.secret()));
        assertEquals(200, regenerated.status(), regenerated::toString);
        for (String old : enabled.recoveryCodes()) {
            assertEquals("invalid_recovery_code", threeCodes.recover(user, old).error());
        }
        assertEquals(200, threeCodes.recover(user, regenerated.texts("recoveryCodes").get(1)).status());
    }

    @Test
    void removeAcceptsAnUpgradedCode() throws Exception {
        TestUser user = TestUser.random();
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        writeTheEarlierShape(user, List.of(enabled.recoveryCode()));
        upgrade("Create");

        ApiResult removed = api.removeWithRecoveryCode(user, enabled.recoveryCode());

        assertEquals(200, removed.status(), removed::toString);
    }

    @Test
    void runningTheUpgradeAgainChangesNothing() throws Exception {
        TestUser user = TestUser.random();
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        writeTheEarlierShape(user, List.of(enabled.recoveryCode()));
        upgrade("Create");
        Map<String, AttributeValue> once = raw.get(user.sub());

        Map<String, Object> again = upgrade("Create");

        assertEquals(0L, again.get("itemsKeyed"));
        assertEquals(once, raw.get(user.sub()));
        assertEquals("SUCCESS", responses.get(1).field("Status").orElseThrow().asString());
    }

    @Test
    void whatTheEarlierReleaseRewritesDuringTheDeploymentIsKeyedByTheRunAfterIt() throws Exception {
        TestUser user = TestUser.random();
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        writeTheEarlierShape(user, List.of(enabled.recoveryCode()));
        upgrade("Create");
        // The earlier release, still serving, signs the user in: it Puts the whole item as it knows
        // it, its unkeyed hashes without the keyed ones.
        raw.removeAttribute(user.sub(), RecoveryHashes.KEYED);
        assertEquals(0, remaining(api, user), "between the runs this release accepts no unkeyed hash");

        Map<String, Object> afterDeploy = new RecoveryHashUpgradeFunction(emulator.wiring(clock, Map.of()))
                .handleRequest(event("Create", "RecoveryHashUpgradeAfterDeploy"), new RemainingTime(Duration.ofMinutes(10)));

        assertEquals(1L, afterDeploy.get("itemsKeyed"));
        assertEquals(200, api.recover(user, enabled.recoveryCode()).status());
    }

    @Test
    void aDowngradedItemIsKeyedByNoUpdateNorByAnInvocationByHand() throws Exception {
        TestUser user = TestUser.random();
        fixtures.enabled(user);
        upgrade("Create");
        // A table writer drops the keyed hashes and plants an unkeyed one: the earlier shape.
        String planted = newCode();
        raw.removeAttribute(user.sub(), RecoveryHashes.KEYED);
        raw.setList(user.sub(), RecoveryHashes.UNKEYED, List.of(RecoveryHashes.unkeyed(salt(), planted)));
        Map<String, AttributeValue> downgraded = raw.get(user.sub());

        Map<String, Object> update = upgrade("Update");
        CloudFormationCustomResourceEvent byHand = new CloudFormationCustomResourceEvent();
        byHand.setRequestType("Create");
        Map<String, Object> invoked = new RecoveryHashUpgradeFunction(emulator.wiring(clock, Map.of()))
                .handleRequest(byHand, new RemainingTime(Duration.ofMinutes(10)));

        assertEquals("SUCCESS", update.get("status"));
        assertEquals("SUCCESS", responses.get(1).field("Status").orElseThrow().asString());
        assertEquals("REFUSED", invoked.get("status"));
        assertEquals(downgraded, raw.get(user.sub()), "nothing keyed");
        assertEquals("invalid_recovery_code", api.recover(user, planted).error());
    }

    @Test
    void theUpgradeNeverKeysUnkeyedHashesBesideKeyedOnes() throws Exception {
        TestUser user = TestUser.random();
        fixtures.enabled(user);
        String planted = newCode();
        raw.setList(user.sub(), RecoveryHashes.UNKEYED, List.of(RecoveryHashes.unkeyed(salt(), planted)));
        Map<String, AttributeValue> before = raw.get(user.sub());

        Map<String, Object> answer = upgrade("Create");

        assertEquals(0L, answer.get("itemsKeyed"));
        assertEquals(before, raw.get(user.sub()));
        assertEquals("invalid_recovery_code", api.recover(user, planted).error());
    }

    @Test
    void deleteAnswersSuccessAndTouchesNothing() throws Exception {
        TestUser user = TestUser.random();
        MfaFixtures.Enabled enabled = fixtures.enabled(user);
        writeTheEarlierShape(user, List.of(enabled.recoveryCode()));
        Map<String, AttributeValue> before = raw.get(user.sub());

        upgrade("Delete");

        assertEquals("SUCCESS", onlyResponse().field("Status").orElseThrow().asString());
        assertEquals(before, raw.get(user.sub()));
    }

    @Test
    void aRunOutOfTimeAnswersFailedAndTheNextRunFinishes() throws Exception {
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestUser user = TestUser.random();
            writeTheEarlierShape(user, List.of(fixtures.enabled(user).recoveryCode()));
            users.add(user);
        }
        RecoveryHashUpgradeFunction function = new RecoveryHashUpgradeFunction(emulator.wiring(clock, Map.of()));

        Map<String, Object> stopped = function.handleRequest(event("Create"), new RemainingTime(Duration.ofSeconds(30)));

        assertEquals(false, stopped.get("complete"));
        assertEquals("FAILED", onlyResponse().field("Status").orElseThrow().asString());
        assertTrue(responses.get(0).field("Reason").orElseThrow().asString().contains("deploy again"));
        // The stack rolled back; the next deployment creates the resource again.
        Map<String, Object> finished = function.handleRequest(event("Create"), new RemainingTime(Duration.ofMinutes(10)));
        assertEquals(true, finished.get("complete"));
        assertEquals(3L, finished.get("itemsKeyed"));
        for (TestUser user : users) {
            assertEquals(1, remaining(api, user));
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    /**
     * Rewrites the user's item as a release before keyed hashes left it: unkeyed hashes of
     * {@code codes} and no keyed ones. Returns the item's version.
     */
    private long writeTheEarlierShape(TestUser user, List<String> codes) {
        List<byte[]> unkeyed = codes.stream().map(code -> RecoveryHashes.unkeyed(salt(), code)).toList();
        raw.setList(user.sub(), RecoveryHashes.UNKEYED, unkeyed);
        raw.removeAttribute(user.sub(), RecoveryHashes.KEYED);
        return Long.parseLong(raw.get(user.sub()).get("version").n());
    }

    private Map<String, Object> upgrade(String requestType) {
        return new RecoveryHashUpgradeFunction(emulator.wiring(clock, Map.of()))
                .handleRequest(event(requestType), new RemainingTime(Duration.ofMinutes(10)));
    }

    private CloudFormationCustomResourceEvent event(String requestType) {
        return event(requestType, "RecoveryHashUpgrade");
    }

    private CloudFormationCustomResourceEvent event(String requestType, String logicalResourceId) {
        CloudFormationCustomResourceEvent event = new CloudFormationCustomResourceEvent();
        event.setRequestType(requestType);
        event.setResponseUrl("http://127.0.0.1:" + cloudFormation.getAddress().getPort() + "/response?signature=x");
        event.setStackId("arn:aws:cloudformation:us-east-1:123456789012:stack/mfa/1");
        event.setRequestId("request-" + (responses.size() + 1));
        event.setLogicalResourceId(logicalResourceId);
        if (!"Create".equals(requestType)) {
            event.setPhysicalResourceId("recovery-hash-upgrade-" + logicalResourceId);
        }
        event.setResourceType("Custom::RecoveryHashUpgrade");
        return event;
    }

    private JsonNode onlyResponse() {
        assertEquals(1, responses.size(), "one answer to CloudFormation");
        return responses.get(0);
    }

    private static int remaining(MfaApi api, TestUser user) {
        return Integer.parseInt(api.status(user).json().field("recoveryCodesRemaining").orElseThrow().asNumber());
    }

    private static String newCode() {
        return new RecoveryCodeGenerator(RANDOM).generate().formatted();
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return joined;
    }
}
