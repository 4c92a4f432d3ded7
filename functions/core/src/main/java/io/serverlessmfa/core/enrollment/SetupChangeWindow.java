package io.serverlessmfa.core.enrollment;

import java.time.Instant;
import java.util.Objects;

/**
 * One window of {@link SetupChangeLimit}: the store counts a user's setup changes in it and refuses
 * the one past {@code maxChanges} ({@link SetupChangeLimitReachedException}), in the same atomic
 * write as the change, so parallel requests cannot pass the bound either.
 */
public record SetupChangeWindow(Instant start, Instant end, int maxChanges) {

    public SetupChangeWindow {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start) || maxChanges < 1) {
            throw new IllegalArgumentException("a window ends after it starts and allows at least one change");
        }
    }
}
