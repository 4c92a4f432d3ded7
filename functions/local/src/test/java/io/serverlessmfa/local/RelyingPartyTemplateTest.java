package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.token.MfaTokenSettings;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.TokenConfiguration;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * docs/examples/relying-party-template.yaml, the relying party's API of docs/integration.md: its
 * HTTP API's JWT authorizer takes the sign-in tokens (never this service's ES256 tokens, which that
 * authorizer refuses), and its function is configured with this service's issuer and audience
 * under the names the service itself uses. IndependentRelyingPartyIT runs that configuration
 * against the local gateway's discovery document.
 */
class RelyingPartyTemplateTest {

    static final Path EXAMPLE = Path.of("docs/examples/relying-party-template.yaml");

    static SamTemplate example() throws IOException {
        return SamTemplate.load(RepositoryFiles.root().resolve(EXAMPLE));
    }

    /** The function's environment, each value the parameter it refers to ({@code !Ref Name} reads as {@code Name}). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> environment(SamTemplate template) {
        Map<String, Object> properties = (Map<String, Object>) ((Map<String, Object>) template.resources().get("TransferFunction"))
                .get("Properties");
        return (Map<String, Object>) ((Map<String, Object>) properties.get("Environment")).get("Variables");
    }

    @Test
    void theFunctionGetsTheServicesIssuerAndAudienceUnderTheServicesOwnNames() throws IOException {
        assertEquals(Map.of(MfaConfiguration.TOKEN_ISSUER, "MfaTokenIssuer", MfaConfiguration.TOKEN_AUDIENCE, "MfaTokenAudience",
                "MFA_MAX_AGE_SECONDS", "MfaMaxAgeSeconds"), environment(example()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHttpApisJwtAuthorizerTakesTheSignInTokensNeverTheMfaTokens() throws IOException {
        SamTemplate template = example();
        SamTemplate.Function transfer = template.function("TransferFunction");
        assertEquals("POST /transfers", transfer.routeKey());
        assertFalse(transfer.isPublic());
        Map<String, Object> auth = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) template.resources()
                .get("PaymentsApi")).get("Properties")).get("Auth");
        assertEquals("SignIn", auth.get("DefaultAuthorizer"));
        Map<String, Object> jwt = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) auth.get("Authorizers"))
                .get("SignIn")).get("JwtConfiguration");
        // The HTTP API JWT authorizer checks RSA signatures only; the MFA tokens are ES256.
        assertEquals("SignInIssuer", jwt.get("issuer"));
        assertNotEquals("MfaTokenIssuer", jwt.get("issuer"));
        assertEquals("SignInAudience", jwt.get("audience"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theIssuerParameterTakesEveryIssuerTheServiceCanHaveAndNothingElse() throws IOException {
        String pattern = (String) ((Map<String, Object>) example().parameters().get("MfaTokenIssuer")).get("AllowedPattern");
        String servicePattern = (String) ((Map<String, Object>) SamTemplate.load(RepositoryFiles.template()).parameters()
                .get("TokenIssuer")).get("AllowedPattern");
        TokenConfiguration derived = new TokenConfiguration(Optional.empty(),
                new MfaTokenSettings("payments", Duration.ofMinutes(5)), Duration.ofHours(2));
        // What the service's discovery document says when deployed: its execute-api host, or TokenIssuer.
        String deployed = derived.issuerFor(Optional.of("a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com")).orElseThrow();
        assertEquals("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com", deployed);
        for (String issuer : List.of(deployed, "https://mfa.example.com", "https://example.com/mfa")) {
            assertTrue(issuer.matches(pattern), issuer);
            assertTrue(issuer.matches(servicePattern), issuer);
        }
        for (String notAnIssuer : List.of("", "http://mfa.example.com", "https://mfa.example.com/", "https://mfa.example.com?x",
                "https://mfa.example.com#x")) {
            assertFalse(notAnIssuer.matches(pattern), notAnIssuer);
        }
    }
}
