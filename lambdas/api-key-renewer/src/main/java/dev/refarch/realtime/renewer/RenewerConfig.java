package dev.refarch.realtime.renewer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.regions.Region;

/**
 * The renewer's configuration, read once from the environment; every missing or bad value is
 * reported with its name.
 *
 * @param apiId     the AppSync API ({@code API_ID})
 * @param apiKeyId  the key to extend ({@code API_KEY_ID}); for AppSync the id is the public key itself
 * @param validDays how far ahead each renewal sets the expiry ({@code VALID_DAYS}, 2-365: AppSync's bounds
 *                  are one day to 365 days)
 * @param region    {@code AWS_REGION}
 * @param endpoint  the AppSync control plane, {@code https://appsync.<region>.amazonaws.com} unless
 *                  {@code APPSYNC_ENDPOINT} overrides it (tests)
 */
public record RenewerConfig(String apiId, String apiKeyId, int validDays, Region region, URI endpoint) {

    /** Reads {@code API_ID}, {@code API_KEY_ID}, {@code VALID_DAYS}, {@code AWS_REGION}, {@code APPSYNC_ENDPOINT}. */
    public static RenewerConfig fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String apiId = required(env, "API_ID", problems);
        String keyId = required(env, "API_KEY_ID", problems);
        String regionName = required(env, "AWS_REGION", problems);
        int days = 365;
        String rawDays = env.getOrDefault("VALID_DAYS", "365");
        try {
            days = Integer.parseInt(rawDays.trim());
        } catch (NumberFormatException e) {
            days = -1;
        }
        if (days < 2 || days > 365) {
            problems.add("VALID_DAYS: '" + rawDays + "' is not allowed; expected an integer from 2 to 365");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        String endpoint = env.get("APPSYNC_ENDPOINT");
        URI uri = URI.create(endpoint == null || endpoint.isBlank()
                ? "https://appsync." + regionName + ".amazonaws.com" : endpoint.trim());
        return new RenewerConfig(apiId, keyId, days, Region.of(regionName), uri);
    }

    private static String required(Map<String, String> env, String name, List<String> problems) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            problems.add(name + " is not set");
            return null;
        }
        return value.trim();
    }
}
