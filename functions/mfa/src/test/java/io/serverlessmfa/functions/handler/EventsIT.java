package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/** {@code GET /mfa/events}: the audit trail written with each state change, newest first, paginated. */
class EventsIT {

    private MutableClock clock;
    private MfaApi api;
    private TestUser user;

    @BeforeEach
    void setUp() {
        clock = MutableClock.atStepStart();
        api = MfaApi.over(AwsEmulator.get(), clock, Map.of());
        user = TestUser.random();
    }

    private static List<String> types(ApiResult result) {
        return result.json().field("events").orElseThrow().asArray().stream()
                .map(event -> event.asObject().get("type").asString()).toList();
    }

    @Test
    void everyStateChangeIsListedNewestFirstWithItsTimeAndOrigin() {
        // Events of the same millisecond have no defined order: the clock moves on between them.
        String secret = assertSuccess(201, api.setup(user)).text("secret");
        clock.advance(Duration.ofMillis(1));
        String recoveryCode = assertSuccess(200, api.confirm(user, api.codeFor(secret))).texts("recoveryCodes").get(0);
        clock.advance(Duration.ofSeconds(30));
        assertSuccess(200, api.verify(user, api.codeFor(secret)));
        clock.advance(Duration.ofSeconds(30));
        String replacement = assertSuccess(200, api.recover(user, recoveryCode)).texts("recoveryCodes").get(0);
        clock.advance(Duration.ofMillis(1));
        for (int i = 0; i < 5; i++) {
            api.recover(user, io.serverlessmfa.functions.testing.MfaFixtures.wrongRecoveryCode());
        }

        ApiResult events = assertSuccess(200, api.events(user, null));

        assertEquals(List.of("LOCKED_OUT", "RECOVERY_CODE_USED", "MFA_ENABLED", "SETUP_STARTED"), types(events),
                "an accepted sign-in code and single failures are not state changes");
        Map<String, JsonNode> newest = events.json().field("events").orElseThrow().asArray().get(0).asObject();
        assertEquals(ApiResponse.timestamp(clock.instant()), newest.get("at").asString());
        assertEquals("127.0.0.1", newest.get("sourceIp").asString());
        assertEquals("integration-test", newest.get("userAgent").asString());
        assertFalse(newest.containsKey("byOperator"));
        assertNull(events.text("next"), "one page holds them all");
        assertFalse(events.body().contains(replacement), "never a code in the trail");
    }

    @Test
    void pagesFollowTheCursorToTheEndWithoutRepeatsOrGaps() {
        for (int i = 0; i < 3; i++) {
            assertSuccess(201, api.setup(user));
            clock.advance(Duration.ofSeconds(1));
            assertSuccess(200, api.call("POST /mfa/remove", user, "{}"));
            clock.advance(Duration.ofSeconds(1));
        }
        List<String> all = new ArrayList<>();
        Map<String, String> query = new HashMap<>(Map.of("limit", "4"));
        int pages = 0;
        while (true) {
            ApiResult page = assertSuccess(200, api.events(user, query));
            pages++;
            all.addAll(types(page));
            if (page.text("next") == null) {
                break;
            }
            query.put("next", page.text("next"));
        }
        assertEquals(2, pages);
        assertEquals(List.of("SETUP_CANCELLED", "SETUP_STARTED", "SETUP_CANCELLED", "SETUP_STARTED", "SETUP_CANCELLED",
                "SETUP_STARTED"), all);
    }

    @Test
    void aCursorReadsOnlyTheCallersOwnEvents() {
        assertSuccess(201, api.setup(user));
        assertSuccess(200, api.call("POST /mfa/remove", user, "{}"));
        String aliceCursor = assertSuccess(200, api.events(user, Map.of("limit", "1"))).text("next");
        TestUser bob = TestUser.random();

        ApiResult bobsView = assertSuccess(200, api.events(bob, Map.of("next", aliceCursor)));

        assertEquals(List.of(), types(bobsView), "Alice's cursor is a position, not a key to her events");
        assertEquals(List.of(), types(assertSuccess(200, api.events(bob, null))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "51", "-1", "1.5", "ten", "", "9999", "1e1", "٣"})
    void aBadLimitIsAnInvalidRequest(String limit) {
        assertError(400, "invalid_request", api.events(user, Map.of("limit", limit)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-a-cursor", "RVZFTlQjMQ", "VVNFUiNib2IjTUZB"})
    void aCursorThisListDidNotGiveOutIsAnInvalidRequest(String next) {
        assertError(400, "invalid_request", api.events(user, Map.of("next", next)));
    }
}
