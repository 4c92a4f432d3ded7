package io.serverlessmfa.local;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
