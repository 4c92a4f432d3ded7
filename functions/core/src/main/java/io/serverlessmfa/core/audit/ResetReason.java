package io.serverlessmfa.core.audit;

import java.util.Objects;

/**
 * Why an operator reset a user's MFA: 1 to {@value #MAX_LENGTH} characters (contract: "Helpdesk
 * routes"), no control characters, so it reads back as one line in every trail and log view.
 */
public record ResetReason(String text) {

    public static final int MAX_LENGTH = 500;

    public ResetReason {
        Objects.requireNonNull(text, "text");
        if (!isValid(text)) {
            throw new IllegalArgumentException("a reason is 1 to " + MAX_LENGTH + " characters, none of them a control character");
        }
    }

    public static boolean isValid(String text) {
        int length = text.codePointCount(0, text.length());
        return length >= 1 && length <= MAX_LENGTH && !text.isBlank()
                && text.codePoints().noneMatch(Character::isISOControl);
    }
}
