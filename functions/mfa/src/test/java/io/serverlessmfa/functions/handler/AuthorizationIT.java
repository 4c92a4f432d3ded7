package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertUnauthorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.RouteTest;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The user is the authorizer's {@code sub} and nothing else: no sub means 401 on every route; an
 * id in the body, path or query is ignored (the request acts on the caller, the victim's raw item
 * is byte-for-byte unchanged); another user's codes are refused and count against the caller only.
 */
class AuthorizationIT extends RouteTest {

    enum Endpoint {
        STATUS("GET /mfa"),
        SETUP("POST /mfa/setup"),
        CONFIRM("POST /mfa/confirm"),
        VERIFY("POST /mfa/verify"),
        RECOVER("POST /mfa/recover"),
        RECOVERY_CODES("POST /mfa/recovery-codes"),
        REMOVE("POST /mfa/remove");

        final String key;

        Endpoint(String key) {
            this.key = key;
        }

        String path() {
            return key.split(" ", 2)[1];
        }
    }

    private RawItems raw;
    private TestUser victim;
    private MfaFixtures.Enabled victimMfa;

    @BeforeEach
    void anEnabledVictim() {
        raw = new RawItems(AwsEmulator.get());
        victim = TestUser.random();
        victimMfa = fixtures.enabled(victim);
    }

    // ---------------------------------------------------------------- no sub: 401

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void claimsWithoutSubGive401OnEveryRoute(Endpoint route) {
        Map<String, AttributeValue> victimBefore = raw.get(victim.sub());
        String body = route == Endpoint.STATUS ? null
                : route == Endpoint.RECOVER ? "{\"recoveryCode\":\"" + victimMfa.recoveryCode() + "\"}"
                : "{\"code\":\"" + api.codeFor(victimMfa.secret()) + "\"}";
        Map<String, String> claims = new HashMap<>(api.claimsOf(victim));
        claims.remove("sub");
        claims.put("username", victim.sub());
        claims.put("cognito:username", victim.sub());
        claims.put("userId", victim.sub());

        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, claims, body, "application/json", false)));
        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, Map.of("email", victim.email()), body,
                "application/json", false)));
        claims.put("sub", "");
        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, claims, body, "application/json", false)));
        claims.put("sub", " \t\n");
        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, claims, body, "application/json", false)));
        Map<String, String> upper = new HashMap<>(api.claimsOf(victim));
        upper.put("SUB", upper.remove("sub"));
        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, upper, body, "application/json", false)));

        assertEquals(victimBefore, raw.get(victim.sub()), "the victim's item is byte-for-byte unchanged");
    }

    // ---------------------------------------------------------------- smuggled ids

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void smuggledIdsAreIgnoredAndTheRequestActsOnTheCallerOnly(Endpoint route) {
        clock.advance(Duration.ofSeconds(30));
        Map<String, AttributeValue> victimBefore = raw.get(victim.sub());
        String body = callerBody(route);

        ApiResult result = api.invoke(route.key, smuggling(route, user, victim, body, route.path() + "/" + victim.sub()));
        switch (route) {
            case STATUS -> assertEquals("NONE", assertSuccess(200, result).text("status"), "the caller's status, not the victim's");
            case SETUP -> fixtures.assertStatus(assertPresent(assertSuccess(201, result), user), "PENDING");
            case CONFIRM, RECOVER, RECOVERY_CODES -> {
                assertSuccess(200, result);
                fixtures.assertStatus(user, "ENABLED");
            }
            case VERIFY -> assertTrue(assertSuccess(200, result).json().field("verified").isPresent());
            case REMOVE -> {
                assertSuccess(200, result);
                fixtures.assertStatus(user, "NONE");
            }
        }
        assertEquals(victimBefore, raw.get(victim.sub()), "the victim's item is byte-for-byte unchanged");
        // The victim's own factor still works: nothing of theirs was consumed or counted.
        assertSuccess(200, api.verify(victim, api.codeFor(victimMfa.secret())));
    }

    @ParameterizedTest
    @EnumSource(value = Endpoint.class, names = {"VERIFY", "RECOVERY_CODES", "REMOVE", "RECOVER"})
    void aWrongCodeWithSmuggledIdsCountsAgainstTheCallerOnly(Endpoint route) {
        String callerSecret = fixtures.enabled(user).secret();
        Map<String, AttributeValue> victimBefore = raw.get(victim.sub());
        String body = route == Endpoint.RECOVER ? "{\"recoveryCode\":\"" + MfaFixtures.wrongRecoveryCode() + "\"}"
                : "{\"code\":\"" + fixtures.wrongCode(callerSecret) + "\"}";

        for (String path : new String[] {route.path() + "/" + victim.sub(), "/mfa/verify/" + victim.sub()}) {
            ApiResult result = api.invoke(route.key, smuggling(route, user, victim, body, path));
            assertError(400, route == Endpoint.RECOVER ? "invalid_recovery_code" : "invalid_code", result);
        }

        assertEquals("2", raw.get(user.sub()).get("failedAttempts").n(), "both failures count against the caller");
        assertEquals(victimBefore, raw.get(victim.sub()), "the victim's item is byte-for-byte unchanged");
    }

    // ---------------------------------------------------------------- another user's codes

    @Test
    void anotherUsersRecoveryCodeIsRefusedAndCountsAgainstTheCallerOnly() {
        fixtures.enabled(user);
        Map<String, AttributeValue> victimBefore = raw.get(victim.sub());

        assertError(400, "invalid_recovery_code", api.recover(user, victimMfa.recoveryCode()));
        assertError(400, "invalid_recovery_code", api.removeWithRecoveryCode(user, victimMfa.recoveryCode()));

        assertEquals("2", raw.get(user.sub()).get("failedAttempts").n(), "counted against the caller");
        fixtures.assertStatus(user, "ENABLED");
        assertEquals(victimBefore, raw.get(victim.sub()), "the victim's item is byte-for-byte unchanged");
        assertSuccess(200, api.recover(victim, victimMfa.recoveryCode()));
    }

    @Test
    void anotherUsersTotpCodeIsRefusedAndCountsAgainstTheCallerOnly() {
        String callerSecret = fixtures.enabled(user).secret();
        clock.advance(Duration.ofSeconds(30));
        String victimsCode = api.codeFor(victimMfa.secret());
        for (long offset = -30; offset <= 30; offset += 30) {
            assumeFalse(victimsCode.equals(api.codeFor(callerSecret, Duration.ofSeconds(offset))),
                    "the two secrets happen to share a code in the window");
        }
        Map<String, AttributeValue> victimBefore = raw.get(victim.sub());

        assertError(400, "invalid_code", api.verify(user, victimsCode));
        assertError(400, "invalid_code", api.regenerate(user, victimsCode));
        assertError(400, "invalid_code", api.removeWithCode(user, victimsCode));

        assertEquals("3", raw.get(user.sub()).get("failedAttempts").n(), "counted against the caller");
        fixtures.assertStatus(user, "ENABLED");
        assertEquals(victimBefore, raw.get(victim.sub()), "the victim's item is byte-for-byte unchanged");
        assertSuccess(200, api.verify(victim, victimsCode));
    }

    @Test
    void anotherUsersTotpCodeDoesNotConfirmTheCallersSetup() {
        String callerSecret = fixtures.pending(user);
        String victimsCode = api.codeFor(victimMfa.secret());
        for (long offset = -30; offset <= 30; offset += 30) {
            assumeFalse(victimsCode.equals(api.codeFor(callerSecret, Duration.ofSeconds(offset))));
        }
        Map<String, AttributeValue> victimBefore = raw.get(victim.sub());

        assertError(400, "invalid_code", api.confirm(user, victimsCode));

        fixtures.assertStatus(user, "PENDING");
        assertEquals(victimBefore, raw.get(victim.sub()));
        assertNotEquals(callerSecret, victimMfa.secret());
    }

    // ---------------------------------------------------------------- helpers

    /** Brings the caller into the route's state and returns a body that succeeds for the caller. */
    private String callerBody(Endpoint route) {
        return switch (route) {
            case STATUS -> null;
            case SETUP -> "{}";
            case CONFIRM -> "{\"code\":\"" + api.codeFor(fixtures.pending(user)) + "\"}";
            case VERIFY, RECOVERY_CODES, REMOVE -> "{\"code\":\"" + api.codeFor(fixtures.enabled(user).secret()) + "\"}";
            case RECOVER -> "{\"recoveryCode\":\"" + fixtures.enabled(user).recoveryCode() + "\"}";
        };
    }

    private static TestUser assertPresent(ApiResult result, TestUser user) {
        assertTrue(result.text("secret") != null, result::toString);
        return user;
    }

    /** As {@code caller}, with {@code target}'s id in the body (sub, userId, username), path and query. */
    private APIGatewayV2HTTPEvent smuggling(Endpoint route, TestUser caller, TestUser target, String body, String rawPath) {
        String ids = "\"sub\":\"" + target.sub() + "\",\"userId\":\"" + target.sub() + "\",\"username\":\"" + target.sub()
                + "\",\"email\":\"" + target.email() + "\"";
        String withIds = body == null ? null : body.equals("{}") ? "{" + ids + "}" : "{" + ids + "," + body.substring(1);
        APIGatewayV2HTTPEvent event = MfaApi.event(route.key, api.claimsOf(caller), withIds,
                withIds == null ? null : "application/json", false);
        event.setRawPath(rawPath);
        event.setRawQueryString("sub=" + target.sub() + "&userId=" + target.sub());
        event.setQueryStringParameters(Map.of("sub", target.sub(), "userId", target.sub()));
        event.setPathParameters(Map.of("sub", target.sub(), "userId", target.sub(), "proxy", target.sub()));
        return event;
    }
}
