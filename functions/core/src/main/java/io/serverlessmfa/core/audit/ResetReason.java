package io.serverlessmfa.core.audit;

import java.util.Objects;

/**
 * Why an operator reset a user's MFA: 1 to {@value #MAX_LENGTH} characters (contract: "Helpdesk
 * routes"), as one line of well-formed text, so it reads back the same in every trail and view.
 */
public record ResetReason(String text) {

    public static final int MAX_LENGTH = 500;

    public ResetReason {
        Objects.requireNonNull(text, "text");
        if (!isValid(text)) {
            throw new IllegalArgumentException("a reason is 1 to " + MAX_LENGTH + " characters, none of them a control character");
        }
    }

    /**
     * 1 to {@value #MAX_LENGTH} code points, not all white space; no control character, no line or
     * paragraph separator (one line everywhere), and no unpaired surrogate (not text: DynamoDB and
     * every reader of the trail need well-formed UTF-8).
     */
    public static boolean isValid(String text) {
        int length = text.codePointCount(0, text.length());
        return length >= 1 && length <= MAX_LENGTH && !text.isBlank()
                && text.codePoints().noneMatch(ResetReason::refused);
    }

    private static boolean refused(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint) || type == Character.SURROGATE || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
