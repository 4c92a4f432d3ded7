package io.serverlessmfa.functions.handler;

import static io.serverlessmfa.functions.testing.ContractAssertions.assertError;
import static io.serverlessmfa.functions.testing.ContractAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.RawItems;
import io.serverlessmfa.functions.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A table of malformed requests per POST route. Each must answer {@code 400 invalid_request} with
 * {@code {"error","message"}} and {@code Cache-Control: no-store}, and none may count as a failed
 * code: all rows of a route go to one user in the state the route acts on (ENABLED; PENDING for
 * confirm and setup), whose raw item must stay byte-for-byte unchanged after every row, and whose
 * correct code still succeeds at the end with {@code failedAttempts} 0.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MalformedRequestIT {

    enum Endpoint {
        SETUP("POST /mfa/setup", null),
        CONFIRM("POST /mfa/confirm", "code"),
        VERIFY("POST /mfa/verify", "code"),
        RECOVER("POST /mfa/recover", "recoveryCode"),
        RECOVERY_CODES("POST /mfa/recovery-codes", "code"),
        REMOVE("POST /mfa/remove", "code");

        final String key;
        final String field;

        Endpoint(String key, String field) {
            this.key = key;
            this.field = field;
        }
    }

    /** One malformed request: a body (null = none), its Content-Type (null = none), base64 or not. */
    record Request(String body, String contentType, boolean base64) {
    }

    private static final String JSON = "application/json";

    private MutableClock clock;
    private MfaApi api;
    private MfaFixtures fixtures;
    private RawItems raw;
    private final Map<Endpoint, TestUser> users = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, String> secrets = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, String> recoveryCodes = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Map<String, AttributeValue>> before = new EnumMap<>(Endpoint.class);
    private final Map<Endpoint, Integer> rowsSent = new EnumMap<>(Endpoint.class);

    @BeforeAll
    void usersInTheirStates() {
        AwsEmulator emulator = AwsEmulator.get();
        clock = MutableClock.atStepStart();
        api = MfaApi.over(emulator, clock, Map.of());
        fixtures = new MfaFixtures(api, clock);
        raw = new RawItems(emulator);
        for (Endpoint route : Endpoint.values()) {
            TestUser user = TestUser.random();
            users.put(route, user);
            if (route == Endpoint.SETUP || route == Endpoint.CONFIRM) {
                secrets.put(route, fixtures.pending(user));
            } else {
                MfaFixtures.Enabled enabled = fixtures.enabled(user);
                secrets.put(route, enabled.secret());
                recoveryCodes.put(route, enabled.recoveryCode());
            }
        }
        // One step past the last confirmation: every enabled user's current code is fresh.
        clock.advance(Duration.ofSeconds(30));
        for (Endpoint route : Endpoint.values()) {
            before.put(route, raw.get(users.get(route).sub()));
            rowsSent.put(route, 0);
        }
    }

    /** The correct value for the route's field right now: a malformed spelling of it must still be refused. */
    private String good(Endpoint route, String field) {
        return field.equals("recoveryCode") ? recoveryCodes.get(route) : api.codeFor(secrets.get(route));
    }

    Stream<Arguments> rows() {
        List<Arguments> rows = new ArrayList<>();
        for (Endpoint route : Endpoint.values()) {
            List<Map.Entry<String, Request>> table = new ArrayList<>();
            if (route.field != null) {
                table.addAll(fieldRows(route, route.field));
            }
            if (route == Endpoint.REMOVE) {
                table.addAll(fieldRows(route, "recoveryCode"));
                String both = "{\"code\":\"" + good(route, "code") + "\",\"recoveryCode\":\"" + recoveryCodes.get(route) + "\"}";
                table.add(Map.entry("both code and recoveryCode", new Request(both, JSON, false)));
            }
            table.addAll(bodyRows(route));
            for (Map.Entry<String, Request> row : table) {
                rows.add(Arguments.of(route, row.getKey(), row.getValue()));
            }
        }
        return rows.stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("rows")
    void malformedRequestIsInvalidAndCountsForNothing(Endpoint route, String name, Request request) {
        TestUser user = users.get(route);
        APIGatewayV2HTTPEvent event = MfaApi.event(route.key, api.claimsOf(user), request.body(), request.contentType(),
                request.base64());

        rowsSent.merge(route, 1, Integer::sum);
        ApiResult result = api.invoke(route.key, event);

        assertError(400, "invalid_request", result);
        assertEquals(2, result.json().asObject().size(), () -> "exactly {error,message}: " + result);
        Map<String, AttributeValue> now = raw.get(user.sub());
        // Re-baselined, so that one offending row fails alone rather than every row after it.
        Map<String, AttributeValue> expected = before.put(route, now);
        assertEquals(expected, now, () -> name + ": the item must be byte-for-byte unchanged");
    }

    @Order(2)
    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void afterAllRowsTheUserIsNotLockedAndTheRightCodeWorks(Endpoint route) {
        TestUser user = users.get(route);
        System.out.println("malformed rows sent to " + route + ": " + rowsSent.get(route));
        assertTrue(rowsSent.get(route) >= 40, () -> "at least 40 rows for " + route + ", ran " + rowsSent.get(route));
        Map<String, AttributeValue> item = raw.get(user.sub());
        AttributeValue failed = item.get("failedAttempts");
        assertTrue(failed == null || failed.n().equals("0"), () -> route + ": failedAttempts " + failed);
        AttributeValue locked = item.get("lockedUntilMillis");
        assertTrue(locked == null || locked.n().equals("0"), () -> route + ": locked until " + locked);
        String secret = secrets.get(route);
        switch (route) {
            case SETUP, CONFIRM -> assertSuccess(200, api.confirm(user, api.codeFor(secret)));
            case VERIFY -> assertSuccess(200, api.verify(user, api.codeFor(secret)));
            case RECOVER -> assertSuccess(200, api.recover(user, recoveryCodes.get(route)));
            case RECOVERY_CODES -> assertSuccess(200, api.regenerate(user, api.codeFor(secret)));
            case REMOVE -> assertSuccess(200, api.removeWithCode(user, api.codeFor(secret)));
        }
        // Five wrong codes would have locked; one more wrong code now is the first failure.
        if (route != Endpoint.SETUP && route != Endpoint.CONFIRM && route != Endpoint.REMOVE) {
            ApiResult wrong = route == Endpoint.RECOVER ? api.recover(user, MfaFixtures.wrongRecoveryCode())
                    : api.verify(user, fixtures.wrongCode(secret));
            assertEquals(400, wrong.status(), wrong::toString);
            assertEquals("1", raw.get(user.sub()).get("failedAttempts").n(), "the count starts from zero");
        }
    }

    // ---------------------------------------------------------------- the table

    /** Malformed values of one field, built around the correct value where a spelling of it is meant. */
    private List<Map.Entry<String, Request>> fieldRows(Endpoint route, String field) {
        String good = good(route, field);
        boolean totp = field.equals("code");
        List<Map.Entry<String, String>> values = new ArrayList<>();
        // wrong types
        values.add(Map.entry("number", totp ? Long.toString(Long.parseLong(good)) : "123456"));
        values.add(Map.entry("true", "true"));
        values.add(Map.entry("false", "false"));
        values.add(Map.entry("array of the value", "[" + str(good) + "]"));
        values.add(Map.entry("empty array", "[]"));
        values.add(Map.entry("object", "{\"value\":" + str(good) + "}"));
        values.add(Map.entry("empty object", "{}"));
        values.add(Map.entry("null", "null"));
        // sizes
        values.add(Map.entry("empty string", str("")));
        values.add(Map.entry("only spaces", str("      ")));
        values.add(Map.entry("one character short", str(good.substring(0, good.length() - 1))));
        values.add(Map.entry("one character long", str(good + (totp ? "0" : "A"))));
        values.add(Map.entry("5 digits", str("12345")));
        values.add(Map.entry("7 digits", str("1234567")));
        values.add(Map.entry("100 digits", str("1".repeat(100))));
        values.add(Map.entry("10 KB string", str("7".repeat(10 * 1024))));
        // Unicode look-alikes
        values.add(Map.entry("Arabic-Indic digits", str(unicode(good, d -> shift(d, 0x0660)))));
        values.add(Map.entry("Extended Arabic-Indic digits", str(unicode(good, d -> shift(d, 0x06F0)))));
        values.add(Map.entry("fullwidth", str(totp ? shift(good, 0xFF10) : fullwidthLetters(good))));
        values.add(Map.entry("Devanagari digits", str(unicode(good, d -> shift(d, 0x0966)))));
        values.add(Map.entry("superscript digits", str(unicode(good, MalformedRequestIT::superscripts))));
        values.add(Map.entry("mathematical bold digits (surrogate pairs)", str(unicode(good, MalformedRequestIT::mathBold))));
        values.add(Map.entry("one Arabic-Indic digit among ASCII", str(shift("2", 0x0660) + good.substring(1))));
        values.add(Map.entry("Cyrillic look-alike", str("\u0410" + good.substring(1))));
        values.add(Map.entry("dotless i", str("\u0131" + good.substring(1))));
        // NUL and control characters
        values.add(Map.entry("NUL appended", str(good + "\u0000")));
        values.add(Map.entry("NUL inside", str(good.substring(0, 3) + "\u0000" + good.substring(3))));
        values.add(Map.entry("tab inside", str(good.substring(0, 3) + "\t" + good.substring(3))));
        values.add(Map.entry("newline inside", str(good.substring(0, 3) + "\n" + good.substring(3))));
        values.add(Map.entry("CRLF inside", str(good.substring(0, 3) + "\r\n" + good.substring(3))));
        values.add(Map.entry("leading tab", str("\t" + good)));
        values.add(Map.entry("trailing newline", str(good + "\n")));
        values.add(Map.entry("no-break space inside", str(good.substring(0, 3) + "\u00a0" + good.substring(3))));
        values.add(Map.entry("zero-width space inside", str(good.substring(0, 3) + "\u200b" + good.substring(3))));
        values.add(Map.entry("ideographic space inside", str(good.substring(0, 3) + "\u3000" + good.substring(3))));
        values.add(Map.entry("DEL inside", str(good.substring(0, 3) + "\u007f" + good.substring(3))));
        values.add(Map.entry("BOM before", str("\ufeff" + good)));
        values.add(Map.entry("lone surrogate", str(good + "\ud800")));
        // signs, exponents, huge numbers
        values.add(Map.entry("leading +", str("+" + good)));
        if (totp) {
            values.add(Map.entry("leading -", str("-" + good)));
            values.add(Map.entry("negative number", "-" + Long.parseLong(good)));
            values.add(Map.entry("decimal point", str(good.substring(0, 3) + "." + good.substring(3))));
            values.add(Map.entry("comma separator", str(good.substring(0, 3) + "," + good.substring(3))));
            values.add(Map.entry("dash separator", str(good.substring(0, 3) + "-" + good.substring(3))));
            values.add(Map.entry("hex", str("0x" + Long.toHexString(Long.parseLong(good)))));
        } else {
            values.add(Map.entry("alphabet outside Base32 (0, 1, 8, 9)", str("0189" + good.substring(4))));
            values.add(Map.entry("underscore separators", str(good.replace('-', '_'))));
            values.add(Map.entry("dot separators", str(good.replace('-', '.'))));
            values.add(Map.entry("padding =", str(good + "=")));
        }
        values.add(Map.entry("exponent string", str("1.23456e5")));
        values.add(Map.entry("exponent number", "1.23456e5"));
        values.add(Map.entry("number with fraction", "123456.0"));
        values.add(Map.entry("1e309", "1e309"));
        values.add(Map.entry("huge integer", "99999999999999999999"));
        values.add(Map.entry("huge integer string", str("99999999999999999999")));
        values.add(Map.entry("1000 levels of nesting", "[".repeat(1000) + "]".repeat(1000)));

        List<Map.Entry<String, Request>> rows = new ArrayList<>();
        for (Map.Entry<String, String> value : values) {
            rows.add(Map.entry(field + " " + value.getKey(),
                    new Request("{\"" + field + "\":" + value.getValue() + "}", JSON, false)));
        }
        String valid = "{\"" + field + "\":" + str(good) + "}";
        rows.add(Map.entry(field + " duplicate key (same value)",
                new Request("{\"" + field + "\":" + str(good) + ",\"" + field + "\":" + str(good) + "}", JSON, false)));
        rows.add(Map.entry(field + " with a wrongly cased key only",
                new Request("{\"" + (totp ? "Code" : "RecoveryCode") + "\":" + str(good) + "}", JSON, false)));
        rows.add(Map.entry(field + " unescaped tab in the string (invalid JSON)",
                new Request("{\"" + field + "\":\"" + good.substring(0, 3) + "\t" + good.substring(3) + "\"}", JSON, false)));
        rows.add(Map.entry(field + " overlong UTF-8 digit (C0 B0)", new Request(base64(replaceFirstWithOverlong(valid, good)), JSON, true)));
        rows.add(Map.entry(field + " UTF-16 with BOM", new Request(base64(valid.getBytes(StandardCharsets.UTF_16)), JSON, true)));
        rows.add(Map.entry(field + " UTF-16LE without BOM", new Request(base64(valid.getBytes(StandardCharsets.UTF_16LE)), JSON, true)));
        rows.add(Map.entry(field + " trailing garbage", new Request(valid + " x", JSON, false)));
        rows.add(Map.entry(field + " as text/plain", new Request(valid, "text/plain", false)));
        rows.add(Map.entry(field + " as form", new Request(field + "=" + good, "application/x-www-form-urlencoded", false)));
        rows.add(Map.entry(field + " JSON as form", new Request(valid, "application/x-www-form-urlencoded", false)));
        rows.add(Map.entry(field + " without Content-Type", new Request(valid, null, false)));
        rows.add(Map.entry(field + " as multipart", new Request(multipart(field, good), "multipart/form-data; boundary=XyZ", false)));
        rows.add(Map.entry(field + " JSON as multipart", new Request(valid, "multipart/form-data; boundary=XyZ", false)));
        rows.add(Map.entry(field + " over 4 KiB", new Request(padded(valid, 4097), JSON, false)));
        rows.add(Map.entry(field + " over 4 KiB base64", new Request(base64(padded(valid, 4097).getBytes(StandardCharsets.UTF_8)), JSON, true)));
        rows.add(Map.entry(field + " the value as a bare JSON string body", new Request(str(good), JSON, false)));
        rows.add(Map.entry(field + " wrapped in an array", new Request("[" + valid + "]", JSON, false)));
        rows.add(Map.entry(field + " single quotes", new Request("{'" + field + "':'" + good + "'}", JSON, false)));
        rows.add(Map.entry(field + " unquoted key", new Request("{" + field + ":" + str(good) + "}", JSON, false)));
        rows.add(Map.entry(field + " with a comment", new Request("/* x */" + valid, JSON, false)));
        rows.add(Map.entry(field + " trailing comma", new Request("{\"" + field + "\":" + str(good) + ",}", JSON, false)));
        rows.add(Map.entry(field + " UTF-8 BOM before the body", new Request("\ufeff" + valid, JSON, false)));
        return rows;
    }

    /** Malformed bodies independent of any field: they apply to setup too. */
    private List<Map.Entry<String, Request>> bodyRows(Endpoint route) {
        String valid = "{}";
        List<Map.Entry<String, Request>> rows = new ArrayList<>();
        for (String primitive : List.of("\"123456\"", "123456", "true", "false", "null", "[]", "[{}]", "\"\"", "0", "-1",
                "1e309", "99999999999999999999")) {
            rows.add(Map.entry("body is " + primitive, new Request(primitive, JSON, false)));
        }
        rows.add(Map.entry("body 1000 levels of arrays", new Request("[".repeat(1000) + "]".repeat(1000), JSON, false)));
        rows.add(Map.entry("body 1000 levels of objects",
                new Request("{\"a\":".repeat(1000) + "1" + "}".repeat(1000), JSON, false)));
        rows.add(Map.entry("body unbalanced 1000 levels", new Request("[".repeat(1000), JSON, false)));
        rows.add(Map.entry("body duplicate keys", new Request("{\"a\":1,\"a\":1}", JSON, false)));
        rows.add(Map.entry("body {} then garbage", new Request(valid + " x", JSON, false)));
        rows.add(Map.entry("body {} twice", new Request(valid + valid, JSON, false)));
        rows.add(Map.entry("body {} then }", new Request(valid + "}", JSON, false)));
        rows.add(Map.entry("body {} then NUL", new Request(valid + "\u0000", JSON, false)));
        rows.add(Map.entry("body NUL", new Request("\u0000", JSON, false)));
        rows.add(Map.entry("body {", new Request("{", JSON, false)));
        rows.add(Map.entry("body not json", new Request("not json", JSON, false)));
        rows.add(Map.entry("body NaN value", new Request("{\"a\":NaN}", JSON, false)));
        rows.add(Map.entry("body raw control character in a string", new Request("{\"a\":\"\u0001\"}", JSON, false)));
        rows.add(Map.entry("body lone surrogate escape pair broken", new Request("{\"a\":\"\\ud800\\u0041\\\"}", JSON, false)));
        rows.add(Map.entry("body invalid UTF-8 (FF FE)", new Request(base64(new byte[] {'{', '"', 'a', '"', ':', '"',
                (byte) 0xff, (byte) 0xfe, '"', '}'}), JSON, true)));
        rows.add(Map.entry("body overlong UTF-8 quote (C0 A2)", new Request(base64(new byte[] {'{', (byte) 0xc0, (byte) 0xa2,
                'a', '"', ':', '1', '}'}), JSON, true)));
        rows.add(Map.entry("body overlong 3-byte NUL (E0 80 80)", new Request(base64(new byte[] {'{', '"', 'a', '"', ':', '"',
                (byte) 0xe0, (byte) 0x80, (byte) 0x80, '"', '}'}), JSON, true)));
        rows.add(Map.entry("body CESU-8 surrogate (ED A0 80)", new Request(base64(new byte[] {'{', '"', 'a', '"', ':', '"',
                (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'}), JSON, true)));
        rows.add(Map.entry("body truncated multibyte (E2 82)", new Request(base64(new byte[] {'{', '"', 'a', '"', ':', '"',
                (byte) 0xe2, (byte) 0x82, '"', '}'}), JSON, true)));
        rows.add(Map.entry("body Latin-1", new Request(base64("{\"a\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1)),
                JSON, true)));
        rows.add(Map.entry("body UTF-16 BOM {}", new Request(base64(valid.getBytes(StandardCharsets.UTF_16)), JSON, true)));
        rows.add(Map.entry("body UTF-16LE BOM {}", new Request(base64(utf16leWithBom(valid)), JSON, true)));
        rows.add(Map.entry("body UTF-32", new Request(base64(valid.getBytes(java.nio.charset.Charset.forName("UTF-32"))), JSON,
                true)));
        rows.add(Map.entry("body UTF-8 BOM", new Request("\ufeff" + valid, JSON, false)));
        rows.add(Map.entry("body not base64", new Request("not base64!!", JSON, true)));
        rows.add(Map.entry("body base64 flag on plain JSON", new Request("{\"a\":1}", JSON, true)));
        rows.add(Map.entry("body {} as text/plain", new Request(valid, "text/plain", false)));
        rows.add(Map.entry("body {} as form", new Request(valid, "application/x-www-form-urlencoded", false)));
        rows.add(Map.entry("body {} without Content-Type", new Request(valid, null, false)));
        rows.add(Map.entry("body {} as multipart", new Request(valid, "multipart/form-data; boundary=XyZ", false)));
        rows.add(Map.entry("body {} as application/jsonp", new Request(valid, "application/jsonp", false)));
        rows.add(Map.entry("body {} as text/json", new Request(valid, "text/json", false)));
        rows.add(Map.entry("body {} with an empty Content-Type", new Request(valid, "", false)));
        rows.add(Map.entry("body over 4 KiB", new Request(padded(valid, 4097), JSON, false)));
        rows.add(Map.entry("body 10 KB", new Request(padded(valid, 10 * 1024), JSON, false)));
        rows.add(Map.entry("body 4000 chars over 4 KiB in UTF-8",
                new Request("{\"pad\":\"" + "\u00e9".repeat(3990) + "\"}", JSON, false)));
        if (route != Endpoint.SETUP) {
            // Setup takes no body ("none or {}"); every other route needs its field.
            rows.add(Map.entry("no body", new Request(null, JSON, false)));
            rows.add(Map.entry("no body, no Content-Type", new Request(null, null, false)));
            rows.add(Map.entry("empty body", new Request("", JSON, false)));
            rows.add(Map.entry("blank body", new Request("  \n ", JSON, false)));
            rows.add(Map.entry("empty object", new Request(valid, JSON, false)));
            rows.add(Map.entry("only other fields", new Request("{\"sub\":\"x\",\"userId\":\"y\"}", JSON, false)));
        }
        return rows;
    }

    // ---------------------------------------------------------------- helpers

    /** A JSON string literal: quotes, backslashes and controls escaped; other text left as is (UTF-8). */
    private static String str(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff && isLone(text, c))) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static boolean isLone(String text, char c) {
        // Only the deliberately lone surrogate row has a high surrogate at the end.
        return Character.isHighSurrogate(c) && text.indexOf(c) == text.length() - 1;
    }

    /** The digits of {@code good} spelled otherwise; a recovery code without digits gets one foreign digit first. */
    private static String unicode(String good, java.util.function.UnaryOperator<String> spell) {
        String spelled = spell.apply(good);
        return spelled.equals(good) ? spell.apply("2") + good.substring(1) : spelled;
    }

    private static String shift(String digits, int zero) {
        StringBuilder out = new StringBuilder();
        for (char c : digits.toCharArray()) {
            out.append(Character.isDigit(c) && c < 0x80 ? (char) (zero + (c - '0')) : c);
        }
        return out.toString();
    }

    private static String fullwidthLetters(String code) {
        StringBuilder out = new StringBuilder();
        for (char c : code.toCharArray()) {
            out.append(c >= 0x21 && c <= 0x7e ? (char) (c - 0x21 + 0xFF01) : c);
        }
        return out.toString();
    }

    private static String superscripts(String digits) {
        String sup = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079";
        StringBuilder out = new StringBuilder();
        for (char c : digits.toCharArray()) {
            out.append(c >= '0' && c <= '9' ? sup.charAt(c - '0') : c);
        }
        return out.toString();
    }

    private static String mathBold(String digits) {
        StringBuilder out = new StringBuilder();
        for (char c : digits.toCharArray()) {
            out.appendCodePoint(c >= '0' && c <= '9' ? 0x1D7CE + (c - '0') : c);
        }
        return out.toString();
    }

    /** The body's bytes with the good value's first character as an overlong two-byte sequence. */
    private static byte[] replaceFirstWithOverlong(String body, String good) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int at = body.indexOf(good);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        char c = good.charAt(0);
        out.write(0xc0 | (c >> 6));
        out.write(0x80 | (c & 0x3f));
        out.write(bytes, at + 1, bytes.length - at - 1);
        return out.toByteArray();
    }

    private static byte[] utf16leWithBom(String text) {
        byte[] le = text.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[le.length + 2];
        out[0] = (byte) 0xff;
        out[1] = (byte) 0xfe;
        System.arraycopy(le, 0, out, 2, le.length);
        return out;
    }

    private static String multipart(String field, String value) {
        return "--XyZ\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n--XyZ--\r\n";
    }

    /** {@code body} with a padding field in front, {@code bytes} long in UTF-8. */
    private static String padded(String body, int bytes) {
        String prefix = "{\"pad\":\"";
        String suffix = body.equals("{}") ? "\"}" : "\"," + body.substring(1);
        return prefix + "x".repeat(bytes - prefix.length() - suffix.getBytes(StandardCharsets.UTF_8).length) + suffix;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
