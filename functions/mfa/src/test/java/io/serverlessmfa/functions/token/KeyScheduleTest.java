package io.serverlessmfa.functions.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KeyScheduleTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SigningKey first = key(T0, T0);
    private final SigningKey second = key(T0.plus(Duration.ofDays(30)), T0.plus(Duration.ofDays(30)).plus(KeySchedule.DEFAULT_PUBLISHED_AHEAD));
    private final KeySchedule schedule = new KeySchedule(List.of(second, first));

    @Test
    void noKeySignsBeforeTheFirstExists() {
        assertEquals(Optional.empty(), new KeySchedule(List.of()).signingAt(T0));
    }

    @Test
    void theNextKeyIsPublishedAsSoonAsItIsMadeButSignsOnlyFromItsTime() {
        Instant made = second.createdAt();

        assertEquals(List.of(first, second), schedule.publishedAt(made));
        assertEquals(Optional.of(first), schedule.signingAt(made));
        assertEquals(Optional.of(first), schedule.signingAt(second.signsFrom().minusSeconds(1)));
        assertEquals(Optional.of(second), schedule.signingAt(second.signsFrom()));
    }

    @Test
    void aRetiredKeyStaysPublishedUntilEveryTokenItSignedHasExpired() {
        Instant lastSignature = second.signsFrom().minusSeconds(1);
        Instant lastExpiry = lastSignature.plus(io.serverlessmfa.core.token.MfaTokenSettings.MAX_LIFETIME);

        assertTrue(schedule.publishedAt(lastExpiry).contains(first));
        assertEquals(second.signsFrom().plus(KeySchedule.RETENTION), schedule.publishedUntil(first));
        assertEquals(List.of(second), schedule.publishedAt(schedule.publishedUntil(first)));
    }

    @Test
    void theNewestKeyIsPublishedForAsLongAsItHasNoSuccessor() {
        assertEquals(Instant.MAX, schedule.publishedUntil(second));
        assertEquals(List.of(second), schedule.publishedAt(T0.plus(Duration.ofDays(3650))));
    }

    private static SigningKey key(Instant created, Instant signsFrom) {
        ECPublicKey publicKey = (ECPublicKey) Es256.generate(RANDOM).getPublic();
        return new SigningKey(SigningKey.thumbprint(publicKey), publicKey, created, signsFrom);
    }
}
