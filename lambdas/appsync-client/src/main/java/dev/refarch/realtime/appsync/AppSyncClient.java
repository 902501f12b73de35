package dev.refarch.realtime.appsync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refarch.realtime.appsync.AppSyncRequestFailedException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Calls AppSync GraphQL operations signed with IAM (SigV4), for Lambdas that publish
 * mutations. Thread-safe; create one at init and reuse it, so the HTTP connection pool and
 * the signer survive across invocations (and a SnapStart snapshot).
 *
 * <p>Throttling (429), server errors (5xx) and I/O errors are retried with exponential
 * backoff and full jitter, within both {@link AppSyncClientConfig#maxAttempts()} and the
 * caller's remaining time (or the remaining time alone, with
 * {@link AppSyncClientConfig#UNTIL_DEADLINE}). Other statuses fail at once with
 * {@link AppSyncRequestFailedException}; GraphQL {@code errors} become
 * {@link GraphqlErrorsException}.
 */
public final class AppSyncClient {

    /** A remaining-time supplier for callers without a deadline: only the attempt count bounds retries. */
    public static final Supplier<Duration> NO_DEADLINE = () -> Duration.ofDays(365);

    private static final int BODY_EXCERPT_CHARS = 500;
    /** A response of the shape AppSync gives an aliased batch whose one alias failed, read by {@link #prime}. */
    private static final String PRIMING_RESPONSE = """
            {"data":{"m0":null},"errors":[{"path":["m0"],"errorType":"Priming","message":"priming"}]}""";

    private final AppSyncClientConfig config;
    private final DoubleSupplier jitter;
    private final Sleeper sleeper;
    private final AppSyncRequestSigner signer;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;

    private AppSyncClient(Builder builder) {
        this.config = Objects.requireNonNull(builder.config, "config");
        this.signer = new AppSyncRequestSigner(builder.credentials != null ? builder.credentials
                : DefaultCredentialsProvider.builder().build(), config.region(), builder.clock);
        this.jitter = builder.jitter;
        this.sleeper = builder.sleeper;
        this.http = HttpClient.newBuilder()
                // The local AppSync simulator answers Java's h2c upgrade with 405; AppSync
                // itself gains nothing from HTTP/2 for one request at a time.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .build();
    }

    /**
     * The remaining-time supplier for a Lambda invocation: what the runtime reports, minus a
     * margin kept for the handler to report results after the last attempt.
     * Use as {@code AppSyncClient.timeLeft(context::getRemainingTimeInMillis, Duration.ofSeconds(1))}.
     */
    public static Supplier<Duration> timeLeft(IntSupplier remainingMillis, Duration margin) {
        Objects.requireNonNull(remainingMillis, "remainingMillis");
        Objects.requireNonNull(margin, "margin");
        return () -> Duration.ofMillis(remainingMillis.getAsInt()).minus(margin);
    }

    /** Starts a client for this configuration. */
    public static Builder builder(AppSyncClientConfig config) {
        return new Builder(config);
    }

    /** The configuration this client was built with. */
    public AppSyncClientConfig config() {
        return config;
    }

    /**
     * Runs one GraphQL operation and returns its {@code data}.
     *
     * @param query         the operation text
     * @param variables     the variables, anything Jackson serializes to a JSON object (a Map, a record, a node)
     * @param remainingTime how much time is left for this call including retries, asked before
     *                      every attempt and backoff, e.g. the Lambda's remaining time minus a margin
     * @throws GraphqlErrorsException        when the response has {@code errors}
     * @throws AppSyncRequestFailedException when no usable response came
     */
    public JsonNode execute(String query, Object variables, Supplier<Duration> remainingTime) {
        ObjectNode body = json.createObjectNode();
        body.put("query", query);
        body.set("variables", variables == null ? json.createObjectNode() : json.valueToTree(variables));
        JsonNode response = send(bytes(body), remainingTime);
        List<GraphqlError> errors = errors(response);
        if (!errors.isEmpty()) {
            throw new GraphqlErrorsException(errors, response.get("data"));
        }
        return response.path("data");
    }

    /**
     * Sends one mutation per item, aliased into as few requests as the batch limits allow (with a limit
     * of one field per request, each alone and unaliased),
     * and reports each item's outcome. Never throws for a failed item: a GraphQL error on one
     * alias fails that item only; a request that fails as a whole fails the items it carried.
     * Items are serialized with Jackson (pass AWSDateTime values as ISO-8601 strings).
     *
     * @return one result per item, in the order of {@code items}
     */
    public <T> List<BatchItemResult<T>> mutateAll(AliasedMutation mutation, List<T> items,
            Supplier<Duration> remainingTime) {
        return mutateAll(mutation, items, java.util.Collections.nCopies(items.size(), null), remainingTime);
    }

    /**
     * As {@link #mutateAll(AliasedMutation, List, Supplier)}, each item's alias also given the
     * mutation's {@link AliasedMutation#extra} argument: {@code extras.get(i)} for item i, null
     * where it has none. Items may go in more requests than one (the batch limits); a request is
     * sent only once the previous one was answered.
     */
    public <T> List<BatchItemResult<T>> mutateAll(AliasedMutation mutation, List<T> items, List<?> extras,
            Supplier<Duration> remainingTime) {
        if (extras.size() != items.size() || !mutation.hasExtra() && extras.stream().anyMatch(Objects::nonNull)) {
            throw new IllegalArgumentException("one extra per item, and none unless " + mutation.field()
                    + " takes one");
        }
        List<JsonNode> inputs = new ArrayList<>(items.size());
        List<JsonNode> extraInputs = new ArrayList<>(items.size());
        List<Integer> sizes = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode input = json.valueToTree(items.get(i));
            JsonNode extra = extras.get(i) == null ? json.nullNode() : json.valueToTree(extras.get(i));
            inputs.add(input);
            extraInputs.add(extra);
            // The extra's variable entry too ("after3":1767623400000,); i is at least the alias's
            // index within its request, so the name's length is an upper bound.
            sizes.add(bytes(input).length + (mutation.hasExtra()
                    ? mutation.extraVariable(i).length() + "\"\":,".length() + bytes(extra).length : 0));
        }
        List<BatchItemResult<T>> results = new ArrayList<>(items.size());
        int start = 0;
        while (start < items.size()) {
            int end = start;
            long size = overheadBytes(mutation);
            while (end < items.size() && end - start < config.maxFieldsPerRequest()) {
                long itemBytes = itemBytes(mutation, end - start, sizes.get(end));
                if (end > start && size + itemBytes > config.maxRequestBytes()) {
                    break;
                }
                size += itemBytes;
                end++;
            }
            if (size > config.maxRequestBytes()) {
                results.add(new BatchItemResult<>(start, items.get(start), null,
                        new AppSyncRequestFailedException(Reason.TOO_LARGE, 0, null,
                                "item " + start + " needs about " + size + " bytes, limit "
                                        + config.maxRequestBytes(), null)));
            } else {
                results.addAll(sendBatch(mutation, items, inputs, extraInputs, start, end, remainingTime));
            }
            start = end;
        }
        return results;
    }

    /**
     * SnapStart priming, with no network call: builds the request {@link #mutateAll} would send for
     * {@code sample} with this client's mapper, signs it with a throwaway credential (the client's own
     * are not resolved before the snapshot) and reads a response of that shape, then drops them all.
     */
    public <T> void prime(AliasedMutation mutation, T sample) {
        ObjectNode body = json.createObjectNode();
        body.put("query", aliased() ? mutation.operation(1) : mutation.unaliasedOperation());
        body.putObject("variables").set(mutation.variable(0), json.valueToTree(sample));
        // A throwaway identity made here: the request is signed to run the signer, and never sent.
        String throwaway = Long.toHexString(System.nanoTime());
        new AppSyncRequestSigner(StaticCredentialsProvider.create(AwsBasicCredentials.create(throwaway, throwaway)),
                config.region(), Clock.systemUTC())
                .post(config.endpoint(), bytes(body), config.requestTimeout());
        try {
            errors(json.readTree(PRIMING_RESPONSE));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> List<BatchItemResult<T>> sendBatch(AliasedMutation mutation, List<T> items, List<JsonNode> inputs,
            List<JsonNode> extraInputs, int start, int end, Supplier<Duration> remainingTime) {
        int count = end - start;
        boolean aliased = aliased();
        ObjectNode body = json.createObjectNode();
        body.put("query", aliased ? mutation.operation(count) : mutation.unaliasedOperation());
        ObjectNode variables = body.putObject("variables");
        for (int k = 0; k < count; k++) {
            variables.set(mutation.variable(k), inputs.get(start + k));
            if (mutation.hasExtra()) {
                variables.set(mutation.extraVariable(k), extraInputs.get(start + k));
            }
        }
        List<BatchItemResult<T>> results = new ArrayList<>(count);
        JsonNode response;
        try {
            response = send(bytes(body), remainingTime);
        } catch (AppSyncRequestFailedException e) {
            for (int k = 0; k < count; k++) {
                results.add(new BatchItemResult<>(start + k, items.get(start + k), null, e));
            }
            return results;
        }
        JsonNode data = response.path("data");
        Map<String, List<GraphqlError>> errorsByAlias = new HashMap<>();
        List<GraphqlError> unattributed = new ArrayList<>();
        for (GraphqlError error : errors(response)) {
            Object head = error.path().isEmpty() ? null : error.path().get(0);
            if (head instanceof String alias && aliased && alias.matches("m\\d{1,9}")
                    && Integer.parseInt(alias.substring(1)) < count) {
                errorsByAlias.computeIfAbsent(alias, a -> new ArrayList<>()).add(error);
            } else if (head instanceof String field && !aliased && field.equals(mutation.field())) {
                // The one field's own error, reported as an aliased request's first item's would be
                // (path m0...), so callers tell an item's errors from the request's the same way.
                List<Object> path = new ArrayList<>(error.path());
                path.set(0, AliasedMutation.alias(0));
                errorsByAlias.computeIfAbsent(AliasedMutation.alias(0), a -> new ArrayList<>())
                        .add(new GraphqlError(error.errorType(), error.message(), path));
            } else {
                // Not tied to one alias (e.g. validation or authorization of the whole
                // request): nobody in this request can be reported as delivered.
                unattributed.add(error);
            }
        }
        for (int k = 0; k < count; k++) {
            String alias = AliasedMutation.alias(k);
            List<GraphqlError> own = new ArrayList<>(unattributed);
            own.addAll(errorsByAlias.getOrDefault(alias, List.of()));
            JsonNode result = data.get(aliased ? alias : mutation.field());
            results.add(own.isEmpty()
                    ? new BatchItemResult<>(start + k, items.get(start + k), result, null)
                    : new BatchItemResult<>(start + k, items.get(start + k), null,
                            new GraphqlErrorsException(own, result)));
        }
        return results;
    }

    /**
     * Whether requests carry aliased fields: unless the configuration allows one field per request, in
     * which case each mutation goes alone under its own name ({@link AliasedMutation#unaliasedOperation}).
     */
    private boolean aliased() {
        return config.maxFieldsPerRequest() > 1;
    }

    /** Bytes of the body without any item: {"query":"mutation XBatch() {}","variables":{}}. */
    private static long overheadBytes(AliasedMutation mutation) {
        return "{\"query\":\"mutation ".length() + mutation.operationName().length() + "() {}\",\"variables\":{}}"
                .length();
    }

    /** Upper bound of what one item adds: its declaration and field in the query, its variable entry. */
    private static long itemBytes(AliasedMutation mutation, int index, int inputBytes) {
        return mutation.operationBytesFor(index) + mutation.variable(index).length() + "\"\":,".length()
                + inputBytes;
    }

    /** Sends a body with retries; returns the parsed JSON of a 2xx response. */
    private JsonNode send(byte[] body, Supplier<Duration> remainingTime) {
        if (config.retriesUntilDeadline() && remainingTime == NO_DEADLINE) {
            // Attempts bounded by nothing would retry an outage forever.
            throw new IllegalArgumentException("retries until the deadline need a real deadline, not NO_DEADLINE");
        }
        int attempts = 0;
        Integer lastStatus = null;
        String lastBody = null;
        IOException lastError = null;
        while (true) {
            Duration left = remainingTime.get();
            if (left.isNegative() || left.isZero()) {
                throw new AppSyncRequestFailedException(Reason.DEADLINE_REACHED, attempts, lastStatus,
                        "no time left for an attempt" + excerpt(lastBody), lastError);
            }
            attempts++;
            try {
                HttpResponse<byte[]> response = http.send(signer.post(config.endpoint(), body, min(config.requestTimeout(), left)),
                        HttpResponse.BodyHandlers.ofByteArray());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return parse(response.body(), attempts, status);
                }
                lastStatus = status;
                lastBody = new String(response.body(), StandardCharsets.UTF_8);
                lastError = null;
                if (status != 429 && status < 500) {
                    throw new AppSyncRequestFailedException(Reason.NOT_RETRYABLE, attempts, status,
                            excerpt(lastBody).strip(), null);
                }
            } catch (IOException e) {
                lastStatus = null;
                lastBody = null;
                lastError = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AppSyncRequestFailedException(Reason.INTERRUPTED, attempts, lastStatus, null, e);
            }
            if (!config.retriesUntilDeadline() && attempts >= config.maxAttempts()) {
                throw new AppSyncRequestFailedException(Reason.ATTEMPTS_EXHAUSTED, attempts, lastStatus,
                        excerpt(lastBody).strip(), lastError);
            }
            Duration delay = backoff(attempts);
            if (delay.compareTo(remainingTime.get()) >= 0) {
                throw new AppSyncRequestFailedException(Reason.DEADLINE_REACHED, attempts, lastStatus,
                        "next backoff " + delay.toMillis() + " ms exceeds the remaining time" + excerpt(lastBody),
                        lastError);
            }
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AppSyncRequestFailedException(Reason.INTERRUPTED, attempts, lastStatus, null, e);
            }
        }
    }

    /**
     * Full jitter: a uniform delay in [0, min(maxDelay, baseDelay * 2^(attempt-1))), so
     * Lambdas throttled together do not retry in lockstep.
     */
    Duration backoff(int attemptsMade) {
        long base = config.baseDelay().toNanos();
        long cap = config.maxDelay().toNanos();
        int shift = Math.min(attemptsMade - 1, 30);
        long ceiling = base > (cap >> shift) ? cap : Math.min(cap, base << shift);
        return Duration.ofNanos((long) (ceiling * jitter.getAsDouble()));
    }

    private JsonNode parse(byte[] body, int attempts, int status) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new AppSyncRequestFailedException(Reason.NOT_RETRYABLE, attempts, status,
                    "response is not a GraphQL JSON object" + excerpt(new String(body, StandardCharsets.UTF_8)), e);
        }
    }

    private static List<GraphqlError> errors(JsonNode response) {
        JsonNode errors = response.get("errors");
        if (errors == null || !errors.isArray()) {
            return List.of();
        }
        List<GraphqlError> result = new ArrayList<>(errors.size());
        for (JsonNode error : errors) {
            List<Object> path = new ArrayList<>();
            for (JsonNode segment : error.path("path")) {
                path.add(segment.isInt() ? (Object) segment.intValue() : segment.asText());
            }
            JsonNode type = error.get("errorType");
            result.add(new GraphqlError(type == null || type.isNull() ? null : type.asText(),
                    error.path("message").asText(""), path));
        }
        return result;
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        return " " + (body.length() > BODY_EXCERPT_CHARS ? body.substring(0, BODY_EXCERPT_CHARS) + "..." : body);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Collaborators of an {@link AppSyncClient}; every one has a production default. */
    public static final class Builder {
        private final AppSyncClientConfig config;
        private AwsCredentialsProvider credentials;
        private Clock clock = Clock.systemUTC();
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
        private Sleeper sleeper = Sleeper.system();

        private Builder(AppSyncClientConfig config) {
            this.config = config;
        }

        /** Where signing credentials come from; default {@link DefaultCredentialsProvider}. */
        public Builder credentialsProvider(AwsCredentialsProvider provider) {
            this.credentials = Objects.requireNonNull(provider);
            return this;
        }

        /** The signing time source; fixed in tests to reproduce a signature. */
        public Builder clock(Clock signingClock) {
            this.clock = Objects.requireNonNull(signingClock);
            return this;
        }

        /** Uniform values in [0, 1) that scale each backoff. */
        public Builder jitter(DoubleSupplier unitRandom) {
            this.jitter = Objects.requireNonNull(unitRandom);
            return this;
        }

        /** How backoffs are waited out. */
        public Builder sleeper(Sleeper backoffSleeper) {
            this.sleeper = Objects.requireNonNull(backoffSleeper);
            return this;
        }

        /** Builds the client and its HTTP client (once; reuse the result). */
        public AppSyncClient build() {
            return new AppSyncClient(this);
        }
    }
}
