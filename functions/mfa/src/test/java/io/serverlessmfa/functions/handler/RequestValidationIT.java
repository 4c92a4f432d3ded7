package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertUnauthorized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RouteTest;
import io.serverlessmfa.functions.testing.TestUser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every route does with what a client sends: identity only from the authorizer's claims, a
 * JSON object body of at most 4 KiB, {@code 400 invalid_request} for anything else, never a 5xx.
 * Each request that should be refused is built on top of a request that would succeed (the user in
 * the right state, the right code), so a refusal can only come from what is wrong with it.
 */
class RequestValidationIT extends RouteTest {

    /** The POST routes, each with the state its valid request needs and its success status. */
    enum Endpoint {
        SETUP("POST /mfa/setup", 201, null),
        CONFIRM("POST /mfa/confirm", 200, "no_pending_setup"),
        VERIFY("POST /mfa/verify", 200, "mfa_not_enabled"),
        RECOVER("POST /mfa/recover", 200, "mfa_not_enabled"),
        RECOVERY_CODES("POST /mfa/recovery-codes", 200, "mfa_not_enabled"),
        REMOVE("POST /mfa/remove", 200, "mfa_not_enabled");

        final String key;
        final int success;
        /** The 409 a user without any MFA gets. */
        final String withoutMfa;

        Endpoint(String key, int success, String withoutMfa) {
            this.key = key;
            this.success = success;
            this.withoutMfa = withoutMfa;
        }

        String path() {
            return key.split(" ", 2)[1];
        }
    }

    // ---------------------------------------------------------------- identity: 401

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void withoutAuthorizerClaimsTheAnswerIs401(Endpoint route) {
        String body = validBody(route, user);

        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, null, body, "application/json", false)));
        assertValidBodyStillWorks(route, body);
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void withAnAuthorizerButNoClaimsTheAnswerIs401(Endpoint route) {
        String body = validBody(route, user);
        APIGatewayV2HTTPEvent event = MfaApi.event(route.key, Map.of(), body, "application/json", false);
        event.getRequestContext().getAuthorizer().getJwt().setClaims(null);

        assertUnauthorized(api.invoke(route.key, event));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void claimsWithoutSubGive401(Endpoint route) {
        String body = validBody(route, user);
        Map<String, String> claims = new HashMap<>(api.claimsOf(user));
        claims.remove("sub");
        claims.put("username", user.sub());
        claims.put("cognito:username", user.sub());

        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, claims, body, "application/json", false)));
        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, Map.of(), body, "application/json", false)));
        claims.put("sub", "   ");
        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, claims, body, "application/json", false)));
        assertValidBodyStillWorks(route, body);
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aNullClaimValueIsIgnoredNotA500(Endpoint route) {
        String body = validBody(route, user);
        Map<String, String> claims = new HashMap<>(api.claimsOf(user));
        claims.put("email", null);
        ApiResult result = api.invoke(route.key, MfaApi.event(route.key, claims, body, "application/json", false));
        assertTrue(result.status() < 500, result::toString);
        claims.put("sub", null);
        assertUnauthorized(api.invoke(route.key, MfaApi.event(route.key, claims, body, "application/json", false)));
    }

    @Test
    void statusWithoutClaimsOrSubGives401() {
        assertUnauthorized(api.invoke("GET /mfa", MfaApi.event("GET /mfa", null, null, null, false)));
        Map<String, String> claims = new HashMap<>(api.claimsOf(user));
        claims.remove("sub");
        assertUnauthorized(api.invoke("GET /mfa", MfaApi.event("GET /mfa", claims, null, null, false)));
    }

    // ---------------------------------------------------------------- identity: only the claims' sub

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void anotherUsersIdInBodyQueryOrPathDoesNotReachTheirMfa(Endpoint route) {
        TestUser victim = TestUser.random();
        String victimsBody = validBody(route, victim);
        String victimsStatus = api.status(victim).text("status");

        ApiResult result = api.invoke(route.key, impersonating(route, user, victim, victimsBody));

        if (route == Endpoint.SETUP) {
            assertSuccess(201, result);
            fixtures.assertStatus(user, "PENDING");
        } else {
            assertError(409, route.withoutMfa, result);
            fixtures.assertStatus(user, "NONE");
        }
        fixtures.assertStatus(victim, victimsStatus);
        // The victim's code or recovery code was neither consumed nor counted as a failure.
        assertSuccess(route.success, api.call(route.key, victim, victimsBody));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void theClaimsSubDecidesEvenWhenTheBodyNamesSomeoneElse(Endpoint route) {
        TestUser bystander = TestUser.random();
        String body = validBody(route, user);

        assertSuccess(route.success, api.invoke(route.key, impersonating(route, user, bystander, body)));

        fixtures.assertStatus(bystander, "NONE");
    }

    // ---------------------------------------------------------------- body size

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aBodyOver4KiBIsRefused(Endpoint route) {
        String body = validBody(route, user);

        assertError(400, "invalid_request", api.call(route.key, user, padded(body, 4097)));
        assertError(400, "invalid_request", api.call(route.key, user, padded(body, 64 * 1024)));
        // Under 4096 characters, but over 4096 bytes in UTF-8.
        assertError(400, "invalid_request", api.call(route.key, user, paddedWith(body, 4000, "\u00e9")));
        assertError(400, "invalid_request", api.invoke(route.key,
                MfaApi.event(route.key, api.claimsOf(user), base64(padded(body, 4097)), "application/json", true)));
        assertValidBodyStillWorks(route, body);
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aBodyOfExactly4KiBIsAccepted(Endpoint route) {
        String body = padded(validBody(route, user), 4096);
        assertEquals(4096, body.getBytes(StandardCharsets.UTF_8).length);

        assertSuccess(route.success, api.call(route.key, user, body));
    }

    // ---------------------------------------------------------------- content type

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aJsonBodySentAsTextPlainIsRefused(Endpoint route) {
        String body = validBody(route, user);

        assertError(400, "invalid_request", api.invoke(route.key,
                MfaApi.event(route.key, api.claimsOf(user), body, "text/plain", false)));
        assertError(400, "invalid_request", api.invoke(route.key,
                MfaApi.event(route.key, api.claimsOf(user), body, "application/x-www-form-urlencoded", false)));
        assertValidBodyStillWorks(route, body);
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void jsonWithACharsetParameterIsAccepted(Endpoint route) {
        String body = validBody(route, user);

        assertSuccess(route.success, api.invoke(route.key,
                MfaApi.event(route.key, api.claimsOf(user), body, "application/json; charset=utf-8", false)));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void theMediaTypeIsCaseInsensitive(Endpoint route) {
        String body = validBody(route, user);

        assertSuccess(route.success, api.invoke(route.key,
                MfaApi.event(route.key, api.claimsOf(user), body, "Application/JSON", false)));
    }

    // ---------------------------------------------------------------- malformed bodies

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void malformedJsonIsAnInvalidRequest(Endpoint route) {
        String body = validBody(route, user);
        assertEachIsAnInvalidRequest(route, body, false, List.of(
                "{",
                body.substring(0, body.length() - 1),
                "{\"code\":\"123456\",}",
                "{'code':'123456'}",
                "not json",
                "{\"code\":\"123456\" x}",
                "{\"code\":123456\"}",
                "{\"code\":\"123456}",
                "{code:\"123456\"}"));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void trailingContentAfterTheObjectIsAnInvalidRequest(Endpoint route) {
        String body = validBody(route, user);
        assertEachIsAnInvalidRequest(route, body, false, List.of(
                "{\"code\":\"123456\"} x",
                body + " x",
                body + " 42",
                body + body,
                body + "}",
                body + " ["));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aBodyThatIsNotAJsonObjectIsAnInvalidRequest(Endpoint route) {
        String body = validBody(route, user);
        assertEachIsAnInvalidRequest(route, body,
                false, List.of("[]", "[" + body + "]", "null", "\"" + "x" + "\"", "123456", "true"));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void duplicateKeysAreAnInvalidRequest(Endpoint route) {
        String body = validBody(route, user);

        assertError(400, "invalid_request", api.call(route.key, user, "{\"code\":\"1\",\"code\":\"2\"}"));
        if (!body.equals("{}")) {
            // The valid field twice, right value first: a parser that keeps the first would accept it.
            String field = body.substring(1, body.length() - 1);
            assertError(400, "invalid_request", api.call(route.key, user, "{" + field + "," + field + "}"));
        }
        assertValidBodyStillWorks(route, body);
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aBase64BodyThatIsNotUtf8IsAnInvalidRequest(Endpoint route) {
        String body = validBody(route, user);
        byte[] latin1 = "{\"code\":\"123456\",\"name\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        byte[] invalid = {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};

        assertEachIsAnInvalidRequest(route, body, true, List.of(
                Base64.getEncoder().encodeToString(latin1), Base64.getEncoder().encodeToString(invalid)));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void invalidBase64IsAnInvalidRequest(Endpoint route) {
        String body = validBody(route, user);

        assertEachIsAnInvalidRequest(route, body, true, List.of("not base64!!", body, "%%%%"));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void aValidBase64EncodedJsonBodyIsAccepted(Endpoint route) {
        String body = validBody(route, user);

        assertSuccess(route.success, api.invoke(route.key,
                MfaApi.event(route.key, api.claimsOf(user), base64(body), "application/json", true)));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void strangeInputNeverGivesA5xxAndEvery4xxHasErrorAndMessage(Endpoint route) {
        String body = validBody(route, user);
        for (String strange : List.of(
                "{\"code\":{}}",
                "{\"code\":1e999999}",
                "{\"code\":-0}",
                "{\"code\":\"\\ud800\\ud800\\ud800\\ud800\\ud800\\ud800\"}",
                "{\"recoveryCode\":\"\\ud800AAA-BBBB-CCCC-DDDD-EEEE-FFFF\"}",
                "{\"code\":\"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\"}",
                "{\"recoveryCode\":[]}",
                "[".repeat(2000) + "]".repeat(2000),
                "{\"a\":".repeat(700) + "1" + "}".repeat(700),
                "\ufeff" + body,
                "{\"code\":\"\uff11\uff12\uff13\uff14\uff15\uff16\"}",
                "{\"userId\":null,\"sub\":{\"$ne\":null}}")) {
            ApiResult result = api.call(route.key, user, strange);
            assertTrue(result.status() < 500, () -> "no 5xx for " + strange + ": " + result);
            if (result.status() >= 400) {
                assertError(result.status(), result.error(), result);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Brings {@code who} into the state the route needs and returns a body that would succeed. */
    private String validBody(Endpoint route, TestUser who) {
        return switch (route) {
            case SETUP -> "{}";
            case CONFIRM -> codeBody(fixtures.pending(who));
            case VERIFY, RECOVERY_CODES, REMOVE -> codeBody(fixtures.enabled(who).secret());
            case RECOVER -> "{\"recoveryCode\":\"" + fixtures.enabled(who).recoveryCode() + "\"}";
        };
    }

    private String codeBody(String secret) {
        return "{\"code\":\"" + api.codeFor(secret) + "\"}";
    }

    /**
     * Each body, sent by the user on {@code route} as JSON (marked as Base64 when {@code base64}),
     * is refused as {@code 400 invalid_request}, and the refusals changed nothing.
     */
    private void assertEachIsAnInvalidRequest(Endpoint route, String validBody, boolean base64, List<String> bodies) {
        for (String body : bodies) {
            assertError(400, "invalid_request", api.invoke(route.key,
                    MfaApi.event(route.key, api.claimsOf(user), body, "application/json", base64)));
        }
        assertValidBodyStillWorks(route, validBody);
    }

    /** The refusal changed nothing: the same valid request still succeeds. */
    private void assertValidBodyStillWorks(Endpoint route, String body) {
        assertSuccess(route.success, api.call(route.key, user, body));
    }

    /** As {@code caller}, with {@code target}'s id in the body, the query string and the path. */
    private APIGatewayV2HTTPEvent impersonating(Endpoint route, TestUser caller, TestUser target, String body) {
        String ids = "\"userId\":\"" + target.sub() + "\",\"sub\":\"" + target.sub() + "\",\"user\":{\"sub\":\""
                + target.sub() + "\"}";
        String withIds = body.equals("{}") ? "{" + ids + "}" : "{" + ids + "," + body.substring(1);
        APIGatewayV2HTTPEvent event = MfaApi.event(route.key, api.claimsOf(caller), withIds, "application/json", false);
        event.setRawQueryString("sub=" + target.sub() + "&userId=" + target.sub());
        event.setQueryStringParameters(Map.of("sub", target.sub(), "userId", target.sub()));
        event.setPathParameters(Map.of("sub", target.sub(), "userId", target.sub()));
        event.setRawPath(route.path() + "/" + target.sub());
        return event;
    }

    /** {@code body} with a padding field, {@code bytes} long in UTF-8. */
    private static String padded(String body, int bytes) {
        String prefix = body.equals("{}") ? "{\"pad\":\"" : "{\"pad\":\"";
        String suffix = body.equals("{}") ? "\"}" : "\"," + body.substring(1);
        int fill = bytes - prefix.length() - suffix.length();
        return prefix + "x".repeat(fill) + suffix;
    }

    private static String paddedWith(String body, int characters, String character) {
        String suffix = body.equals("{}") ? "\"}" : "\"," + body.substring(1);
        String prefix = "{\"pad\":\"";
        return prefix + character.repeat(characters - prefix.length() - suffix.length()) + suffix;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
