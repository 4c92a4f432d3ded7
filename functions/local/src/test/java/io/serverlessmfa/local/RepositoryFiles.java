package io.serverlessmfa.local;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files at the top of the repository (template.yaml, events/), wherever Maven runs the tests from. */
final class RepositoryFiles {

    private RepositoryFiles() {
    }

    static Path root() {
        String configured = System.getProperty("mfa.repositoryRoot");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("template.yaml not found above " + start);
    }

    static Path template() {
        return root().resolve("template.yaml");
    }
}
