package io.serverlessmfa.core.uri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.core.totp.HmacAlgorithm;
import io.serverlessmfa.core.totp.TotpSettings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyUriTest {

    private static final String SECRET = "JBSWY3DPEHPK3PXP";
    private static final String PREFIX = "otpauth://totp/";

    private static KeyUri keyUri(String issuer, String accountName) {
        return new KeyUri(issuer, accountName, SECRET, TotpSettings.defaults());
    }

    /** Strict RFC 3986 percent-decoding to UTF-8, independent of the code under test (and of form decoding). */
    private static String percentDecode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                bytes.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : uri.substring(uri.indexOf('?') + 1).split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return parameters;
    }

    private static String label(String uri) {
        return uri.substring(PREFIX.length(), uri.indexOf('?'));
    }

    @Test
    void defaultsGiveTheExactDocumentedUri() {
        assertEquals("otpauth://totp/Example%20Corp:alice%40example.com?secret=JBSWY3DPEHPK3PXP"
                        + "&issuer=Example%20Corp&algorithm=SHA1&digits=6&period=30",
                keyUri("Example Corp", "alice@example.com").toUriString());
    }

    @Test
    void nonAsciiIssuerIsPercentEncodedAsUtf8() {
        String uri = keyUri("Zürich Bank", "alice").toUriString();

        assertEquals("otpauth://totp/Z%C3%BCrich%20Bank:alice?secret=JBSWY3DPEHPK3PXP"
                + "&issuer=Z%C3%BCrich%20Bank&algorithm=SHA1&digits=6&period=30", uri);
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            "AZaz09-._~|AZaz09-._~",           // unreserved characters stay
            "a b|a%20b",                       // space is %20, never '+'
            "a+b|a%2Bb",
            "x@y|x%40y",
            "a/b?c#d|a%2Fb%3Fc%23d",
            "a&b=c|a%26b%3Dc",                 // would otherwise split the query
            "100%|100%25",
            "\u65e5\u672c|%E6%97%A5%E6%9C%AC", // three-byte UTF-8
            "\ud83d\udd11|%F0%9F%94%91",       // four-byte UTF-8 (surrogate pair)
            "é|%C3%A9",                        // lower-case hex would also be valid, RFC 3986 prefers upper
    })
    void accountNameIsPercentEncodedKeepingOnlyUnreservedCharacters(String accountName, String expected) {
        String uri = keyUri("Issuer", accountName).toUriString();

        assertEquals("Issuer:" + expected, label(uri));
    }

    @Test
    void parametersAreWrittenInAFixedOrderWithTheChosenSettings() {
        KeyUri keyUri = new KeyUri("Issuer", "bob", SECRET,
                new TotpSettings(HmacAlgorithm.SHA512, 8, Duration.ofSeconds(60)));

        assertEquals("otpauth://totp/Issuer:bob?secret=JBSWY3DPEHPK3PXP&issuer=Issuer"
                + "&algorithm=SHA512&digits=8&period=60", keyUri.toUriString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA1", "SHA256", "SHA512"})
    void algorithmParameterUsesTheKeyUriName(String name) {
        HmacAlgorithm algorithm = HmacAlgorithm.valueOf(name);
        KeyUri keyUri = new KeyUri("Issuer", "bob", SECRET, new TotpSettings(algorithm, 6, Duration.ofSeconds(30)));

        assertEquals(name, query(keyUri.toUriString()).get("algorithm"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Example Corp", "Zürich Bank", "A&B Co.", "100% Secure", "日本銀行", "x+y/z"})
    void labelPrefixEqualsTheIssuerParameter(String issuer) {
        // The Key Uri Format says the label prefix and the issuer parameter should be equal.
        String uri = keyUri(issuer, "alice@example.com").toUriString();

        String label = label(uri);
        String prefix = percentDecode(label.substring(0, label.indexOf(':')));
        String account = percentDecode(label.substring(label.indexOf(':') + 1));
        String parameter = percentDecode(query(uri).get("issuer"));

        assertEquals(issuer, prefix);
        assertEquals(issuer, parameter);
        assertEquals("alice@example.com", account);
    }

    @Test
    void theUriContainsNoCharacterOutsideTheUnreservedSetApartFromItsOwnDelimiters() {
        String uri = keyUri("Zürich Bank & Co", "ä ö ü+@example.com").toUriString();

        assertTrue(uri.matches("otpauth://totp/[A-Za-z0-9._~%-]+:[A-Za-z0-9._~%-]+\\?[A-Za-z0-9._~%=&-]+"), uri);
    }

    @Test
    void toStringRedactsTheSecret() {
        KeyUri keyUri = keyUri("Example Corp", "alice@example.com");

        String text = keyUri.toString();

        assertFalse(text.contains(SECRET), text);
        assertTrue(text.contains("Example Corp"), text);
        assertTrue(text.contains("redacted"), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Example:Corp", ":Example", "Example:"})
    void rejectsAColonInTheIssuer(String issuer) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> keyUri(issuer, "alice"));

        assertEquals("issuer must not contain ':' (Key Uri Format)", error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"corp:alice", "alice:"})
    void rejectsAColonInTheAccountName(String accountName) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> keyUri("Example Corp", accountName));

        assertEquals("accountName must not contain ':' (Key Uri Format)", error.getMessage());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "\t\n"})
    void rejectsAMissingOrBlankIssuerOrAccountName(String blank) {
        IllegalArgumentException issuerError = assertThrows(IllegalArgumentException.class,
                () -> keyUri(blank, "alice"));
        IllegalArgumentException accountError = assertThrows(IllegalArgumentException.class,
                () -> keyUri("Example Corp", blank));

        assertTrue(issuerError.getMessage().startsWith("issuer"), issuerError.getMessage());
        assertTrue(accountError.getMessage().startsWith("accountName"), accountError.getMessage());
    }

    @Test
    void rejectsTextThatHasNoUtf8Form() {
        // A lone high surrogate would otherwise be silently replaced by '?'.
        assertThrows(IllegalArgumentException.class, () -> keyUri("Bank\ud83d", "alice"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "JBSWY3DPEHPK3PX=",     // padded
            "JBSWY3DPEHPK3PXP====", // padded
            "jbswy3dpehpk3pxp",     // lower case
            "JBSWY3DPEHPK3PX1",     // '1' is not in the Base32 alphabet
            "JBSWY3DP EHPK3PXP",    // space
            "JBSWY3DPEHPK3PXP\n",   // trailing newline
    })
    void rejectsASecretThatIsNotUnpaddedUpperCaseBase32WithoutEchoingIt(String secret) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new KeyUri("Example Corp", "alice", secret, TotpSettings.defaults()));

        assertTrue(error.getMessage().contains("base32Secret"), error.getMessage());
        if (secret != null && !secret.isEmpty()) {
            assertFalse(error.getMessage().contains(secret.strip()), "the message must not echo the secret");
        }
    }

    @Test
    void rejectsMissingSettings() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new KeyUri("Example Corp", "alice", SECRET, null));

        assertTrue(error.getMessage().contains("settings"), error.getMessage());
    }

    @Test
    void equalPartsMakeEqualKeyUris() {
        assertEquals(keyUri("Example Corp", "alice"), keyUri("Example Corp", "alice"));
    }
}
