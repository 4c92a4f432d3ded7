package io.serverlessmfa.functions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * Assertions in the words of the API reference (docs/api.md): status, the
 * {@code error} code, {@code Cache-Control: no-store}, {@code Retry-After}, and the error body's
 * shape. Every failure message carries the whole response.
 */
public final class ContractAssertions {

    private ContractAssertions() {
    }

    /** A success: the status, a JSON object body and {@code Cache-Control: no-store}; no 5xx. */
    public static ApiResult assertSuccess(int status, ApiResult result) {
        assertEquals(status, result.status(), result::toString);
        assertTrue(result.json().isObject(), () -> "body is a JSON object: " + result);
        assertFalse(result.json().field("error").isPresent(), () -> "a success carries no error: " + result);
        assertNoStore(result);
        return result;
    }

    /**
     * A contract error: the status, {@code {"error":"<code>","message":"<text>"}},
     * {@code Cache-Control: no-store} and no {@code Retry-After} (only 429 and 503 carry one).
     */
    public static ApiResult assertError(int status, String error, ApiResult result) {
        assertErrorShape(status, error, result);
        if (status != 429 && status != 503) {
            assertNull(result.header("Retry-After"), () -> "no Retry-After on a " + status + ": " + result);
        }
        return result;
    }

    /** {@code 429 too_many_attempts} with a {@code Retry-After} of whole seconds in [min, max]. */
    public static ApiResult assertLocked(ApiResult result, long minRetryAfter, long maxRetryAfter) {
        assertErrorShape(429, "too_many_attempts", result);
        String retryAfter = result.header("Retry-After");
        assertNotNull(retryAfter, () -> "a 429 carries Retry-After: " + result);
        assertTrue(retryAfter.matches("[0-9]+"), () -> "Retry-After is whole seconds: " + retryAfter);
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds >= minRetryAfter && seconds <= maxRetryAfter,
                () -> "Retry-After " + seconds + " not in [" + minRetryAfter + ", " + maxRetryAfter + "]: " + result);
        return result;
    }

    /** {@code 429} right after a lock started with the default 5-minute lock: Retry-After in [1, 300]. */
    public static ApiResult assertLocked(ApiResult result) {
        return assertLocked(result, 1, 300);
    }

    /** The JWT authorizer's own answer: {@code 401 {"message":"Unauthorized"}}, no {@code error}. */
    public static ApiResult assertUnauthorized(ApiResult result) {
        assertEquals(401, result.status(), result::toString);
        assertTrue(result.json().isObject(), () -> "body is a JSON object: " + result);
        assertEquals("Unauthorized", result.text("message"), result::toString);
        assertFalse(result.json().field("error").isPresent(), () -> "the 401 has message only: " + result);
        assertNoStore(result);
        return result;
    }

    public static void assertNoStore(ApiResult result) {
        assertEquals("no-store", result.header("Cache-Control"), () -> "Cache-Control: no-store on " + result);
    }

    /** A JSON number field, e.g. {@code recoveryCodesRemaining}, as a long. */
    public static long number(ApiResult result, String field) {
        JsonNode node = result.json().field(field).orElseThrow(() -> new AssertionError("no " + field + " in " + result));
        assertTrue(node.isNumber(), () -> field + " is a JSON number: " + result);
        return Long.parseLong(node.asNumber());
    }

    private static void assertErrorShape(int status, String error, ApiResult result) {
        assertEquals(status, result.status(), result::toString);
        assertTrue(result.json().isObject(), () -> "error body is a JSON object: " + result);
        assertEquals(error, result.error(), result::toString);
        String message = result.text("message");
        assertTrue(message != null && !message.isBlank(), () -> "error carries a message for a person: " + result);
        assertNoStore(result);
    }
}
