package dev.refarch.realtime.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.graphql.ApiDefinition;
import dev.refarch.realtime.graphql.testing.AppSyncSchema;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the checks send fits the deployed API: its schema, and the tick and chat resolvers' rules. */
class VerifierOperationsTest {

    @Test
    void everyOperationTheChecksSendFitsTheSchema() throws IllegalAccessException {
        List<Field> operations = Arrays.stream(VerifierOperations.class.getFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .toList();
        assertEquals(9, operations.size(), operations.toString());
        for (Field field : operations) {
            AppSyncSchema.assertValid((String) field.get(null));
        }
    }

    @Test
    void theCanarySymbolsAreOnesThePublishTickResolverAccepts() {
        String template = resolver("publishTick").requestTemplate();
        Matcher rule = Pattern.compile("\\$tick\\.symbol\\.matches\\('\\^(.+?)\\$'\\)").matcher(template);
        assertTrue(rule.find(), "the resolver's symbol rule moved: " + template);
        assertEquals(rule.group(1), CheckSettings.SYMBOL.pattern(), "CheckSettings checks the resolver's own rule");
        for (String symbol : List.of(CheckSettings.VERIFY_SYMBOL, CheckSettings.CANARY_SYMBOL)) {
            assertTrue(symbol.matches(rule.group(1)), symbol);
        }
    }

    @Test
    void theVerifiersAuthorIsOneTheChatResolverAccepts() {
        String template = resolver("sendMessage").requestTemplate();
        assertTrue(template.contains("#set($maxAuthor = 32)"), "the chat resolver's author limit moved");
        assertTrue(CheckSettings.VERIFY_AUTHOR.length() <= 32);
    }

    @Test
    void settingsRefuseWhatTheResolversWouldRefuse() {
        CheckSettings defaults = CheckSettings.of(Duration.ofSeconds(10), Duration.ofMillis(500));
        assertThrows(IllegalArgumentException.class, () -> defaults.withIdentity("zzverify", "system-verify"));
        assertThrows(IllegalArgumentException.class, () -> defaults.withIdentity("ZZVERIFY", "bell\u0007"));
        assertThrows(IllegalArgumentException.class, () -> defaults.withIdentity("ZZVERIFY", "x".repeat(33)));
    }

    @Test
    void aNewMovieMayTakeTwoRotationsAndHalfOneAtMostFiveSeconds() {
        assertEquals(Duration.ofSeconds(25), CheckSettings.of(Duration.ofSeconds(10), Duration.ZERO).rotationDeadline());
        assertEquals(Duration.ofSeconds(125), CheckSettings.of(Duration.ofSeconds(60), Duration.ZERO).rotationDeadline());
        assertEquals(Duration.ofMillis(2500), CheckSettings.of(Duration.ofSeconds(1), Duration.ZERO).rotationDeadline());
        assertEquals(Duration.ofMillis(3500), CheckSettings.of(Duration.ofSeconds(10), Duration.ofMillis(500))
                .reviewDeadline());
    }

    private static ApiDefinition.Resolver resolver(String field) {
        return ApiDefinition.load().resolvers().stream().filter(r -> r.field().equals(field)).findFirst().orElseThrow();
    }
}
