package io.serverlessmfa.core.audit;

/**
 * Where a request came from, as the audit trail records it: the client's IP address and user agent
 * as API Gateway saw them. Both are attacker-controlled text (the user agent entirely), so they are
 * cut to a bounded length and stripped of control characters before they are stored or shown.
 *
 * @param sourceIp  the client address, or "unknown"
 * @param userAgent the User-Agent header, or "unknown"
 */
public record RequestOrigin(String sourceIp, String userAgent) {

    static final int MAX_SOURCE_IP = 64;
    static final int MAX_USER_AGENT = 256;
    private static final String UNKNOWN = "unknown";

    public RequestOrigin {
        sourceIp = clean(sourceIp, MAX_SOURCE_IP);
        userAgent = clean(userAgent, MAX_USER_AGENT);
    }

    /** A request whose origin is not known (e.g. a scheduled job). */
    public static RequestOrigin unknown() {
        return new RequestOrigin(null, null);
    }

    private static String clean(String value, int maxLength) {
        if (value == null) {
            return UNKNOWN;
        }
        StringBuilder cleaned = new StringBuilder(Math.min(value.length(), maxLength));
        for (int i = 0; i < value.length(); ) {
            int codePoint = value.codePointAt(i);
            i += Character.charCount(codePoint);
            if (Character.isISOControl(codePoint)) {
                continue;
            }
            if (cleaned.length() + Character.charCount(codePoint) > maxLength) {
                break; // cut here: never half a surrogate pair, never a later character after the cut
            }
            cleaned.appendCodePoint(codePoint);
        }
        String result = cleaned.toString().strip();
        return result.isEmpty() ? UNKNOWN : result;
    }
}
