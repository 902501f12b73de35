package dev.refarch.realtime.infra.config;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the observability stack needs from context: where alarms go, the thresholds they fire
 * at, and the API's abuse limits. Read and validated like {@link AppConfig}: every bad value is
 * reported with its key, its value and what is allowed.
 *
 * @param alarmEmail          an address subscribed to the alarm topic, or empty for none (subscribe later)
 * @param waf                 whether a WAF web ACL protects the AppSync API
 * @param wafRateLimit        API-key requests one client IP may send in any 5 minutes before WAF blocks it
 * @param consumerLagRecords  the consumer's offset lag (records behind on the topic, all partitions together)
 *                            that raises an alarm
 * @param ticksStoppedMinutes minutes without a delivered tick, while the producer publishes, that
 *                            raise an alarm
 * @param rotationsMissed     rotation periods ({@code rotationSeconds}) without a completed
 *                            rotation that raise an alarm
 * @param appSync5xxPercent   share of AppSync requests failing with 5xx over 5 minutes that raises an alarm
 * @param canary              whether the system canary runs (and its alarm exists)
 * @param canaryMinutes       minutes between two canary runs (EventBridge's rate: whole minutes, at least 1);
 *                            the alarm fires on two failed or missing runs in a row
 */
public record OperationsConfig(
        Optional<String> alarmEmail,
        boolean waf,
        int wafRateLimit,
        int consumerLagRecords,
        int ticksStoppedMinutes,
        int rotationsMissed,
        int appSync5xxPercent,
        boolean canary,
        int canaryMinutes) {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    /** Reads and validates the configuration from a context lookup (e.g. {@code node::tryGetContext}). */
    public static OperationsConfig from(Function<String, Object> context) {
        AppConfig.Reader r = new AppConfig.Reader(context);
        String email = r.matching("alarmEmail", "", EMAIL, "an e-mail address such as ops@example.com");
        OperationsConfig config = new OperationsConfig(
                email.isEmpty() ? Optional.empty() : Optional.of(email),
                r.onOff("waf", true),
                // WAF's own bounds for a rate-based rule over a 5-minute window.
                r.intIn("wafRateLimit", 1000, 10, 2_000_000_000),
                r.intIn("consumerLagRecords", 1000, 1, 1_000_000_000),
                r.intIn("ticksStoppedMinutes", 5, 2, 60),
                r.intIn("rotationsMissed", 6, 2, 1000),
                r.intIn("appSync5xxPercent", 1, 1, 100),
                r.onOff("canary", true),
                r.intIn("canaryMinutes", 5, 1, 60));
        r.throwIfInvalid();
        return config;
    }
}
