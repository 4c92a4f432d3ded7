package io.serverlessmfa.functions.config;

/** A missing or invalid environment variable, found at init: the function refuses to start. */
public final class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }
}
