package io.serverlessmfa.core.enrollment;

/**
 * The store refused a setup change: the user made {@link SetupChangeWindow#maxChanges()} in this
 * window already. Nothing was written.
 */
public class SetupChangeLimitReachedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SetupChangeWindow window;

    public SetupChangeLimitReachedException(SetupChangeWindow window) {
        super("setup change limit reached", null, false, false);
        this.window = window;
    }

    public SetupChangeWindow window() {
        return window;
    }
}
