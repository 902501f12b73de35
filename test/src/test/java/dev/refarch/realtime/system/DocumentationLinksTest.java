package dev.refarch.realtime.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation's links work: every relative Markdown link of the README, the pages under
 * {@code docs/} and the other Markdown files of the repository names a file that exists, and an
 * anchor ({@code page.md#section}) names a heading of that page, by GitHub's rule for heading ids.
 * Links to the web are not followed (nothing here reaches the internet). And every page of
 * {@code docs/} is reachable from the README.
 */
class DocumentationLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** {@code [text](target)} and {@code ![alt](target)}, the target up to a space or the closing parenthesis. */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    /** Every Markdown file the project writes (not its dependencies' or build output). */
    private static List<Path> markdownFiles() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> {
                        String relative = ROOT.relativize(p).toString();
                        return !relative.contains("node_modules") && !relative.contains("/target/")
                                && !relative.startsWith("target/") && !relative.startsWith(".")
                                && !relative.contains("cdk.out");
                    })
                    .sorted().toList();
        }
    }

    /** The lines of a Markdown file outside fenced code blocks, where links are links. */
    private static List<String> prose(Path file) {
        List<String> lines = new ArrayList<>();
        boolean fenced = false;
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.stripLeading().startsWith("```")) {
                    fenced = !fenced;
                } else if (!fenced) {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    /** The ids GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
    static Set<String> anchors(Path file) {
        Set<String> ids = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(file)) {
            Matcher heading = HEADING.matcher(line);
            if (!heading.matches()) {
                continue;
            }
            String text = heading.group(1).replaceAll("`", "").replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
            String id = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(id, 1, Integer::sum);
            ids.add(n == 1 ? id : id + "-" + (n - 1));
        }
        return ids;
    }

    @Test
    void headingIdsFollowGitHubsRule() throws IOException {
        Path page = Files.createTempFile("anchors", ".md");
        try {
            Files.writeString(page, "# Deploy, verify, destroy\n## What `mvn verify` runs (all on 127.0.0.1)\n"
                    + "```\n# not a heading\n```\n## Runbook\n## Runbook\n");
            assertEquals(Set.of("deploy-verify-destroy", "what-mvn-verify-runs-all-on-127001", "runbook", "runbook-1"),
                    anchors(page));
        } finally {
            Files.delete(page);
        }
    }

    @Test
    void everyRelativeLinkNamesAFileAndEveryAnchorAHeadingOfIt() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path file : markdownFiles()) {
            for (String line : prose(file)) {
                Matcher link = LINK.matcher(line);
                while (link.find()) {
                    String target = link.group(1);
                    if (target.matches("^(https?|mailto):.*")) {
                        continue;
                    }
                    int hash = target.indexOf('#');
                    String path = hash < 0 ? target : target.substring(0, hash);
                    String anchor = hash < 0 ? null : target.substring(hash + 1);
                    Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                    String where = ROOT.relativize(file) + ": " + target;
                    if (!Files.exists(resolved)) {
                        broken.add(where + " (no such file)");
                    } else if (anchor != null && resolved.toString().endsWith(".md") && !anchors(resolved).contains(anchor)) {
                        broken.add(where + " (no such heading; it has " + anchors(resolved) + ")");
                    }
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
    }

    @Test
    void everyPageOfDocsIsLinkedFromTheReadme() throws IOException {
        Set<String> linked = new TreeSet<>();
        for (String line : prose(ROOT.resolve("README.md"))) {
            Matcher link = LINK.matcher(line);
            while (link.find()) {
                linked.add(link.group(1).replaceAll("#.*", ""));
            }
        }
        List<String> orphans;
        try (Stream<Path> pages = Files.list(ROOT.resolve("docs"))) {
            orphans = pages.filter(p -> p.toString().endsWith(".md"))
                    .map(p -> "docs/" + p.getFileName()).filter(p -> !linked.contains(p)).sorted().toList();
        }
        assertEquals(List.of(), orphans, "pages of docs/ the README does not link to");
    }
}
