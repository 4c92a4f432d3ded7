package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The helpdesk routes: operators only, nothing secret shown, and a reset that really resets. */
class AdminIT {

    private static final String STATS = "GET /admin/mfa/stats";
    private static final String USER = "GET /admin/mfa/users/{userId}";
    private static final String RESET = "POST /admin/mfa/users/{userId}/reset";

    private MutableClock clock;
    private MfaApi api;
    private MfaFixtures fixtures;
    private TestUser operator;
    private TestUser user;

    @BeforeEach
    void setUp() {
        clock = MutableClock.atStepStart();
        api = MfaApi.over(AwsEmulator.get(), clock, Map.of("MFA_TOTAL_USERS", "1000"));
        fixtures = new MfaFixtures(api, clock);
        operator = TestUser.operator();
        user = TestUser.random();
    }

    @Test
    void aResetReallyResetsTheOldCodesFailAndANewSetupWorks() {
        MfaFixtures.Enabled old = fixtures.enabled(user);
        for (int i = 0; i < 5; i++) {
            api.verify(user, fixtures.wrongCode(old.secret()));
        }
        assertError(429, "too_many_attempts", api.verify(user, api.codeFor(old.secret())));

        ApiResult reset = assertSuccess(200, api.admin(RESET, operator, user.sub()));
        assertEquals("ENABLED", reset.text("removed"));

        RawItems.assertTombstone(new RawItems(AwsEmulator.get()).get(user.sub()));
        assertEquals("NONE", api.status(user).text("status"));
        clock.advance(Duration.ofSeconds(30));
        assertError(409, "mfa_not_enabled", api.verify(user, api.codeFor(old.secret())));
        assertError(409, "mfa_not_enabled", api.recover(user, old.recoveryCode()));
        String secret = assertSuccess(201, api.setup(user)).text("secret");
        assertSuccess(200, api.confirm(user, api.codeFor(secret)));
        clock.advance(Duration.ofSeconds(30));
        assertSuccess(200, api.verify(user, api.codeFor(secret)));
    }

    @Test
    void theResetIsInBothTrailsWithItsReasonAndTheUserNeverSeesWhoOrFromWhere() {
        fixtures.enabled(user);
        String reason = "Lost phone and recovery code; identity checked by a video call";
        String stepUp = api.stepUpToken(operator);
        clock.advance(Duration.ofMillis(1)); // after the operator's own setup events, in a millisecond of its own

        assertSuccess(200, api.admin(RESET, operator, user.sub(), stepUp, "{\"reason\":\"" + reason + "\"}"));

        ApiResult view = assertSuccess(200, api.admin(USER, operator, user.sub()));
        Map<String, JsonNode> newest = view.json().field("events").orElseThrow().asArray().get(0).asObject();
        assertEquals("ADMIN_RESET", newest.get("type").asString());
        assertEquals(operator.sub(), newest.get("operator").asString());
        assertEquals(reason, newest.get("reason").asString());
        assertTrue(newest.containsKey("sourceIp"), "the helpdesk's view has everything");

        Map<String, JsonNode> usersView = api.events(user, null).json().field("events").orElseThrow().asArray().get(0).asObject();
        assertEquals(Set.of("type", "at", "byOperator", "reason"), usersView.keySet(),
                "the user sees that the helpdesk acted and why, never the operator's id, address or browser");
        assertEquals("ADMIN_RESET", usersView.get("type").asString());
        assertEquals(reason, usersView.get("reason").asString());

        Map<String, JsonNode> operatorsOwn = api.events(operator, null).json().field("events").orElseThrow().asArray().get(0).asObject();
        assertEquals("ADMIN_RESET_PERFORMED", operatorsOwn.get("type").asString());
        assertEquals(user.sub(), operatorsOwn.get("userId").asString(), "whom");
        assertEquals(reason, operatorsOwn.get("reason").asString(), "why");
        assertEquals(newest.get("at").asString(), operatorsOwn.get("at").asString(), "when: the same transaction");
    }

    @Test
    void theOperatorGroupIsConfigurationAndOnlyThatGroupOperates() {
        MfaApi helpdesk = MfaApi.over(AwsEmulator.get(), clock, Map.of("MFA_OPERATOR_GROUP", "helpdesk-tier-2"));
        fixtures.enabled(user);
        Map<String, String> claims = new java.util.HashMap<>(TestUser.random().claims());
        claims.put("cognito:groups", "[staff helpdesk-tier-2]");
        TestUser tierTwo = new TestUser(claims.get("sub"), claims);

        assertSuccess(200, helpdesk.admin(USER, tierTwo, user.sub(), helpdesk.stepUpToken(tierTwo)));
        // mfa-admin is only the default: with another group configured, its members are not operators.
        assertError(403, "forbidden", helpdesk.admin(USER, operator, user.sub(), helpdesk.stepUpToken(operator)));
    }

    @Test
    void aResetRecordedBeforeReasonsShowsTheUserOnlyThatTheHelpdeskActedAndAnUnknownEventIsLeftOut() {
        String sortKey = "EVENT#" + clock.instant().toEpochMilli() + "#";
        AwsEmulator.get().dynamoDb().putItem(request -> request.tableName(AwsEmulator.get().tableName()).item(Map.of(
                "pk", AttributeValue.fromS("USER#" + user.sub()), "sk", AttributeValue.fromS(sortKey + "00000000000000a1"),
                "type", AttributeValue.fromS("ADMIN_RESET"), "at", AttributeValue.fromN(Long.toString(clock.instant().toEpochMilli())),
                "sourceIp", AttributeValue.fromS("198.51.100.7"), "userAgent", AttributeValue.fromS("helpdesk console"),
                "actor", AttributeValue.fromS(operator.sub()))));
        AwsEmulator.get().dynamoDb().putItem(request -> request.tableName(AwsEmulator.get().tableName()).item(Map.of(
                "pk", AttributeValue.fromS("USER#" + user.sub()), "sk", AttributeValue.fromS(sortKey + "00000000000000b2"),
                "type", AttributeValue.fromS("A_TYPE_OF_A_LATER_VERSION"), "at", AttributeValue.fromN(Long.toString(clock.instant().toEpochMilli())),
                "sourceIp", AttributeValue.fromS("203.0.113.9"), "userAgent", AttributeValue.fromS("x"))));

        List<JsonNode> own = assertSuccess(200, api.events(user, null)).json().field("events").orElseThrow().asArray();

        assertEquals(1, own.size(), "the unknown event is left out, the page still answers");
        assertEquals(Set.of("type", "at", "byOperator"), own.get(0).asObject().keySet());
        Map<String, JsonNode> helpdesks = assertSuccess(200, api.admin(USER, operator, user.sub())).json().field("events")
                .orElseThrow().asArray().get(0).asObject();
        assertEquals(operator.sub(), helpdesks.get("operator").asString());
        assertEquals(user.sub(), helpdesks.get("userId").asString());
        assertFalse(helpdesks.containsKey("reason"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "{\"reason\":\"\"}", "{\"reason\":\"   \"}", "{\"reason\":42}",
            "{\"reason\":\"line\\nbreak\"}", "{\"reason\":null}"})
    void aResetWithoutAUsableReasonIsAnInvalidRequestAndChangesNothing(String body) {
        fixtures.enabled(user);

        assertError(400, "invalid_request", api.admin(RESET, operator, user.sub(), api.stepUpToken(operator),
                body.isEmpty() ? null : body));

        assertEquals("ENABLED", api.status(user).text("status"));
    }

    @Test
    void aReasonOfFiveHundredCharactersIsTakenAndOneMoreIsNot() {
        fixtures.enabled(user);
        assertError(400, "invalid_request", api.admin(RESET, operator, user.sub(), api.stepUpToken(operator),
                "{\"reason\":\"" + "x".repeat(501) + "\"}"));
        assertSuccess(200, api.admin(RESET, operator, user.sub(), api.stepUpToken(operator),
                "{\"reason\":\"" + "é".repeat(500) + "\"}"));
    }

    @Test
    void anOperatorCannotResetThemselves() {
        String ownToken = api.stepUpToken(operator); // MFA on, and a fresh step-up

        assertError(403, "cannot_reset_self", api.admin(RESET, operator, operator.sub(), ownToken));

        assertEquals("ENABLED", api.status(operator).text("status"));
    }

    @Test
    void theUserViewShowsStatusLockAndEventsButNothingSecret() {
        MfaFixtures.Enabled enabled = enabledOneMillisecondAfterSetup();
        for (int i = 0; i < 5; i++) {
            api.verify(user, fixtures.wrongCode(enabled.secret()));
        }

        ApiResult view = assertSuccess(200, api.admin(USER, operator, user.sub()));

        assertEquals(user.sub(), view.text("userId"));
        assertEquals("ENABLED", view.text("status"));
        assertEquals(Set.of("userId", "status", "enabledAt", "recoveryCodesRemaining", "failedAttempts", "lockedUntil",
                "lockedUntilReset", "events"), view.json().asObject().keySet());
        assertEquals("5", view.json().field("failedAttempts").orElseThrow().asNumber(), "the count goes on through the lock");
        assertFalse(view.json().field("lockedUntilReset").orElseThrow().asBoolean());
        assertEquals(List.of("LOCKED_OUT", "MFA_ENABLED", "SETUP_STARTED"), types(view));
        assertFalse(view.body().contains(enabled.secret()));
        assertFalse(view.body().contains(enabled.recoveryCode()));
    }

    @Test
    void statsCountUsersByStatusAndTodaysChanges() {
        ApiResult before = assertSuccess(200, api.admin(STATS, operator, null));
        fixtures.enabled(user);
        TestUser pending = TestUser.random();
        assertSuccess(201, api.setup(pending));
        TestUser removed = TestUser.random();
        MfaFixtures.Enabled gone = fixtures.enabled(removed);
        assertSuccess(200, api.removeWithCode(removed, api.codeFor(gone.secret())));

        ApiResult after = assertSuccess(200, api.admin(STATS, operator, null));

        assertEquals(number(before, "enabledUsers") + 1, number(after, "enabledUsers"));
        assertEquals(number(before, "pendingUsers") + 1, number(after, "pendingUsers"));
        assertEquals(1000, number(after, "totalUsers"));
        List<JsonNode> daily = after.json().field("daily").orElseThrow().asArray();
        assertEquals(AdminStatsHandler.DAYS, daily.size());
        Map<String, JsonNode> today = daily.get(daily.size() - 1).asObject();
        assertEquals(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString(), today.get("date").asString());
        Map<String, JsonNode> todayBefore = before.json().field("daily").orElseThrow().asArray()
                .get(daily.size() - 1).asObject();
        assertEquals(Long.parseLong(todayBefore.get("setupsStarted").asNumber()) + 3, Long.parseLong(today.get("setupsStarted").asNumber()));
        assertEquals(Long.parseLong(todayBefore.get("enablements").asNumber()) + 2, Long.parseLong(today.get("enablements").asNumber()));
        assertEquals(Long.parseLong(todayBefore.get("removals").asNumber()) + 1, Long.parseLong(today.get("removals").asNumber()));
    }

    @ParameterizedTest
    @ValueSource(strings = {STATS, USER, RESET})
    void aUserWithoutTheOperatorGroupIsForbiddenAndNothingChanges(String route) {
        fixtures.enabled(user);
        TestUser notAnOperator = TestUser.random();

        // Even with a step-up of their own: the group decides first.
        assertError(403, "forbidden", api.admin(route, notAnOperator, user.sub(), api.stepUpToken(notAnOperator)));
        assertError(403, "forbidden", api.admin(route, user, user.sub(), null));

        assertEquals("ENABLED", api.status(user).text("status"));
    }

    /** The contract's forms: an element equal to the group, compared whole (API Gateway's text of an array claim). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cognito:groups|[mfa-admin tenant-a]|true", "groups|[tenant-a mfa-admin]|true", "groups|[mfa-admin]|true",
            "cognito:groups|mfa-admin|true",
            "groups|[tenant-a,mfa-admin]|false", "groups|[\"mfa-admin\"]|false", "groups|[mfa-admin-readonly]|false",
            "cognito:groups|[MFA-ADMIN]|false", "groups|mfa-admin tenant-a|false", "roles|[mfa-admin]|false",
            "groups|[]|false", "groups|[|false", "groups|[tenant-a  mfa-admin]|true", "groups|[tenant-a\tmfa-admin]|false"})
    void anOperatorIsACallerWithAGroupElementEqualToTheOperatorGroup(String claim, String value, boolean operates) {
        fixtures.enabled(user);
        Map<String, String> claims = new java.util.HashMap<>(TestUser.random().claims());
        claims.put(claim, value);
        TestUser caller = new TestUser(claims.get("sub"), claims);

        ApiResult answer = api.admin(USER, caller, user.sub(), api.stepUpToken(caller));

        if (operates) {
            assertSuccess(200, answer);
        } else {
            assertError(403, "forbidden", answer);
        }
    }

    @Test
    void resettingAUserWithoutMfaIsAConflictAndAnUnusableIdAnInvalidRequest() {
        assertError(409, "mfa_not_enabled", api.admin(RESET, operator, user.sub()));
        assertError(400, "invalid_request", api.admin(RESET, operator, "x".repeat(129)));
        assertError(400, "invalid_request", api.admin(USER, operator, "bad\nid"));
        assertError(400, "invalid_request", api.admin(USER, operator, null));
    }

    @Test
    void aPendingSetupCanBeResetToo() {
        assertSuccess(201, api.setup(user));

        assertEquals("PENDING", assertSuccess(200, api.admin(RESET, operator, user.sub())).text("removed"));
        assertEquals("NONE", api.status(user).text("status"));
    }

    /** Events of the same millisecond have no defined order: the clock moves on between them. */
    private MfaFixtures.Enabled enabledOneMillisecondAfterSetup() {
        String secret = assertSuccess(201, api.setup(user)).text("secret");
        clock.advance(Duration.ofMillis(1));
        String recoveryCode = assertSuccess(200, api.confirm(user, api.codeFor(secret))).texts("recoveryCodes").get(0);
        clock.advance(Duration.ofSeconds(30));
        return new MfaFixtures.Enabled(secret, List.of(recoveryCode));
    }

    private static long number(ApiResult result, String field) {
        return Long.parseLong(result.json().field(field).orElseThrow().asNumber());
    }

    private static List<String> types(ApiResult result) {
        return result.json().field("events").orElseThrow().asArray().stream()
                .map(event -> event.asObject().get("type").asString()).toList();
    }
}
