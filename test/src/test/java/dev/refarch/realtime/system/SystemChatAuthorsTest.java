package dev.refarch.realtime.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.checks.CheckSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The page hides the chat round trips of {@code system verify} and the canary by their authors
 * ({@code SYSTEM_AUTHORS} in {@code web/src/api/operations.ts}): the names it hides are exactly the ones
 * the checks send as ({@link CheckSettings}), so renaming one side cannot put the canary's message in
 * front of the audience every few minutes.
 */
class SystemChatAuthorsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern SYSTEM_AUTHORS = Pattern.compile("SYSTEM_AUTHORS[^=]*=\\s*new Set\\(\\[([^\\]]*)\\]\\)");

    @Test
    void thePageHidesExactlyTheAuthorsTheChecksSendAs() throws Exception {
        String operations = Files.readString(ROOT.resolve("web/src/api/operations.ts"));
        Matcher set = SYSTEM_AUTHORS.matcher(operations);
        assertTrue(set.find(), "SYSTEM_AUTHORS in web/src/api/operations.ts");
        Set<String> hidden = Arrays.stream(set.group(1).split(","))
                .map(s -> s.trim().replaceAll("^'|'$", "")).filter(s -> !s.isEmpty()).collect(Collectors.toSet());

        assertEquals(Set.of(CheckSettings.VERIFY_AUTHOR, CheckSettings.CANARY_AUTHOR), hidden);
    }
}
