package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.serverlessmfa.core.secret.Base32;
import io.serverlessmfa.core.totp.SecretKeys;
import io.serverlessmfa.core.totp.TotpGenerator;
import io.serverlessmfa.core.totp.TotpSettings;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.handler.MfaFunction;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.token.KeySchedule;
import io.serverlessmfa.functions.token.SigningKeyRotation;
import io.serverlessmfa.local.relyingparty.MfaTokenCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A relying party that is not us checks our MFA tokens: nimbus-jose-jwt, given only the issuer's
 * URL, reads the discovery document and the key set over HTTP from the local gateway (on a random
 * port, the handlers on a clock the test moves) and verifies the tokens of confirm, verify and
 * recover with the code of docs/integration.md ({@link MfaTokenCheck}). It refuses what an attacker
 * can make of them (a changed payload, another key, {@code none}, HS256 keyed with the public key),
 * expired tokens, another audience or issuer, another user or login; the helpdesk refuses a step-up
 * that is another operator's, a recovery code's, or older than five minutes; and across a key
 * rotation the new key is published before it signs, old tokens keep verifying until they expire,
 * and a retired key leaves the key set.
 */
class IndependentRelyingPartyIT {

    /** The tokens' audience (MFA_TOKEN_AUDIENCE): what the relying party expects. */
    private static final String AUDIENCE = "payments-backend";
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** nimbus's DefaultJWTClaimsVerifier accepts this much clock skew on exp. */
    private static final Duration NIMBUS_SKEW = Duration.ofSeconds(60);

    /** Messages of nimbus-jose-jwt's refusals (its wording), each naming the check that failed. */
    private static final String BAD_SIGNATURE = "Signed JWT rejected: Invalid signature";
    private static final String NO_KEY = "Signed JWT rejected: Another algorithm expected, or no matching key(s) found";
    private static final String UNSECURED = "Unsecured (plain) JWTs are rejected";
    private static final String EXPIRED = "Expired JWT";

    /**
     * One deployment of the service: a table of its own (so signing keys of its own), a clock the test
     * moves, the handlers of template.yaml on it, the local gateway on a random port.
     */
    private static final class Service implements AutoCloseable {

        final MutableClock clock = MutableClock.atStepStart();
        final Wiring wiring;
        final LocalGateway gateway;
        final String issuer;
        private final TotpSettings totp;

        Service(Map<String, String> overrides) throws Exception {
            Map<String, String> environment = new HashMap<>(overrides);
            environment.put("MFA_TOKEN_AUDIENCE", AUDIENCE);
            wiring = AwsEmulator.get().withFreshTable().wiring(clock, environment);
            totp = wiring.policy().totp();
            Map<String, MfaFunction> routes = new HashMap<>();
            for (SamTemplate.Function function : SamTemplate.load(RepositoryFiles.template()).functions()) {
                routes.put(function.routeKey(),
                        (MfaFunction) Class.forName(function.handlerClass()).getConstructor(Wiring.class).newInstance(wiring));
            }
            gateway = new LocalGateway(routes, new DevelopmentTokens(new SecureRandom(), Clock.systemUTC()),
                    RepositoryFiles.root().resolve("portal"));
            gateway.start(new InetSocketAddress("127.0.0.1", 0));
            issuer = "http://127.0.0.1:" + gateway.port();
        }

        @Override
        public void close() {
            gateway.stop();
        }

        HttpResponse<String> send(String method, String path, Map<String, String> headers, String body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(issuer + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            headers.forEach(request::header);
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** A signed-in user: the bearer token of the local issuer; {@code sub} is the username. */
        User signIn(String username, boolean operator) throws Exception {
            HttpResponse<String> response = send("POST", "/dev/token", Map.of(), "{\"username\":\"" + username + "\""
                    + (operator ? ",\"groups\":[\"mfa-admin\"]" : "") + "}");
            assertEquals(200, response.statusCode(), response.body());
            return new User(this, username, text(response, "token"));
        }

        /** What the authenticator app shows now. */
        String code(String secret) {
            return new TotpGenerator(totp).generate(SecretKeys.forTotp(Base32.decode(secret), totp.algorithm()), clock.instant()).digits();
        }

        /** The key set as anyone reads it: GET jwks_uri. */
        JWKSet keySet() throws Exception {
            HttpResponse<String> response = send("GET", "/.well-known/jwks.json", Map.of(), null);
            assertEquals(200, response.statusCode(), response.body());
            return JWKSet.parse(response.body());
        }

        /** The relying party of docs/integration.md, as it starts: discovery, then the key set from jwks_uri. */
        MfaTokenCheck relyingParty(Duration maxAge) throws Exception {
            return MfaTokenCheck.fromDiscovery(issuer, AUDIENCE, maxAge, clock);
        }
    }

    /** A signed-in user of one service and what it was shown: the secret and its recovery code. */
    private static final class User {

        final Service service;
        final String id;
        final String bearer;
        String secret;
        String recoveryCode;

        User(Service service, String id, String bearer) {
            this.service = service;
            this.id = id;
            this.bearer = bearer;
        }

        HttpResponse<String> post(String path, String body) throws Exception {
            return service.send("POST", path, Map.of("Authorization", "Bearer " + bearer), body);
        }

        /** Setup and confirm: MFA on; the confirm's token (with {@code nonce} when not null). */
        String enable(String nonce) throws Exception {
            HttpResponse<String> setup = post("/mfa/setup", null);
            assertEquals(201, setup.statusCode(), setup.body());
            secret = text(setup, "secret");
            HttpResponse<String> confirmed = post("/mfa/confirm", body("code", service.code(secret), nonce));
            assertEquals(200, confirmed.statusCode(), confirmed.body());
            recoveryCode = JsonList.first(confirmed.body(), "recoveryCodes");
            return text(confirmed, "mfaToken");
        }

        /** The next time step's code on verify: its token. */
        String verify(String nonce) throws Exception {
            service.clock.advance(Duration.ofSeconds(30)); // a code is accepted once: the next step's
            HttpResponse<String> verified = post("/mfa/verify", body("code", service.code(secret), nonce));
            assertEquals(200, verified.statusCode(), verified.body());
            return text(verified, "mfaToken");
        }

        /** The recovery code on recover: its token (the new recovery code replaces the used one). */
        String recover(String nonce) throws Exception {
            HttpResponse<String> recovered = post("/mfa/recover", body("recoveryCode", recoveryCode, nonce));
            assertEquals(200, recovered.statusCode(), recovered.body());
            recoveryCode = JsonList.first(recovered.body(), "recoveryCodes");
            return text(recovered, "mfaToken");
        }

        /** A helpdesk route with {@code stepUp} in X-MFA-Token (none when null). */
        HttpResponse<String> helpdesk(String stepUp) throws Exception {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Authorization", "Bearer " + bearer);
            if (stepUp != null) {
                headers.put("X-MFA-Token", stepUp);
            }
            return service.send("GET", "/admin/mfa/stats", headers, null);
        }

        private static String body(String field, String value, String nonce) {
            return "{\"" + field + "\":\"" + value + "\"" + (nonce == null ? "" : ",\"nonce\":\"" + nonce + "\"") + "}";
        }
    }

    /** The first element of a JSON array field, read with nimbus's own JSON parser. */
    private static final class JsonList {
        static String first(String json, String field) throws Exception {
            return JSONObjectUtils.getStringArray(JSONObjectUtils.parse(json), field)[0];
        }
    }

    private static String text(HttpResponse<String> response, String field) throws Exception {
        return JSONObjectUtils.getString(JSONObjectUtils.parse(response.body()), field);
    }

    private static void assertRefused(String reason, MfaTokenCheck check, String token, String userId, String nonce) {
        BadJOSEException refused = assertThrows(BadJOSEException.class, () -> check.verify(token, userId, nonce));
        assertTrue(refused.getMessage().contains(reason), "expected [" + reason + "], was: " + refused.getMessage());
    }

    private static void assertStepUpRefused(User operator, String stepUp) throws Exception {
        HttpResponse<String> refused = operator.helpdesk(stepUp);
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("mfa_required", text(refused, "error"));
    }

    private static String kid(String token) throws Exception {
        return SignedJWT.parse(token).getHeader().getKeyID();
    }

    @Test
    void theDiscoveryDocumentAndTheKeySetAreWhatAnOidcRelyingPartyReads() throws Exception {
        try (Service service = new Service(Map.of())) {
            service.signIn("carol@example.com", false).enable(null); // the first token makes the first key

            HttpResponse<String> discovery = service.send("GET", "/.well-known/openid-configuration", Map.of(), null);
            assertEquals(200, discovery.statusCode());
            Map<String, Object> document = JSONObjectUtils.parse(discovery.body());
            assertEquals(service.issuer, document.get("issuer"), "the issuer is the URL the document is served under");
            assertEquals(service.issuer + "/.well-known/jwks.json", document.get("jwks_uri"));
            assertEquals(List.of("ES256"), document.get("id_token_signing_alg_values_supported"));

            HttpResponse<String> jwks = service.send("GET", "/.well-known/jwks.json", Map.of(), null);
            assertEquals("public, max-age=" + MfaTokenCheck.KEY_SET_CACHE.toSeconds(), jwks.headers().firstValue("Cache-Control").orElseThrow(),
                    "the relying party keeps the key set as long as the service allows");
            List<JWK> keys = JWKSet.parse(jwks.body()).getKeys();
            assertEquals(1, keys.size());
            for (JWK key : keys) {
                ECKey ec = key.toECKey();
                assertEquals(Curve.P_256, ec.getCurve());
                assertEquals(KeyUse.SIGNATURE, ec.getKeyUse());
                assertEquals(JWSAlgorithm.ES256, ec.getAlgorithm());
                assertFalse(ec.isPrivate(), "public keys only");
                assertEquals(ec.computeThumbprint().toString(), ec.getKeyID(), "kid is the RFC 7638 thumbprint, as nimbus computes it");
            }
        }
    }

    @Test
    void theTokensOfConfirmVerifyAndRecoverAreAcceptedWithWhatTheyProve() throws Exception {
        try (Service service = new Service(Map.of())) {
            User alice = service.signIn("alice@example.com", false);
            MfaTokenCheck check = service.relyingParty(Duration.ofMinutes(5));

            String confirmNonce = MfaTokenCheck.newNonce();
            MfaTokenCheck.Proof confirmed = check.verify(alice.enable(confirmNonce), alice.id, confirmNonce);
            assertEquals("alice@example.com", confirmed.userId());
            assertEquals(List.of("otp"), confirmed.methods());
            assertEquals(service.clock.instant(), confirmed.authTime());

            String verifyNonce = MfaTokenCheck.newNonce();
            MfaTokenCheck.Proof verified = check.verify(alice.verify(verifyNonce), alice.id, verifyNonce);
            assertEquals(List.of("otp"), verified.methods());
            assertTrue(verified.withAuthenticatorApp());
            assertEquals(service.clock.instant(), verified.authTime());
            assertNotEquals(confirmed.tokenId(), verified.tokenId());

            String recoverNonce = MfaTokenCheck.newNonce();
            MfaTokenCheck.Proof recovered = check.verify(alice.recover(recoverNonce), alice.id, recoverNonce);
            assertEquals(List.of("rec"), recovered.methods(), "a recovery code is not the app");
            assertFalse(recovered.withAuthenticatorApp());
        }
    }

    @Test
    void nimbusRefusesAChangedPayloadAnotherKeyAlgNoneAndHs256KeyedWithThePublicKey() throws Exception {
        try (Service service = new Service(Map.of())) {
            User mallory = service.signIn("mallory@example.com", false);
            String nonce = MfaTokenCheck.newNonce();
            String token = mallory.enable(nonce);
            MfaTokenCheck check = service.relyingParty(Duration.ofMinutes(5));
            check.verify(token, mallory.id, nonce); // the genuine token passes: each refusal below is the change's

            SignedJWT genuine = SignedJWT.parse(token);
            JWTClaimsSet claims = genuine.getJWTClaimsSet();
            String kid = genuine.getHeader().getKeyID();

            // A changed payload under the genuine signature: the second factor made to look a minute fresher.
            JWTClaimsSet escalated = new JWTClaimsSet.Builder(claims).claim("auth_time", new Date(claims.getIssueTime().getTime() + 60_000))
                    .build();
            Base64URL[] parts = genuine.getParsedParts();
            String changed = parts[0] + "." + Base64URL.encode(escalated.toString()) + "." + parts[2];
            assertRefused(BAD_SIGNATURE, check, changed, mallory.id, nonce);

            // The same claims signed with a key of the attacker's: under our kid, and under its own.
            ECKey attacker = new ECKeyGenerator(Curve.P_256).generate();
            for (String claimedKid : new String[] {kid, attacker.computeThumbprint().toString()}) {
                SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(claimedKid).build(),
                        claims);
                forged.sign(new ECDSASigner(attacker));
                assertRefused(claimedKid.equals(kid) ? BAD_SIGNATURE : NO_KEY, check, forged.serialize(), mallory.id, nonce);
            }

            // alg none, the claims unsigned.
            assertRefused(UNSECURED, check, new PlainJWT(claims).serialize(), mallory.id, nonce);

            // HS256 keyed with what is public: the key's DER encoding, and its JWK text (the algorithm confusion attack).
            ECKey published = service.keySet().getKeyByKeyId(kid).toECKey();
            for (byte[] secret : new byte[][] {published.toECPublicKey().getEncoded(),
                    published.toJSONString().getBytes(StandardCharsets.UTF_8)}) {
                SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).keyID(kid).build(), claims);
                confused.sign(new MACSigner(secret));
                assertRefused(NO_KEY, check, confused.serialize(), mallory.id, nonce);
            }
        }
    }

    @Test
    void nimbusRefusesAnExpiredTokenAnotherAudienceAnotherIssuerAndAnOldSecondFactor() throws Exception {
        try (Service service = new Service(Map.of())) {
            User bob = service.signIn("bob@example.com", false);
            String nonce = MfaTokenCheck.newNonce();
            String token = bob.enable(nonce);

            MfaTokenCheck patient = service.relyingParty(Duration.ofDays(1)); // so only exp can refuse
            patient.verify(token, bob.id, nonce);
            assertRefused("JWT aud claim rejected", new MfaTokenCheck(service.issuer, "another-app",
                    JWKSourceBuilder.create(new URL(service.issuer + "/.well-known/jwks.json")).build(), Duration.ofDays(1), service.clock),
                    token, bob.id, nonce);
            assertRefused("JWT iss claim value rejected", new MfaTokenCheck("https://mfa.example.com", AUDIENCE,
                    JWKSourceBuilder.create(new URL(service.issuer + "/.well-known/jwks.json")).build(), Duration.ofDays(1), service.clock),
                    token, bob.id, nonce);
            IOException otherName = assertThrows(IOException.class,
                    () -> MfaTokenCheck.fromDiscovery("http://localhost:" + service.gateway.port(), AUDIENCE, Duration.ofDays(1), service.clock));
            assertTrue(otherName.getMessage().contains("names another issuer"), otherName.getMessage());

            MfaTokenCheck strict = service.relyingParty(Duration.ofMinutes(1)); // the backend's own maximum age
            service.clock.advance(Duration.ofSeconds(59));
            strict.verify(token, bob.id, nonce);
            service.clock.advance(Duration.ofSeconds(2));
            assertRefused("auth_time is more than PT1M ago", strict, token, bob.id, nonce);

            service.clock.advance(LIFETIME.minusSeconds(61).minusSeconds(1));
            patient.verify(token, bob.id, nonce); // a second before exp
            service.clock.advance(Duration.ofSeconds(1).plus(NIMBUS_SKEW).plusSeconds(1));
            assertRefused(EXPIRED, patient, token, bob.id, nonce);
        }
    }

    @Test
    void aTokenCountsOnlyForItsUserAndItsLoginsNonce() throws Exception {
        try (Service service = new Service(Map.of())) {
            User portal = service.signIn("dave@example.com", false);
            portal.enable(null);
            MfaTokenCheck check = service.relyingParty(Duration.ofMinutes(5));
            String userId = portal.id;

            // docs/integration.md, "Bind the token to one login": begin
            String nonce = MfaTokenCheck.newNonce();     // at sign-in, kept in the user's server-side session
            String mfaToken = portal.verify(nonce);      // the portal: POST /mfa/verify {"code":"...","nonce":"..."}
            MfaTokenCheck.Proof proof = check.verify(mfaToken, userId, nonce);
            // docs/integration.md, "Bind the token to one login": end
            assertEquals(userId, proof.userId());

            assertRefused("JWT nonce claim value rejected", check, mfaToken, userId, MfaTokenCheck.newNonce());
            String withoutNonce = portal.verify(null);
            assertRefused("JWT missing required claims: [nonce]", check, withoutNonce, userId, nonce);
            assertFalse(SignedJWT.parse(withoutNonce).getJWTClaimsSet().getClaims().containsKey("nonce"));
            assertRefused("JWT sub claim value rejected", check, mfaToken, "erin@example.com", nonce);

            HttpResponse<String> badNonce = portal.post("/mfa/verify", "{\"code\":\"" + service.code(portal.secret) + "\",\"nonce\":\"a b\"}");
            assertEquals(400, badNonce.statusCode());
            assertEquals("invalid_request", text(badNonce, "error"));
        }
    }

    @Test
    void theHelpdeskTakesOnlyTheOperatorsOwnAppProofFromTheLastFiveMinutes() throws Exception {
        // Tokens live an hour here, so the five minutes are the helpdesk's rule, not exp.
        try (Service service = new Service(Map.of("MFA_TOKEN_LIFETIME_SECONDS", "3600"))) {
            User olivia = service.signIn("olivia@example.com", true);
            User oscar = service.signIn("oscar@example.com", true);
            olivia.enable(null);
            String own = olivia.verify(null);
            assertEquals(200, olivia.helpdesk(own).statusCode(), "her own fresh proof");
            assertStepUpRefused(olivia, null);

            assertStepUpRefused(oscar, own); // another operator's token

            String recovered = olivia.recover(null);
            assertEquals(List.of("rec"), SignedJWT.parse(recovered).getJWTClaimsSet().getStringListClaim("amr"));
            assertStepUpRefused(olivia, recovered);

            // What nimbus refuses, the helpdesk refuses too.
            SignedJWT genuine = SignedJWT.parse(own);
            assertStepUpRefused(olivia, new PlainJWT(genuine.getJWTClaimsSet()).serialize());
            SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(genuine.getHeader().getKeyID()).build(),
                    genuine.getJWTClaimsSet());
            confused.sign(new MACSigner(service.keySet().getKeyByKeyId(genuine.getHeader().getKeyID()).toECKey().toECPublicKey().getEncoded()));
            assertStepUpRefused(olivia, confused.serialize());
            SignedJWT otherKey = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(genuine.getHeader().getKeyID()).build(),
                    genuine.getJWTClaimsSet());
            otherKey.sign(new ECDSASigner(new ECKeyGenerator(Curve.P_256).generate()));
            assertStepUpRefused(olivia, otherKey.serialize());

            String fresh = olivia.verify(null);
            service.clock.advance(Duration.ofMinutes(5));
            assertEquals(200, olivia.helpdesk(fresh).statusCode(), "five minutes old");
            service.clock.advance(Duration.ofSeconds(1));
            assertStepUpRefused(olivia, fresh);
            String nonce = MfaTokenCheck.newNonce();
            String fresher = olivia.verify(nonce);
            service.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
            service.relyingParty(Duration.ofHours(1)).verify(fresher, olivia.id, nonce); // valid, just too old for the helpdesk
            assertStepUpRefused(olivia, fresher);
        }
    }

    @Test
    void theExampleTemplatesFunctionGivenTheDiscoveryDocumentsIssuerAcceptsTheTokens() throws Exception {
        // docs/examples/relying-party-template.yaml deployed against this service: MfaTokenIssuer is the
        // discovery document's issuer, MfaTokenAudience the service's MFA_TOKEN_AUDIENCE, MfaMaxAgeSeconds its
        // default; its function's environment is what MfaTokenCheck is built from.
        try (Service service = new Service(Map.of())) {
            User grace = service.signIn("grace@example.com", false);
            String nonce = MfaTokenCheck.newNonce();
            String token = grace.enable(nonce);
            String discoveredIssuer = JSONObjectUtils.getString(JSONObjectUtils.parse(
                    service.send("GET", "/.well-known/openid-configuration", Map.of(), null).body()), "issuer");
            assertEquals(SignedJWT.parse(token).getJWTClaimsSet().getIssuer(), discoveredIssuer);

            SamTemplate example = RelyingPartyTemplateTest.example();
            Map<String, String> parameters = Map.of("MfaTokenIssuer", discoveredIssuer, "MfaTokenAudience", AUDIENCE,
                    "MfaMaxAgeSeconds", ((Map<?, ?>) example.parameters().get("MfaMaxAgeSeconds")).get("Default").toString());
            Map<String, String> environment = new HashMap<>();
            RelyingPartyTemplateTest.environment(example).forEach((name, parameter) -> environment.put(name, parameters.get(parameter)));
            MfaTokenCheck check = MfaTokenCheck.fromDiscovery(environment.get("MFA_TOKEN_ISSUER"), environment.get("MFA_TOKEN_AUDIENCE"),
                    Duration.ofSeconds(Long.parseLong(environment.get("MFA_MAX_AGE_SECONDS"))), service.clock);
            assertEquals(grace.id, check.verify(token, grace.id, nonce).userId());
            service.clock.advance(Duration.ofSeconds(301));
            assertRefused("auth_time is more than PT5M ago", check, token, grace.id, nonce);
        }
    }

    /** Counts the key set's fetches of one relying party. */
    private static final class CountingRetriever implements ResourceRetriever {

        final AtomicInteger fetches = new AtomicInteger();
        private final DefaultResourceRetriever http = new DefaultResourceRetriever(2000, 2000);

        @Override
        public Resource retrieveResource(URL url) throws IOException {
            fetches.incrementAndGet();
            return http.retrieveResource(url);
        }
    }

    @Test
    void aRotatedKeyIsPublishedBeforeItSignsAndARetiredOneLeavesTheKeySetOnlyAfterItsTokensExpired() throws Exception {
        try (Service service = new Service(Map.of("MFA_SIGNING_KEY_PUBLISHED_AHEAD_SECONDS", "900",
                "MFA_TOKEN_LIFETIME_SECONDS", "3600"))) {
            User frank = service.signIn("frank@example.com", false);
            String nonce = MfaTokenCheck.newNonce();
            String beforeRotation = frank.enable(nonce);
            String oldKid = kid(beforeRotation);
            CountingRetriever retriever = new CountingRetriever();
            MfaTokenCheck check = new MfaTokenCheck(service.issuer, AUDIENCE,
                    JWKSourceBuilder.create(new URL(service.issuer + "/.well-known/jwks.json"), retriever)
                            .cache(MfaTokenCheck.KEY_SET_CACHE.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT).build(),
                    Duration.ofDays(1), service.clock);
            check.verify(beforeRotation, frank.id, nonce);
            assertEquals(1, retriever.fetches.get());

            Instant rotatedAt = service.clock.instant();
            SigningKeyRotation.Outcome rotation = service.wiring.rotation().rotate(rotatedAt);
            String newKid = rotation.created();
            assertEquals(rotatedAt.plusSeconds(900), rotation.signsFrom());

            // Within a refresh of the containers' view of the keys, and still before it signs, the new key is public.
            service.clock.advance(KeySchedule.REFRESH_INTERVAL);
            assertTrue(service.clock.instant().isBefore(rotation.signsFrom()));
            assertEquals(Set.of(oldKid, newKid), service.keySet().getKeys().stream().map(JWK::getKeyID).collect(Collectors.toSet()));
            String stillOld = frank.verify(nonce);
            assertEquals(oldKid, kid(stillOld), "the old key signs until the new one's signsFrom");
            check.verify(stillOld, frank.id, nonce);

            service.clock.advance(Duration.between(service.clock.instant(), rotation.signsFrom()));
            String rotated = frank.verify(nonce);
            assertEquals(newKid, kid(rotated));
            check.verify(rotated, frank.id, nonce);
            assertEquals(2, retriever.fetches.get(), "a kid the cached key set lacks makes nimbus fetch it again");
            check.verify(beforeRotation, frank.id, nonce); // signed by the old key, unexpired: still good

            // Past the old key's retention (the longest token lifetime and a margin after its successor
            // signs), it has left the key set; a relying party that reads the key set now cannot verify it.
            service.clock.advance(KeySchedule.RETENTION.plusMinutes(1));
            assertEquals(Set.of(newKid), service.keySet().getKeys().stream().map(JWK::getKeyID).collect(Collectors.toSet()));
            assertRefused(NO_KEY, service.relyingParty(Duration.ofDays(1)), beforeRotation, frank.id, nonce);
            service.relyingParty(Duration.ofDays(1)).verify(frank.verify(nonce), frank.id, nonce);
        }
    }
}
