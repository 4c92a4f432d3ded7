package io.serverlessmfa.core.uri;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.totp.TotpSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountNamesTest {

    private static final Map<String, String> ALL_CLAIMS = Map.of(
            "email", "alice@example.com",
            "username", "alice",
            "cognito:username", "3f2a-cognito-user",
            "sub", "0b1c2d3e-sub");

    private static Map<String, String> without(String... claims) {
        Map<String, String> remaining = new HashMap<>(ALL_CLAIMS);
        for (String claim : claims) {
            remaining.remove(claim);
        }
        return remaining;
    }

    @Test
    void emailComesFirst() {
        assertEquals("alice@example.com", AccountNames.fromClaims(ALL_CLAIMS));
    }

    @Test
    void usernameIsUsedWithoutEmail() {
        assertEquals("alice", AccountNames.fromClaims(without("email")));
    }

    @Test
    void cognitoUsernameIsUsedWithoutEmailAndUsername() {
        assertEquals("3f2a-cognito-user", AccountNames.fromClaims(without("email", "username")));
    }

    @Test
    void subjectIsTheLastResort() {
        assertEquals("0b1c2d3e-sub", AccountNames.fromClaims(without("email", "username", "cognito:username")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t", " \n "})
    void blankClaimsAreSkipped(String blank) {
        Map<String, String> claims = new HashMap<>(ALL_CLAIMS);
        claims.put("email", blank);
        claims.put("username", blank);

        assertEquals("3f2a-cognito-user", AccountNames.fromClaims(claims));
    }

    @Test
    void nullClaimValuesAreSkipped() {
        Map<String, String> claims = new HashMap<>(ALL_CLAIMS);
        claims.put("email", null);

        assertEquals("alice", AccountNames.fromClaims(claims));
    }

    @Test
    void valueIsTrimmed() {
        assertEquals("alice@example.com", AccountNames.fromClaims(Map.of("email", "  alice@example.com \t")));
    }

    @Test
    void everyColonIsReplacedByAnUnderscore() {
        // Cognito federated users get user names like "Google:1234"; the Key Uri Format forbids ':' here.
        assertEquals("Google_1234_x", AccountNames.fromClaims(Map.of("cognito:username", "Google:1234:x")));
    }

    @Test
    void theResultIsAcceptedAsKeyUriAccountName() {
        String accountName = AccountNames.fromClaims(Map.of("username", " corp:alice "));

        assertEquals("corp_alice", accountName);
        assertDoesNotThrow(
                () -> new KeyUri("Example Corp", accountName, "JBSWY3DPEHPK3PXP", TotpSettings.defaults()));
    }

    @Test
    void otherClaimsAreIgnored() {
        Map<String, String> claims = Map.of("name", "Alice Example", "phone_number", "+15550100");

        assertThrows(IllegalArgumentException.class, () -> AccountNames.fromClaims(claims));
    }

    @Test
    void noUsableClaimIsRejectedWithoutQuotingClaimValues() {
        Map<String, String> claims = new HashMap<>();
        claims.put("email", " ");
        claims.put("username", "");
        claims.put("sub", null);
        claims.put("name", "Alice Example");

        IllegalArgumentException error =
                assertThrows(IllegalArgumentException.class, () -> AccountNames.fromClaims(claims));
        assertTrue(error.getMessage().contains("email"), error.getMessage());
        assertTrue(error.getMessage().contains("sub"), error.getMessage());
        assertFalse(error.getMessage().contains("Alice"), error.getMessage());
    }

    @Test
    void emptyOrMissingClaimsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> AccountNames.fromClaims(Map.of()));
        assertThrows(IllegalArgumentException.class, () -> AccountNames.fromClaims(null));
    }
}
