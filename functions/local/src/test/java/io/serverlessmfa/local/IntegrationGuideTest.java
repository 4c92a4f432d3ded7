package io.serverlessmfa.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/integration.md shows code that the tests run: each fenced block after a line
 * {@code <!-- from PATH -->} is the file at PATH (a Java file from its first import on), and after
 * {@code <!-- from PATH, "NAME" -->} the lines between the file's {@code // docs/integration.md,
 * "NAME": begin} and {@code ... end} comments, without their common indentation. The page links
 * to nothing outside the repository.
 */
class IntegrationGuideTest {

    private static final Path GUIDE = Path.of("docs/integration.md");
    private static final Pattern FROM = Pattern.compile("^<!-- from (\\S+?)(?:, \"([^\"]+)\")? -->$");
    private static final Pattern URL = Pattern.compile("https?://[^\\s)`\"'>]+");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    private static List<String> lines(Path relative) throws IOException {
        return Files.readAllLines(RepositoryFiles.root().resolve(relative), StandardCharsets.UTF_8);
    }

    /** Each marked block of the page and the source text it must equal, by marker line. */
    record Shown(String marker, String shown, String source) {
    }

    static List<Shown> shownBlocks(List<String> page) throws IOException {
        List<Shown> blocks = new ArrayList<>();
        for (int i = 0; i < page.size(); i++) {
            Matcher from = FROM.matcher(page.get(i));
            if (!from.matches()) {
                continue;
            }
            assertTrue(page.get(i + 1).startsWith("```"), "a fenced block follows " + page.get(i));
            int end = i + 2;
            while (!page.get(end).equals("```")) {
                end++;
            }
            String shown = String.join("\n", page.subList(i + 2, end));
            blocks.add(new Shown(page.get(i), shown, source(Path.of(from.group(1)), from.group(2))));
            i = end;
        }
        return blocks;
    }

    private static String source(Path file, String part) throws IOException {
        List<String> lines = lines(file);
        if (part == null) {
            int first = 0;
            if (file.toString().endsWith(".java")) {
                while (!lines.get(first).startsWith("import ")) {
                    first++;
                }
            }
            return String.join("\n", lines.subList(first, lines.size())).stripTrailing();
        }
        String begin = "// docs/integration.md, \"" + part + "\": begin";
        String end = "// docs/integration.md, \"" + part + "\": end";
        int from = -1;
        int to = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(begin)) {
                from = i + 1;
            } else if (lines.get(i).trim().equals(end)) {
                to = i;
            }
        }
        assertTrue(from > 0 && to >= from, file + " marks \"" + part + "\"");
        List<String> marked = lines.subList(from, to);
        int indent = marked.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return marked.stream().map(line -> line.isBlank() ? "" : line.substring(indent)).collect(Collectors.joining("\n"));
    }

    @Test
    void everyBlockTakenFromAFileIsThatFileAsTheTestsRunIt() throws IOException {
        List<Shown> blocks = shownBlocks(lines(GUIDE));
        assertEquals(Set.of("docs/examples/relying-party-template.yaml",
                        "functions/local/src/test/java/io/serverlessmfa/local/relyingparty/MfaTokenCheck.java",
                        "functions/local/src/test/java/io/serverlessmfa/local/IndependentRelyingPartyIT.java"),
                blocks.stream().map(block -> FROM.matcher(block.marker()).replaceAll("$1")).collect(Collectors.toSet()));
        for (Shown block : blocks) {
            assertEquals(block.source(), block.shown(), block.marker());
        }
    }

    @Test
    void aChangedSourceLineIsNoticed() throws IOException {
        List<String> page = new ArrayList<>(lines(GUIDE));
        int line = page.indexOf("public final class MfaTokenCheck {");
        assertTrue(line > 0);
        page.set(line, "public class MfaTokenCheck {");
        assertTrue(shownBlocks(page).stream().anyMatch(block -> !block.source().equals(block.shown())));
    }

    @Test
    void thePageLinksToNothingOutsideTheRepository() throws IOException {
        String page = String.join("\n", lines(GUIDE));
        Matcher url = URL.matcher(page);
        while (url.find()) {
            String address = url.group();
            if (!Character.isLetterOrDigit(address.charAt(address.indexOf("://") + 3))) {
                continue; // a pattern or a placeholder ("https://[^?#]...", "https://${PaymentsApi}..."), no address
            }
            assertTrue(address.startsWith("http://127.0.0.1") || address.startsWith("http://localhost")
                    || address.contains("<") || address.matches("https://[a-z.]*example\\.com.*"), address);
        }
        Matcher link = LINK.matcher(page);
        while (link.find()) {
            String target = link.group(1);
            assertFalse(target.contains("://"), target);
            if (!target.startsWith("#")) {
                Path file = RepositoryFiles.root().resolve("docs").resolve(target.replaceAll("#.*", "")).normalize();
                assertTrue(Files.exists(file), target);
            }
        }
    }
}
