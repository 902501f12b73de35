package dev.refarch.realtime.infra.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code context} of the project's {@code cdk.json}. The CDK CLI passes it to the app itself;
 * a plain {@code java} or Maven run and the tests read it here, so feature flags and defaults
 * are the same however the app is started.
 */
public final class CdkJson {

    private CdkJson() {
    }

    /** The context of the nearest {@code cdk.json} in the working directory or above it. */
    public static Map<String, Object> context() {
        return context(locate(Path.of("").toAbsolutePath()));
    }

    /** The context of the given {@code cdk.json}. */
    public static Map<String, Object> context(Path cdkJson) {
        try {
            Map<String, Object> json = new ObjectMapper().readValue(cdkJson.toFile(), new TypeReference<>() { });
            Object context = json.getOrDefault("context", Map.of());
            if (!(context instanceof Map<?, ?> map)) {
                throw new IllegalStateException(cdkJson + ": \"context\" must be an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) map;
            return typed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cdkJson, e);
        }
    }

    /** The project root: the nearest directory at or above {@code from} holding a cdk.json. */
    public static Path projectRoot(Path from) {
        return locate(from).getParent();
    }

    private static Path locate(Path from) {
        for (Path dir = from; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("cdk.json");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no cdk.json in " + from + " or any directory above it");
    }
}
