package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.RouteTest;
import io.serverlessmfa.functions.testing.TestUser;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** {@code POST /mfa/setup}: start or restart setup; never over an enabled MFA. */
class SetupIT extends RouteTest {

    private static final String SETUP = "POST /mfa/setup";

    @Test
    void setupAnswers201WithSecretKeyUriQrCodeAndExpiry() {
        ApiResult setup = assertSuccess(201, api.setup(user));

        assertEquals("PENDING", setup.text("status"));
        String secret = setup.text("secret");
        assertTrue(secret.matches("[A-Z2-7]{32}"), "160-bit Base32 secret without padding: " + secret);
        assertEquals("otpauth://totp/Example%20Corp:" + user.email().replace("@", "%40") + "?secret=" + secret
                + "&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30", setup.text("otpauthUri"));
        String qrCode = setup.text("qrCode");
        assertTrue(qrCode.startsWith("data:image/png;base64,"), qrCode);
        byte[] png = Base64.getDecoder().decode(qrCode.substring("data:image/png;base64,".length()));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(clock.instant().plus(Duration.ofMinutes(10)).toString(), setup.text("expiresAt"));
        assertEquals(5, setup.json().asObject().size(), setup::toString);
        fixtures.assertStatus(user, "PENDING");
    }

    @Test
    void eachSetupIssuesADifferentSecret() {
        String first = fixtures.pending(user);
        String second = fixtures.pending(TestUser.random());

        assertNotEquals(first, second);
    }

    @Test
    void setupWhilePendingReplacesTheSecret() {
        String oldSecret = fixtures.pending(user);
        String newSecret = fixtures.pending(user);
        assertNotEquals(oldSecret, newSecret);

        assertError(400, "invalid_code", api.confirm(user, api.codeFor(oldSecret)));
        ApiResult confirmed = assertSuccess(200, api.confirm(user, api.codeFor(newSecret)));
        assertEquals("ENABLED", confirmed.text("status"));
    }

    @Test
    void setupWhilePendingRestartsTheExpiry() {
        fixtures.pending(user);
        clock.advance(Duration.ofMinutes(8));
        ApiResult restarted = assertSuccess(201, api.setup(user));
        assertEquals(clock.instant().plus(Duration.ofMinutes(10)).toString(), restarted.text("expiresAt"));

        clock.advance(Duration.ofMinutes(5));
        fixtures.assertStatus(user, "PENDING");
        assertSuccess(200, api.confirm(user, api.codeFor(restarted.text("secret"))));
    }

    @Test
    void setupAfterAnExpiredSetupStartsAgain() {
        fixtures.pending(user);
        clock.advance(Duration.ofMinutes(11));

        String secret = fixtures.pending(user);

        assertSuccess(200, api.confirm(user, api.codeFor(secret)));
    }

    @Test
    void setupWhileEnabledIsRefusedAndLeavesMfaWorking() {
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        ApiResult refused = assertError(409, "mfa_already_enabled", api.setup(user));
        assertEquals(2, refused.json().asObject().size(), refused::toString);

        fixtures.assertStatus(user, "ENABLED");
        ApiResult verified = assertSuccess(200, api.verify(user, api.codeFor(enabled.secret())));
        assertEquals("true", verified.json().field("verified").orElseThrow().text());
        assertSuccess(200, api.recover(user, enabled.recoveryCode()));
    }

    @Test
    void aSignInOlderThanAnHourStartsNothingUntilTheUserSignsInAgain() {
        RawItems raw = new RawItems(AwsEmulator.forTestClass(getClass()));
        TestUser stale = user.signedInAt(clock.instant().minus(Duration.ofMinutes(61)));

        ApiResult refused = assertError(401, "reauthentication_required", api.setup(stale));

        assertEquals(2, refused.json().asObject().size(), refused::toString);
        assertEquals(Map.of(), raw.partition(user.sub()), "no pending setup, no event");
        fixtures.assertStatus(stale, "NONE");
        ApiResult started = assertSuccess(201, api.setup(user.signedInAt(clock.instant())));
        assertSuccess(200, api.confirm(user, api.codeFor(started.text("secret"))));
    }

    @Test
    void aSignInOlderThanAnHourCannotReplaceAPendingSecret() {
        RawItems raw = new RawItems(AwsEmulator.forTestClass(getClass()));
        String secret = fixtures.pending(user);
        Map<String, ?> before = raw.partition(user.sub());
        TestUser stale = user.signedInAt(clock.instant().minus(Duration.ofHours(3)));

        assertError(401, "reauthentication_required", api.setup(stale));

        assertEquals(before, raw.partition(user.sub()), "the pending setup and the trail as they were");
        // The pending secret still works, and confirming is no change that needs a fresh sign-in.
        assertSuccess(200, api.confirm(stale, api.codeFor(secret)));
    }

    @Test
    void accountNameIsTheEmailFirst() {
        TestUser named = userWith(Map.of("email", "alice@example.com", "username", "alice",
                "cognito:username", "alice-cognito"));

        assertEquals("Example%20Corp:alice%40example.com", label(assertSuccess(201, api.setup(named))));
    }

    @Test
    void accountNameIsTheUsernameWithoutEmail() {
        TestUser named = userWith(Map.of("username", "bob", "cognito:username", "bob-cognito"));

        assertEquals("Example%20Corp:bob", label(assertSuccess(201, api.setup(named))));
    }

    @Test
    void accountNameIsTheCognitoUsernameWithoutEmailOrUsername() {
        TestUser named = userWith(Map.of("cognito:username", "carol-cognito"));

        assertEquals("Example%20Corp:carol-cognito", label(assertSuccess(201, api.setup(named))));
    }

    @Test
    void accountNameIsTheSubWithoutAnyName() {
        TestUser named = userWith(Map.of());

        assertEquals("Example%20Corp:" + named.sub(), label(assertSuccess(201, api.setup(named))));
    }

    @Test
    void aBlankEmailFallsBackToTheNextClaim() {
        TestUser named = userWith(Map.of("email", "  ", "username", "dave"));

        assertEquals("Example%20Corp:dave", label(assertSuccess(201, api.setup(named))));
    }

    @Test
    void aColonInTheAccountNameNeverReachesTheLabel() {
        TestUser named = userWith(Map.of("email", "eve:admin@example.com"));

        String label = label(assertSuccess(201, api.setup(named)));

        assertEquals("Example%20Corp:eve_admin%40example.com", label);
    }

    @Test
    void aNonAsciiAccountNameIsPercentEncodedAsUtf8() {
        TestUser named = userWith(Map.of("email", "j\u00fcrgen@example.com"));

        assertEquals("Example%20Corp:j%C3%BCrgen%40example.com", label(assertSuccess(201, api.setup(named))));
    }

    @Test
    void anOverlongAccountNameIsRefusedWithoutA5xxAndStartsNothing() {
        TestUser named = userWith(Map.of("email", "x".repeat(300) + "@example.com"));

        ApiResult result = api.setup(named);

        assertError(400, "invalid_request", result);
        fixtures.assertStatus(named, "NONE");
    }

    @Test
    void anEmptyJsonObjectBodyIsAccepted() {
        ApiResult setup = assertSuccess(201, api.call(SETUP, user, "{}"));

        assertEquals("PENDING", setup.text("status"));
        fixtures.assertStatus(user, "PENDING");
    }

    @Test
    void aJsonArrayBodyIsRefusedAndStartsNothing() {
        assertError(400, "invalid_request", api.call(SETUP, user, "[]"));

        fixtures.assertStatus(user, "NONE");
    }

    @Test
    void digitsAndPeriodOverridesAppearInTheUriAndConfirmTakesEightDigits() {
        MfaApi eightDigits = MfaApi.over(AwsEmulator.get(), clock,
                Map.of("MFA_TOTP_DIGITS", "8", "MFA_TOTP_PERIOD_SECONDS", "60"));

        ApiResult setup = assertSuccess(201, eightDigits.setup(user));
        String secret = setup.text("secret");
        assertEquals("otpauth://totp/Example%20Corp:" + user.email().replace("@", "%40") + "?secret=" + secret
                + "&issuer=Example%20Corp&algorithm=SHA1&digits=8&period=60", setup.text("otpauthUri"));

        String code = eightDigits.codeFor(secret);
        assertEquals(8, code.length());
        assertError(400, "invalid_request", eightDigits.confirm(user, code.substring(0, 6)));
        ApiResult confirmed = assertSuccess(200, eightDigits.confirm(user, code));
        assertEquals("ENABLED", confirmed.text("status"));

        clock.advance(Duration.ofSeconds(60));
        assertSuccess(200, eightDigits.verify(user, eightDigits.codeFor(secret)));
    }

    /**
     * Issue 14: one user looping setup and cancel used to write a transaction and a year-long audit
     * item per call. Past the bound (10 changes an hour) each call is 429 with Retry-After and writes
     * nothing, so 1,000 calls leave the enrollment's item, the window's counter and 10 events.
     */
    @Test
    void oneThousandSetupAndCancelCallsByOneUserLeaveABoundedNumberOfItemsAndNo5xx() {
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int call = 0; call < 1_000; call++) {
            ApiResult result = call % 2 == 0 ? api.setup(user) : api.call("POST /mfa/remove", user, "{}");
            statuses.merge(result.status(), 1, Integer::sum);
            if (result.status() == 429) {
                assertError(429, "too_many_requests", result);
                long retryAfter = Long.parseLong(result.header("Retry-After"));
                assertTrue(retryAfter >= 1 && retryAfter <= 3_600, () -> "Retry-After until the hour ends: " + result);
            }
        }

        // After the 10th change (a cancel) nothing is pending: each further setup is 429, so each
        // further cancel finds nothing to cancel (409).
        assertEquals(Map.of(201, 5, 200, 5, 429, 495, 409, 495), statuses, "10 changes an hour, then 429; never a 5xx");
        java.util.List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> items =
                new io.serverlessmfa.functions.testing.RawItems(AwsEmulator.forTestClass(getClass())).scanAll().stream()
                        .filter(item -> item.get("pk").s().equals("USER#" + user.sub())).toList();
        Map<String, Long> kinds = items.stream().collect(java.util.stream.Collectors.groupingBy(
                item -> item.get("sk").s().replaceAll("#.*", "#"), java.util.TreeMap::new, java.util.stream.Collectors.counting()));
        assertEquals(Map.of("MFA", 1L, "EVENT#", 10L, "SETUP_CHANGES#", 1L), kinds,
                "the enrollment's tombstone, the 10 changes' events and the window's counter: " + kinds);
        System.out.println("1,000 setup/cancel calls by one user: " + statuses + ", items left: " + kinds);

        clock.advance(Duration.ofHours(1));
        assertSuccess(201, api.setup(user));
    }

    /**
     * An enabled user whose setup changes are used up: setup's transaction fails both its
     * conditions (MFA is on, and the counter is at its limit). What is stored decides: 409, not 429.
     */
    @Test
    void setupOverEnabledMfaIsA409EvenWhenTheSetupChangesAreUsedUp() {
        MfaApi once = MfaApi.over(AwsEmulator.forTestClass(getClass()), clock, Map.of("MFA_SETUP_CHANGE_LIMIT", "1"));
        String secret = assertSuccess(201, once.setup(user)).text("secret");
        assertSuccess(200, once.confirm(user, once.codeFor(secret)));

        assertError(409, "mfa_already_enabled", once.setup(user));
    }

    private static TestUser userWith(Map<String, String> names) {
        String sub = UUID.randomUUID().toString();
        Map<String, String> claims = new HashMap<>(names);
        claims.put("sub", sub);
        claims.put("iss", "https://issuer.example.com");
        claims.put("aud", "mfa-portal");
        return new TestUser(sub, claims);
    }

    /** The {@code issuer:account} label of the Key URI. */
    private static String label(ApiResult setup) {
        String uri = setup.text("otpauthUri");
        assertTrue(uri.startsWith("otpauth://totp/"), uri);
        return uri.substring("otpauth://totp/".length(), uri.indexOf('?'));
    }
}
