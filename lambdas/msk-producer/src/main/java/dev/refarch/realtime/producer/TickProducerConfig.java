package dev.refarch.realtime.producer;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The producer's configuration, read once from the environment at init. Holds names and ARNs
 * only: the SCRAM credentials and the quote API key are read from Secrets Manager.
 *
 * @param bootstrapServers     {@code BOOTSTRAP_SERVERS}: the cluster's SASL/SCRAM bootstrap brokers
 * @param scramSecretArn       {@code SCRAM_SECRET_ARN}: secret {@code {"username":..,"password":..}}
 * @param topic                {@code TOPIC}
 * @param symbols              {@code SYMBOLS}: comma-separated, e.g. {@code AMZN,MSFT}
 * @param tickInterval         {@code TICK_INTERVAL_MS} (default 1000): one round, one tick per symbol
 * @param runDuration          {@code RUN_SECONDS} (default 50): how long one invocation emits, from its
 *                             schedule slot's start (the scheduled event's time)
 * @param quoteSource          {@code QUOTE_SOURCE}: {@code simulated} (default) or {@code http}
 * @param quoteSeed            {@code QUOTE_SEED}: makes the simulator deterministic
 * @param quoteApiUrl          {@code QUOTE_API_URL}: required for {@code http}
 * @param quoteApiSecretArn    {@code QUOTE_API_SECRET_ARN}: secret {@code {"apiKey":..}}, required for {@code http}
 * @param securityProtocol     {@code KAFKA_SECURITY_PROTOCOL}: {@code SASL_SSL} (default) or {@code SASL_PLAINTEXT}
 * @param secretsManagerEndpoint {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}: a local stand-in; unset on AWS
 * @param metricsNamespace     {@code POWERTOOLS_METRICS_NAMESPACE} (default {@code RealtimeRefarch})
 * @param snapStart            {@code AWS_LAMBDA_INITIALIZATION_TYPE} is {@code snap-start} (set by Lambda):
 *                             this init ends in a snapshot
 */
public record TickProducerConfig(
        String bootstrapServers,
        String scramSecretArn,
        String topic,
        List<String> symbols,
        Duration tickInterval,
        Duration runDuration,
        QuoteSourceType quoteSource,
        OptionalLong quoteSeed,
        Optional<URI> quoteApiUrl,
        Optional<String> quoteApiSecretArn,
        String securityProtocol,
        Optional<URI> secretsManagerEndpoint,
        String metricsNamespace,
        boolean snapStart) {

    /** Which {@link QuoteSource} to use. */
    public enum QuoteSourceType { SIMULATED, HTTP }

    private static final Pattern SYMBOL = Pattern.compile("[A-Z0-9.\\-]{1,12}");
    /** The Kafka security protocols allowed: SASL_SSL for MSK, SASL_PLAINTEXT for the local broker. */
    static final List<String> PROTOCOLS = List.of("SASL_SSL", "SASL_PLAINTEXT");

    public TickProducerConfig {
        symbols = List.copyOf(symbols);
    }

    /**
     * Reads and validates every variable; one exception lists every problem, naming the variable,
     * its value and what is allowed.
     */
    public static TickProducerConfig fromEnv(Map<String, String> env) {
        Reader r = new Reader(env);
        String bootstrap = r.required("BOOTSTRAP_SERVERS");
        String scramSecretArn = r.required("SCRAM_SECRET_ARN");
        String topic = r.required("TOPIC");
        List<String> symbols = r.symbols("SYMBOLS");
        Duration interval = Duration.ofMillis(r.positiveLong("TICK_INTERVAL_MS", 1000));
        Duration run = Duration.ofSeconds(r.positiveLong("RUN_SECONDS", 50));
        QuoteSourceType source = r.quoteSource("QUOTE_SOURCE");
        OptionalLong seed = r.optionalLong("QUOTE_SEED");
        Optional<URI> apiUrl = r.optionalUri("QUOTE_API_URL");
        Optional<String> apiSecret = r.optional("QUOTE_API_SECRET_ARN");
        if (source == QuoteSourceType.HTTP) {
            if (apiUrl.isEmpty()) {
                r.problem("QUOTE_API_URL is required when QUOTE_SOURCE=http");
            }
            if (apiSecret.isEmpty()) {
                r.problem("QUOTE_API_SECRET_ARN is required when QUOTE_SOURCE=http");
            }
        }
        String protocol = r.oneOf("KAFKA_SECURITY_PROTOCOL", PROTOCOLS, "SASL_SSL");
        Optional<URI> smEndpoint = r.optionalUri("AWS_ENDPOINT_URL_SECRETS_MANAGER");
        String namespace = r.optional("POWERTOOLS_METRICS_NAMESPACE").orElse("RealtimeRefarch");
        boolean snapStart = "snap-start".equals(r.optional("AWS_LAMBDA_INITIALIZATION_TYPE").orElse(""));
        r.throwIfProblems();
        return new TickProducerConfig(bootstrap, scramSecretArn, topic, symbols, interval, run, source, seed,
                apiUrl, apiSecret, protocol, smEndpoint, namespace, snapStart);
    }

    /**
     * When a run of the slot starting at {@code slotStart}, begun at {@code now}, stops emitting:
     * at the end of its slot ({@code slotStart} plus the configured run time), or earlier, so that
     * the last round, the flush and the return fit in the time Lambda has left
     * ({@code remainingTime} less {@code margin}). Not after {@code now} for a run that has no
     * time left.
     */
    public Instant runEnd(Instant slotStart, Instant now, Duration remainingTime, Duration margin) {
        Instant slotEnd = slotStart.plus(runDuration);
        Duration available = remainingTime.minus(margin);
        Instant lambdaEnd = available.isNegative() ? now : now.plus(available);
        return slotEnd.isBefore(lambdaEnd) ? slotEnd : lambdaEnd;
    }

    private static final class Reader {
        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = env;
        }

        Optional<String> optional(String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        String required(String name) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                problem(name + " is required");
            }
            return value.orElse(null);
        }

        long positiveLong(String name, long defaultValue) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                return defaultValue;
            }
            try {
                long parsed = Long.parseLong(value.get());
                if (parsed > 0) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(name + "=" + value.get() + " is not allowed: expected a positive whole number");
            return defaultValue;
        }

        OptionalLong optionalLong(String name) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                return OptionalLong.empty();
            }
            try {
                return OptionalLong.of(Long.parseLong(value.get()));
            } catch (NumberFormatException e) {
                problem(name + "=" + value.get() + " is not allowed: expected a whole number");
                return OptionalLong.empty();
            }
        }

        Optional<URI> optionalUri(String name) {
            Optional<String> value = optional(name);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            try {
                URI uri = URI.create(value.get());
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return Optional.of(uri);
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            problem(name + "=" + value.get() + " is not allowed: expected an http(s) URL");
            return Optional.empty();
        }

        String oneOf(String name, List<String> allowed, String defaultValue) {
            String value = optional(name).orElse(defaultValue);
            if (!allowed.contains(value)) {
                problem(name + "=" + value + " is not allowed: expected one of " + allowed);
            }
            return value;
        }

        QuoteSourceType quoteSource(String name) {
            String value = optional(name).orElse("simulated");
            try {
                return QuoteSourceType.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problem(name + "=" + value + " is not allowed: expected simulated or http");
                return QuoteSourceType.SIMULATED;
            }
        }

        List<String> symbols(String name) {
            String value = required(name);
            if (value == null) {
                return List.of();
            }
            LinkedHashSet<String> symbols = new LinkedHashSet<>();
            for (String part : value.split(",")) {
                String symbol = part.trim();
                if (!SYMBOL.matcher(symbol).matches()) {
                    problem(name + "=" + value + " is not allowed: each symbol must match " + SYMBOL + " (got '" + symbol + "')");
                    return List.of();
                }
                symbols.add(symbol);
            }
            return List.copyOf(symbols);
        }

        void problem(String message) {
            problems.add(message);
        }

        void throwIfProblems() {
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid producer configuration: " + String.join("; ", problems));
            }
        }
    }
}
