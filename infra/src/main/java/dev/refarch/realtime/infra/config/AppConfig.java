package dev.refarch.realtime.infra.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The app's configuration, read once from CDK context ({@code cdk.json} or {@code -c key=value})
 * and validated as a whole: every bad value is reported with its key, its value and what is
 * allowed, and synth stops.
 *
 * @param appName            prefix of stack and resource names
 * @param stage              dev or prod
 * @param streaming          whether the Network and Streaming stacks (the market ticker) deploy
 * @param apiKeyExpiryDays   days until the AppSync API key expires, counted from the start of
 *                           the synth day (UTC) so templates are deterministic within a day
 * @param rotationSeconds    seconds between movie rotations: a divisor of 60, or whole minutes
 * @param natGateways        NAT gateways in the VPC
 * @param kafkaVersion       MSK Kafka version
 * @param brokerInstanceType MSK broker instance type
 * @param brokerCount        MSK brokers, a multiple of the two availability zones
 * @param topic              Kafka topic of the ticks
 * @param topicPartitions    partitions of that topic
 * @param symbols            stock symbols the producer publishes
 * @param failureRetentionDays days the failure bucket keeps the records the consumer's event
 *                           source mapping gave up on (for {@code ticks replay})
 * @param reviewBroadcastMillis least milliseconds between two review broadcasts of the review
 *                           broadcaster (0 broadcasts every stream batch at once)
 * @param tickDelivery       {@code all} (lossless) or {@code latest}: a catching-up consumer
 *                           delivers only the newest tick of each symbol of a batch
 * @param tickConflateAfterSeconds with {@code latest}, how old a batch's records must be
 *                           before it is conflated
 * @param producerReservedConcurrency whether the tick producer reserves a concurrency of 1 (off by
 *                           default: Lambda refuses a reservation that leaves the account less than
 *                           100 unreserved, so it fails to deploy in accounts with a small quota; the
 *                           producer's runs are anchored to their schedule slot, so an overlap is
 *                           harmless without it)
 * @param mutationsPerRequest aliased mutation fields each backend publisher (consumer, review
 *                           broadcaster, rotator; {@code ticks replay} has its own option) sends in
 *                           one AppSync request; 1 sends each mutation alone, without an alias
 * @param voteShards         items each reaction's count is spread over (1 to {@value #MAX_VOTE_SHARDS}), so
 *                           votes stay under DynamoDB's per-item write ceiling; 1 is the one-row-per-reaction
 *                           layout. The vote resolver picks a shard per vote, the rotator moves them all
 */
public record AppConfig(
        String appName,
        Stage stage,
        boolean streaming,
        int apiKeyExpiryDays,
        int rotationSeconds,
        int natGateways,
        String kafkaVersion,
        String brokerInstanceType,
        int brokerCount,
        String topic,
        int topicPartitions,
        List<String> symbols,
        int failureRetentionDays,
        int reviewBroadcastMillis,
        TickDelivery tickDelivery,
        int tickConflateAfterSeconds,
        boolean producerReservedConcurrency,
        int mutationsPerRequest,
        int voteShards) {

    /** Mutations per AppSync request by default: today's batching. */
    public static final int DEFAULT_MUTATIONS_PER_REQUEST = 25;
    /** The most per request: AppSync bounds the top-level fields of a request; 100 keeps well under it. */
    public static final int MAX_MUTATIONS_PER_REQUEST = 100;

    /** The most shards per reaction: five reactions of this many items stay far below any table limit. */
    public static final int MAX_VOTE_SHARDS = 1000;

    /** The availability zones the VPC spans; broker counts are multiples of it. */
    public static final int AVAILABILITY_ZONES = 2;

    private static final Pattern APP_NAME = Pattern.compile("[a-z][a-z0-9-]{1,23}");
    private static final Pattern KAFKA_VERSION = Pattern.compile("\\d+\\.\\d+\\.(\\d+|x)(\\.tiered|\\.kraft)?");
    private static final Pattern BROKER_TYPE = Pattern.compile("kafka\\.[a-z0-9]+\\.[a-z0-9]+");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern SYMBOL = Pattern.compile("[A-Z][A-Z0-9.-]{0,9}");

    public AppConfig {
        symbols = List.copyOf(symbols);
    }

    /** {@code <appName>-<stage>}: the prefix of stack names and named resources, written here only. */
    public String prefix() {
        return appName + "-" + stage.id();
    }

    /** Reads and validates the configuration from a context lookup (e.g. {@code node::tryGetContext}). */
    public static AppConfig from(Function<String, Object> context) {
        Reader r = new Reader(context);
        AppConfig config = new AppConfig(
                r.matching("appName", "realtime-refarch", APP_NAME, "2-24 of a-z, 0-9, '-' starting with a letter"),
                r.oneOf("stage", Stage.DEV, Stage.class),
                r.onOff("streaming", true),
                r.intIn("apiKeyExpiryDays", 365, 2, 365),
                r.rotationSeconds("rotationSeconds", 10),
                r.intIn("natGateways", 1, 1, AVAILABILITY_ZONES),
                r.matching("kafkaVersion", "3.9.x", KAFKA_VERSION, "an MSK version such as 3.9.x or 3.6.0"),
                r.matching("brokerInstanceType", "kafka.t3.small", BROKER_TYPE, "an MSK broker type such as kafka.t3.small or kafka.m7g.large"),
                r.brokerCount("brokerCount", 2),
                r.matching("topic", "market-ticks", TOPIC, "1-249 of a-z, A-Z, 0-9, '.', '_', '-'"),
                r.intIn("topicPartitions", 10, 1, 1000),
                r.symbols("symbols", List.of("AMZN", "AAPL", "MSFT", "GOOGL", "NVDA")),
                r.intIn("failureRetentionDays", 30, 1, 365),
                r.intIn("reviewBroadcastMillis", 500, 0, 60_000),
                r.oneOf("tickDelivery", TickDelivery.ALL, TickDelivery.class),
                r.intIn("tickConflateAfterSeconds", 30, 1, 3600),
                r.onOff("producerReservedConcurrency", false),
                r.intIn("mutationsPerRequest", DEFAULT_MUTATIONS_PER_REQUEST, 1, MAX_MUTATIONS_PER_REQUEST),
                r.intIn("voteShards", 1, 1, MAX_VOTE_SHARDS));
        r.throwIfInvalid();
        return config;
    }

    /**
     * Collects problems instead of stopping at the first, so one synth reports them all; also
     * reads {@link OperationsConfig}.
     */
    static final class Reader {
        private final Function<String, Object> context;
        private final List<String> problems = new ArrayList<>();

        Reader(Function<String, Object> context) {
            this.context = context;
        }

        String matching(String key, String fallback, Pattern pattern, String allowed) {
            Object raw = context.apply(key);
            if (raw == null) {
                return fallback;
            }
            String value = raw.toString().trim();
            if (!(raw instanceof String) || !pattern.matcher(value).matches()) {
                return invalid(key, raw, allowed, fallback);
            }
            return value;
        }

        <E extends Enum<E>> E oneOf(String key, E fallback, Class<E> type) {
            Object raw = context.apply(key);
            if (raw == null) {
                return fallback;
            }
            String allowed = Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT)).toList().toString();
            if (raw instanceof String s) {
                for (E e : type.getEnumConstants()) {
                    if (e.name().equalsIgnoreCase(s.trim())) {
                        return e;
                    }
                }
            }
            return invalid(key, raw, "one of " + allowed, fallback);
        }

        boolean onOff(String key, boolean fallback) {
            Object raw = context.apply(key);
            if (raw == null) {
                return fallback;
            }
            if (raw instanceof Boolean b) {
                return b;
            }
            String value = raw.toString().trim().toLowerCase(Locale.ROOT);
            return switch (value) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> invalid(key, raw, "on or off", fallback);
            };
        }

        int intIn(String key, int fallback, int min, int max) {
            Object raw = context.apply(key);
            if (raw == null) {
                return fallback;
            }
            String allowed = "an integer from " + min + " to " + max;
            try {
                int value = raw instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                        ? Math.toIntExact(n.longValue())
                        : Integer.parseInt(raw.toString().trim());
                return value >= min && value <= max ? value : invalid(key, raw, allowed, fallback);
            } catch (NumberFormatException | ArithmeticException e) {
                return invalid(key, raw, allowed, fallback);
            }
        }

        /** Whole rotations per minute, or whole minutes per rotation: the schedule fires each minute. */
        int rotationSeconds(String key, int fallback) {
            int seconds = intIn(key, fallback, 5, 3600);
            if (seconds < 60 ? 60 % seconds != 0 : seconds % 60 != 0) {
                return invalid(key, context.apply(key), "a divisor of 60 from 5 (5, 6, 10, 12, 15, 20, 30)"
                        + " or a multiple of 60 up to 3600", fallback);
            }
            return seconds;
        }

        int brokerCount(String key, int fallback) {
            int count = intIn(key, fallback, AVAILABILITY_ZONES, 30);
            if (count % AVAILABILITY_ZONES != 0) {
                return invalid(key, context.apply(key), "a multiple of " + AVAILABILITY_ZONES
                        + " (one broker per availability zone) from 2 to 30", fallback);
            }
            return count;
        }

        /** Accepts a JSON array of strings or a comma-separated string. */
        List<String> symbols(String key, List<String> fallback) {
            Object raw = context.apply(key);
            if (raw == null) {
                return fallback;
            }
            List<String> values = raw instanceof List<?> list
                    ? list.stream().map(String::valueOf).map(String::trim).toList()
                    : Arrays.stream(raw.toString().split(",")).map(String::trim).toList();
            boolean valid = !values.isEmpty() && values.size() <= 50
                    && values.stream().allMatch(s -> SYMBOL.matcher(s).matches())
                    && values.stream().distinct().count() == values.size();
            String allowed = "1 to 50 distinct symbols of A-Z, 0-9, '.', '-' (up to 10 characters, starting"
                    + " with a letter), as a JSON array or comma-separated";
            return valid ? values : invalid(key, raw, allowed, fallback);
        }

        private <T> T invalid(String key, Object raw, String allowed, T fallback) {
            problems.add(key + ": '" + raw + "' is not allowed; expected " + allowed);
            return fallback;
        }

        void throwIfInvalid() {
            if (!problems.isEmpty()) {
                throw new InvalidConfigException(problems);
            }
        }
    }
}
