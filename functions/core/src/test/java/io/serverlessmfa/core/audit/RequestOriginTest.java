package io.serverlessmfa.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RequestOriginTest {

    @Test
    void missingOrBlankValuesAreUnknown() {
        assertEquals(new RequestOrigin("unknown", "unknown"), RequestOrigin.unknown());
        assertEquals("unknown", new RequestOrigin("  ", "\u0000\n").userAgent());
    }

    @Test
    void controlCharactersAreRemovedSoALogOrPageCannotBeForged() {
        assertEquals("Mozilla/5.0 fake", new RequestOrigin("192.0.2.1", "Mozilla/5.0\r\n fake").userAgent().replace("  ", " "));
    }

    @Test
    void valuesAreCutToABoundedLengthWithoutSplittingACharacter() {
        String userAgent = "a".repeat(RequestOrigin.MAX_USER_AGENT - 1) + "\uD83D\uDE00" + "tail";
        RequestOrigin origin = new RequestOrigin("x".repeat(500), userAgent);

        assertEquals(RequestOrigin.MAX_SOURCE_IP, origin.sourceIp().length());
        assertEquals("a".repeat(RequestOrigin.MAX_USER_AGENT - 1), origin.userAgent(), "no half surrogate pair");
    }
}
