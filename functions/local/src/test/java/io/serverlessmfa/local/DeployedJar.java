package io.serverlessmfa.local;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;

/**
 * The jar Lambda runs, as the functions' own class loader: nothing of the test class path, only
 * the deployed jar over the JDK's platform classes (as Lambda's runtime loads /var/task/lib).
 */
final class DeployedJar {

    private static ClassLoader loader;

    private DeployedJar() {
    }

    static Path path() {
        return RepositoryFiles.root().resolve("functions/mfa/target/mfa-functions-lambda.jar");
    }

    static synchronized ClassLoader loader() throws MalformedURLException {
        if (loader == null) {
            Path jar = path();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is built by the mfa module's package phase");
            }
            loader = new URLClassLoader("deployed-jar", new URL[] {jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
        }
        return loader;
    }

    /**
     * A function of the deployed jar (its class named as in template.yaml), built as its own
     * constructor builds it but for the clock: the configuration read from {@code environment},
     * its own SDK clients.
     */
    static Object function(String handlerClass, Clock clock, Map<String, String> environment) throws Exception {
        ClassLoader deployed = loader();
        Class<?> configuration = deployed.loadClass("io.serverlessmfa.functions.config.MfaConfiguration");
        Class<?> wiring = deployed.loadClass("io.serverlessmfa.functions.config.Wiring");
        Object wired = wiring.getConstructor(configuration, Clock.class, SecureRandom.class).newInstance(
                configuration.getMethod("fromEnvironment", Map.class).invoke(null, environment), clock, new SecureRandom());
        return deployed.loadClass(handlerClass).getConstructor(wiring).newInstance(wired);
    }

    /** The Lambda runtime's {@code Context} interface, as the deployed jar has it. */
    static Class<?> context() throws Exception {
        return loader().loadClass("com.amazonaws.services.lambda.runtime.Context");
    }
}
