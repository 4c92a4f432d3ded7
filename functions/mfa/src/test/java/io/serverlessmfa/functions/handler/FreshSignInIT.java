package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsCallCounter;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.RouteTest;
import io.serverlessmfa.functions.testing.TestUser;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The changes that matter need a fresh sign-in (issue 14): setup, regenerating the recovery codes
 * and removal (a pending setup's cancelling too) refuse a first-factor token whose sign-in
 * ({@code auth_time}, else {@code iat}) is older than {@code MFA_REAUTHENTICATION_MINUTES} (60 by
 * default), dated more than 5 minutes ahead, missing or unreadable: {@code 401
 * reauthentication_required}, before any AWS call. The routes that change nothing or are the sign-in
 * itself (status, events, confirm, verify, recover) take a token of any age.
 */
class FreshSignInIT extends RouteTest {

    private static final String SETUP = "POST /mfa/setup";

    private TestUser signedIn(Duration ago) {
        return user.signedInAt(clock.instant().minus(ago));
    }

    @Test
    void aSignInExactlyAnHourOldIsFreshAndOneASecondOlderIsNot() {
        ApiResult refused = assertError(401, "reauthentication_required",
                api.setup(signedIn(Duration.ofMinutes(60).plusSeconds(1))));
        fixtures.assertStatus(user, "NONE");
        // RFC 9470's challenge: a client that speaks it asks for a sign-in at most max_age seconds old.
        assertEquals("Bearer error=\"insufficient_user_authentication\", error_description=\"A more recent sign-in is required\","
                + " max_age=\"3600\"", refused.header("WWW-Authenticate"));

        assertSuccess(201, api.setup(signedIn(Duration.ofMinutes(60))));
    }

    @Test
    void theMaximumAgeIsConfiguration() {
        MfaApi fiveMinutes = MfaApi.over(AwsEmulator.forTestClass(getClass()), clock,
                Map.of("MFA_REAUTHENTICATION_MINUTES", "5"));

        ApiResult refused = assertError(401, "reauthentication_required",
                fiveMinutes.setup(signedIn(Duration.ofMinutes(5).plusSeconds(1))));
        assertTrue(refused.header("WWW-Authenticate").endsWith(" max_age=\"300\""), refused.headers()::toString);
        assertSuccess(201, fiveMinutes.setup(signedIn(Duration.ofMinutes(5))));
    }

    @Test
    void authTimeDecidesOverIatSoARefreshedTokenOfAnOldSignInIsRefused() {
        // A token refreshed without signing in again: issued now, for a sign-in two hours ago.
        TestUser refreshed = signedIn(Duration.ofHours(2)).withClaim("iat", seconds(clock.instant()));
        assertError(401, "reauthentication_required", api.setup(refreshed));

        TestUser iatOnly = user.withClaim("iat", seconds(clock.instant().minus(Duration.ofMinutes(61))));
        assertError(401, "reauthentication_required", api.setup(iatOnly));
        fixtures.assertStatus(user, "NONE");

        assertSuccess(201, api.setup(user.withClaim("iat", seconds(clock.instant().minus(Duration.ofMinutes(59))))));
    }

    @Test
    void aTokenWithNeitherAuthTimeNorIatIsRefused() {
        Map<String, String> claims = new HashMap<>(user.claims());
        claims.remove("auth_time");
        claims.remove("iat");

        ApiResult refused = api.invoke(SETUP, MfaApi.event(SETUP, claims, null, null, false));

        assertError(401, "reauthentication_required", refused);
        fixtures.assertStatus(user, "NONE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "yesterday", "-60", "1e", "0x6a0f5e80", "NaN", "Infinity", "1795860000abc",
        "Fri Nov 28 10:00:00 UTC 2026", "[1795860000]", "99999999999999999999999"})
    void anUnreadableAuthTimeIsRefusedEvenWithAFreshIat(String authTime) {
        TestUser unreadable = user.withClaim("auth_time", authTime).withClaim("iat", seconds(clock.instant()));

        assertError(401, "reauthentication_required", api.setup(unreadable));
        fixtures.assertStatus(user, "NONE");
    }

    @Test
    void aSignInDatedMoreThanFiveMinutesAheadIsRefused() {
        Instant now = clock.instant();
        assertError(401, "reauthentication_required",
                api.setup(user.signedInAt(now.plus(Duration.ofMinutes(5)).plusSeconds(1))));
        fixtures.assertStatus(user, "NONE");

        // The identity provider's clock may run a little ahead of the function's.
        assertSuccess(201, api.setup(user.signedInAt(now.plus(Duration.ofMinutes(5)))));
    }

    @Test
    void numericDatesAsApiGatewayMayWriteThemAreRead() {
        Instant twoMinutesAgo = clock.instant().minus(Duration.ofMinutes(2));
        for (String text : List.of(twoMinutesAgo.getEpochSecond() + ".5", twoMinutesAgo.getEpochSecond() + ".0",
                new java.math.BigDecimal(twoMinutesAgo.getEpochSecond()).movePointLeft(9).toPlainString() + "E9")) {
            TestUser someone = TestUser.random().withClaim("auth_time", text);
            assertSuccess(201, api.setup(someone));
        }
    }

    @Test
    void theRoutesThatAreNoSuchChangeTakeASignInOfAnyAge() {
        TestUser weekOld = signedIn(Duration.ofDays(7));
        MfaFixtures.Enabled enabled = fixtures.enabled(user);

        assertSuccess(200, api.status(weekOld));
        assertSuccess(200, api.events(weekOld, Map.of()));
        assertSuccess(200, api.verify(weekOld, api.codeFor(enabled.secret())));
        assertSuccess(200, api.recover(weekOld, enabled.recoveryCode()));

        TestUser other = TestUser.random();
        String secret = fixtures.pending(other);
        assertSuccess(200, api.confirm(other.signedInAt(clock.instant().minus(Duration.ofDays(7))), api.codeFor(secret)));
    }

    @Test
    void aRefusalMakesNoAwsCallAtAll() {
        AwsEmulator emulator = AwsEmulator.forTestClass(getClass());
        AwsCallCounter counter = new AwsCallCounter();
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().region(Region.of(AwsEmulator.REGION))
                .endpointOverride(emulator.endpoint()).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(counter)).build();
             KmsClient kms = KmsClient.builder().region(Region.of(AwsEmulator.REGION))
                .endpointOverride(emulator.endpoint()).credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(override -> override.addExecutionInterceptor(counter)).build()) {
            MfaApi counted = new MfaApi(new Wiring(MfaConfiguration.fromEnvironment(emulator.environment(Map.of())),
                    clock, new SecureRandom(), dynamoDb, kms));
            MfaFixtures.Enabled enabled = fixtures.enabled(user);
            RawItems raw = new RawItems(emulator);
            Map<String, ?> before = raw.partition(user.sub());
            TestUser stale = signedIn(Duration.ofMinutes(61));
            TestUser pending = TestUser.random();
            fixtures.pending(pending);
            counter.reset();

            TestUser newcomer = TestUser.random().signedInAt(clock.instant().minus(Duration.ofDays(1)));
            assertError(401, "reauthentication_required", counted.setup(newcomer));
            assertError(401, "reauthentication_required", counted.regenerate(stale, api.codeFor(enabled.secret())));
            assertError(401, "reauthentication_required", counted.removeWithCode(stale, api.codeFor(enabled.secret())));
            assertError(401, "reauthentication_required", counted.removeWithRecoveryCode(stale, enabled.recoveryCode()));
            assertError(401, "reauthentication_required", counted.call("POST /mfa/remove",
                    pending.signedInAt(clock.instant().minus(Duration.ofMinutes(61))), "{}"));

            assertEquals(List.of(), counter.calls(), "no DynamoDB read or write, no KMS call");
            assertEquals(before, raw.partition(user.sub()));
        }
    }

    private static String seconds(Instant at) {
        return Long.toString(at.getEpochSecond());
    }
}
