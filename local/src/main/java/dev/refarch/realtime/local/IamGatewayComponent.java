package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.refarch.realtime.local.iam.AwsRequest;
import dev.refarch.realtime.local.iam.GraphqlOperation;
import dev.refarch.realtime.local.iam.LocalIdentities;
import dev.refarch.realtime.local.iam.LocalIdentity;
import dev.refarch.realtime.local.iam.PolicyEvaluator;
import dev.refarch.realtime.local.iam.PolicyModel;
import dev.refarch.realtime.local.iam.Refusal;
import dev.refarch.realtime.local.iam.ServiceCalls;
import dev.refarch.realtime.local.iam.ServiceErrors;
import dev.refarch.realtime.local.iam.SigV4Verifier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one IAM gateway of the local run: a reverse proxy on 127.0.0.1 in front of every local AWS
 * endpoint (DynamoDB and its streams, SQS, S3, Secrets Manager, the AppSync simulator). For each
 * request it (1) checks the SigV4 signature with the signer's own secret ({@link SigV4Verifier}),
 * (2) authorizes the actions the request needs ({@link ServiceCalls}) against the policies the
 * synthesized templates give the signer's role ({@link PolicyEvaluator}), and (3) forwards it to the
 * service's stand-in by the credential scope's service, or answers the error that service answers
 * ({@link ServiceErrors}). AppSync is authorized field by field: refused top-level fields are taken
 * out of the document, resolve to null with an {@code Unauthorized} error, and the rest run.
 *
 * <p>Every refusal is one line in the runner log and kept in {@link #refusals()}; every allowing
 * statement is counted in {@link #usage()}, so a test can show a policy's statements are all
 * needed. {@link #enforce(boolean) enforce(false)} routes without checking anything, and says so.
 * Requests forwarded to AppSync carry {@value #GATEWAY_HEADER} (the run's token) and
 * {@value #PRINCIPAL_HEADER} (the caller's session ARN), for the simulator to trust.
 */
public final class IamGatewayComponent extends InProcessHttpComponent {

    /** The header with the run's token on every request forwarded to AppSync. */
    public static final String GATEWAY_HEADER = "x-refarch-iam-gateway";
    /** The log (in the run's log folder) with one line per refused call, and nothing else. */
    public static final String REFUSALS_LOG = "iam-refusals";
    /** The file (in the run's log folder) the gateway leaves at stop: calls allowed per statement id. */
    public static final String USAGE_FILE = "iam-usage.json";
    /** The header with the caller's session ARN on every IAM request forwarded to AppSync. */
    public static final String PRINCIPAL_HEADER = "x-refarch-iam-principal";

    private static final Logger LOG = LoggerFactory.getLogger(IamGatewayComponent.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEPT_REFUSALS = 500;
    /** Headers of one hop, and those java.net.http sets itself; never forwarded. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "date");

    private final LocalIdentities identities;
    private final Map<String, URI> backends;
    private final SigV4Verifier verifier;
    private volatile ServiceCalls mapping = new ServiceCalls(LocalSettings.REGION, LocalSettings.ACCOUNT);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final String runToken = UUID.randomUUID().toString();
    private final Map<String, LongAdder> usage = new ConcurrentHashMap<>();
    private final Deque<Refusal> refusals = new ArrayDeque<>();
    private volatile Rules rules;
    private volatile boolean enforce = true;
    private volatile ItemWriteCeiling ceiling = new ItemWriteCeiling(0, Map.of(), "", System::nanoTime);

    /** The policies and their evaluator, swapped together. */
    private record Rules(PolicyModel model, PolicyEvaluator evaluator) {
    }

    /** An HTTP answer to send back. */
    private record Answer(int status, Map<String, List<String>> headers, byte[] body) {

        static Answer of(ServiceErrors.Response response) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            response.headers().forEach((name, value) -> headers.put(name, List.of(value)));
            return new Answer(response.status(), headers, response.body());
        }
    }

    /**
     * @param settings   the run (its {@code iam} port, region and account)
     * @param policies   the export, bound to the run's names ({@link PolicyModel#bind})
     * @param identities who may sign, by access key
     * @param backends   each service's stand-in by credential-scope service: {@code dynamodb} (also
     *                   serves DynamoDB Streams), {@code sqs}, {@code s3}, {@code secretsmanager}, {@code appsync}
     */
    public IamGatewayComponent(LocalSettings settings, PolicyModel policies, LocalIdentities identities,
                               Map<String, URI> backends) {
        super(settings, "iam");
        this.identities = Objects.requireNonNull(identities, "identities");
        this.backends = Map.copyOf(backends);
        this.verifier = new SigV4Verifier(identities::byAccessKey, LocalSettings.REGION, Clock.systemUTC());
        usePolicies(policies);
    }

    /** Where callers send their requests (every service's {@code AWS_ENDPOINT_URL_*}). */
    public URI endpoint() {
        return URI.create(settings.loopback(port));
    }

    /** The token every request forwarded to AppSync carries in {@value #GATEWAY_HEADER}. */
    public String runToken() {
        return runToken;
    }

    /** Turns checking on or off; off, requests are routed unverified and unauthorized. */
    public void enforce(boolean on) {
        if (enforce != on) {
            LOG.warn(on ? "IAM gateway: enforcing IAM again"
                    : "IAM gateway: NOT enforcing IAM: requests are routed without checking signatures or policies");
        }
        enforce = on;
    }

    public boolean enforcing() {
        return enforce;
    }

    /**
     * Emulates DynamoDB's per-item write ceiling on every DynamoDB call that passes (after IAM, as AWS
     * checks authorization first): this is the one place every local caller's DynamoDB call goes through
     * (functions, the CLI, the simulator's data sources), whether IAM is enforced or not.
     */
    public void useWriteCeiling(ItemWriteCeiling ceiling) {
        this.ceiling = Objects.requireNonNull(ceiling, "ceiling");
        if (ceiling.enabled()) {
            LOG.info("IAM gateway: DynamoDB writes limited to {} per item per second", ceiling.writesPerSecond());
        }
    }

    /**
     * The local tables' partition keys (attribute by table name), so {@code dynamodb:LeadingKeys} is read from
     * each DynamoDB request's keys; without them a condition on it fails closed.
     */
    public void usePartitionKeys(Map<String, String> partitionKeys) {
        mapping = new ServiceCalls(LocalSettings.REGION, LocalSettings.ACCOUNT, partitionKeys);
    }

    /** The write ceiling in use (disabled unless {@link #useWriteCeiling} set one). */
    public ItemWriteCeiling writeCeiling() {
        return ceiling;
    }

    /** Decides from now on with {@code model} (a test takes a statement away with {@link PolicyModel#withoutStatement}). */
    public void usePolicies(PolicyModel model) {
        rules = new Rules(Objects.requireNonNull(model, "policies"), new PolicyEvaluator(model));
    }

    /** How many calls each statement id allowed so far, by id. */
    public Map<String, Long> usage() {
        Map<String, Long> out = new TreeMap<>();
        usage.forEach((id, count) -> out.put(id, count.sum()));
        return out;
    }

    /** The most recent refusals, oldest first (at most {@value #KEPT_REFUSALS}). */
    public List<Refusal> refusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }

    @Override
    public void start() throws IOException {
        // A thread per request: a stand-in that hangs (the outage test freezes the simulator) must not
        // starve the calls to the others, as one AWS service's outage does not block another's endpoint.
        listen(0, server -> server.createContext("/", this::handle));
        if (!enforce) {
            LOG.warn("IAM gateway on {}: NOT enforcing IAM", endpoint());
        }
    }

    @Override
    public String readyDetail() {
        return endpoint() + (enforce ? " enforcing IAM for " + identities.all().size() + " identities"
                : " NOT enforcing IAM") + ", routes " + new TreeMap<>(backends).keySet();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            AwsRequest request = new AwsRequest(exchange.getRequestMethod(), uri.getRawPath(), uri.getRawQuery(),
                    exchange.getRequestHeaders(), exchange.getRequestBody().readAllBytes());
            Answer answer;
            try {
                answer = enforce ? authorize(request) : forward(ServiceCalls.serviceOf(request), request, Map.of());
            } catch (IOException e) {
                LOG.warn("IAM gateway: cannot reach the stand-in for {} {}: {}", request.method(), request.rawPath(),
                        e.toString());
                answer = plain(502, "the local IAM gateway cannot reach the stand-in: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer = plain(503, "the local IAM gateway is stopping");
            } catch (RuntimeException e) {
                LOG.error("IAM gateway: failed on {} {}", request.method(), request.rawPath(), e);
                answer = plain(500, "the local IAM gateway failed: " + e);
            }
            send(exchange, request, answer);
        }
    }

    private Answer authorize(AwsRequest request) throws IOException, InterruptedException {
        String guessed = ServiceCalls.serviceOf(request);
        if (guessed.equals("appsync") && request.header("authorization").isEmpty()
                && request.header("x-api-key").isPresent()) {
            // API key authorization is the API's own (the simulator checks the key); IAM has no part in it.
            return forward("appsync", request, Map.of(GATEWAY_HEADER, runToken));
        }
        SigV4Verifier.Outcome outcome = verifier.verify(request);
        if (outcome instanceof SigV4Verifier.Refused refused) {
            String service = refused.service().filter(backends::containsKey).orElse(guessed);
            ServiceErrors.Response response = ServiceErrors.signature(service, request, refused);
            refuse(new Refusal(Instant.now(), service, refused.accessKeyId().orElse("anonymous"), "-",
                    request.method() + " " + request.rawPath(), response.code() + ": " + refused.problem() + ", "
                            + refused.detail()));
            return Answer.of(response);
        }
        SigV4Verifier.Verified verified = (SigV4Verifier.Verified) outcome;
        String service = verified.service();
        LocalIdentity who = verified.identity();
        AwsRequest signed = verified.request();
        if (!backends.containsKey(service)) {
            refuse(new Refusal(Instant.now(), service, who.assumedRoleArn(), "-", request.method() + " "
                    + request.rawPath(), "no local endpoint for service " + service));
            return plain(502, "the local IAM gateway has no endpoint for service " + service);
        }
        Rules current = rules;
        PolicyEvaluator decide = current.evaluator();
        ServiceCalls.Mapping calls = mapping.map(service, signed, current.model());
        if (calls.unmapped().isPresent()) {
            ServiceErrors.Response response = ServiceErrors.notMapped(service, signed, who.assumedRoleArn(),
                    calls.unmapped().get());
            refuse(new Refusal(Instant.now(), service, who.assumedRoleArn(), "?", request.method() + " "
                    + request.rawPath(), response.code() + ": not mapped: " + calls.unmapped().get()));
            return Answer.of(response);
        }
        if (service.equals("appsync")) {
            return appSync(who, signed, calls.calls(), decide);
        }
        List<PolicyEvaluator.Decision> decisions = new ArrayList<>();
        for (ServiceCalls.Call call : calls.calls()) {
            PolicyEvaluator.Decision decision = decide.evaluate(who, call);
            if (!decision.allowed()) {
                ServiceErrors.Response response = service.equals("secretsmanager") && call.label().equals("kms")
                        ? ServiceErrors.kmsAccessDenied()
                        : ServiceErrors.accessDenied(service, signed, who.assumedRoleArn(), call, decision.because());
                refuse(new Refusal(Instant.now(), service, who.assumedRoleArn(), call.action(), call.resource(),
                        response.code() + ": " + decision.because() + " (" + decision.detail() + ")"));
                return Answer.of(response);
            }
            decisions.add(decision);
        }
        decisions.forEach(this::count);
        return forward(service, signed, Map.of());
    }

    /**
     * AppSync: the allowed fields run; refused ones are taken out of the document and answered with
     * null and an {@code Unauthorized} error each, merged into the server's response.
     */
    private Answer appSync(LocalIdentity who, AwsRequest request, List<ServiceCalls.Call> calls,
                           PolicyEvaluator decide) throws IOException, InterruptedException {
        Map<String, String> trusted = Map.of(GATEWAY_HEADER, runToken, PRINCIPAL_HEADER, who.assumedRoleArn());
        ObjectNode body = (ObjectNode) JSON.readTree(request.body());
        GraphqlOperation operation = GraphqlOperation.parse(body.path("query").asText(""),
                body.path("operationName").isTextual() ? body.path("operationName").asText() : null);
        List<GraphqlOperation.TopLevelField> fields = operation.fields();
        Set<String> refused = new LinkedHashSet<>();
        List<PolicyEvaluator.Decision> allowed = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            ServiceCalls.Call call = calls.get(i);
            PolicyEvaluator.Decision decision = decide.evaluate(who, call);
            if (decision.allowed()) {
                allowed.add(decision);
            } else {
                refused.add(call.label());
                refuse(new Refusal(Instant.now(), "appsync", who.assumedRoleArn(), call.action(), call.resource(),
                        "Unauthorized (field " + fields.get(i).resultKey() + "): " + decision.because() + " ("
                                + decision.detail() + ")"));
            }
        }
        allowed.forEach(this::count);
        if (refused.isEmpty()) {
            return forward("appsync", request, trusted);
        }
        JsonNode served = null;
        Answer answer = null;
        if (refused.size() < fields.size()) {
            ObjectNode smaller = body.deepCopy();
            smaller.put("query", operation.without(refused));
            Map<String, List<String>> headers = new LinkedHashMap<>(request.headers());
            AwsRequest rewritten = request.withBody(JSON.writeValueAsBytes(smaller), headers);
            answer = forward("appsync", rewritten, trusted);
            try {
                served = JSON.readTree(answer.body());
            } catch (IOException e) {
                return answer;
            }
            if (served == null || !served.isObject()) {
                return answer;
            }
        }
        ObjectNode merged = JSON.createObjectNode();
        JsonNode servedData = served == null ? null : served.get("data");
        ObjectNode data = merged.putObject("data");
        for (GraphqlOperation.TopLevelField field : fields) {
            JsonNode value = servedData != null && servedData.isObject() && !refused.contains(field.resultKey())
                    ? servedData.get(field.resultKey()) : null;
            data.set(field.resultKey(), value == null ? JSON.nullNode() : value);
        }
        ArrayNode errors = merged.putArray("errors");
        if (served != null && served.get("errors") instanceof ArrayNode servedErrors) {
            errors.addAll(servedErrors);
        }
        for (GraphqlOperation.TopLevelField field : fields) {
            if (refused.contains(field.resultKey())) {
                errors.add(ServiceErrors.appSyncFieldError(field));
            }
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/json; charset=UTF-8"));
        return new Answer(answer == null ? 200 : answer.status(), headers, JSON.writeValueAsBytes(merged));
    }

    private Answer forward(String service, AwsRequest request, Map<String, String> extraHeaders)
            throws IOException, InterruptedException {
        URI backend = backends.get(service);
        if (backend == null) {
            return plain(502, "the local IAM gateway has no endpoint for service " + service);
        }
        if (service.equals("dynamodb") && ceiling.enabled()) {
            Optional<ItemWriteCeiling.Throttled> throttled = ceiling.admit(request.header("x-amz-target").orElse(null),
                    request.body());
            if (throttled.isPresent()) {
                Map<String, List<String>> headers = new LinkedHashMap<>();
                headers.put("Content-Type", List.of(ItemWriteCeiling.Throttled.CONTENT_TYPE));
                headers.put("x-amzn-RequestId", List.of(UUID.randomUUID().toString()));
                return new Answer(ItemWriteCeiling.Throttled.STATUS, headers, throttled.get().body());
            }
        }
        String base = backend.toString().endsWith("/") ? backend.toString().substring(0, backend.toString().length() - 1)
                : backend.toString();
        URI target = URI.create(base + request.rawPath() + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery()));
        HttpRequest.Builder forward = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(120))
                .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name) && !name.startsWith("x-refarch-iam-")) {
                values.forEach(value -> forward.header(name, value));
            }
        });
        extraHeaders.forEach(forward::header);
        HttpResponse<byte[]> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.headers().map(), response.body());
    }

    private static void send(HttpExchange exchange, AwsRequest request, Answer answer) throws IOException {
        String contentLength = null;
        for (Map.Entry<String, List<String>> header : answer.headers().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-length")) {
                contentLength = header.getValue().isEmpty() ? null : header.getValue().get(0);
            } else if (!NOT_FORWARDED.contains(name) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(header.getKey(), header.getValue());
            }
        }
        boolean noBody = request.method().equals("HEAD") || answer.status() == 204 || answer.status() == 304;
        if (noBody) {
            if (request.method().equals("HEAD") && contentLength != null) {
                // A HEAD answers the length of what a GET would send (S3's HeadObject): passed on as is.
                exchange.getResponseHeaders().set("Content-Length", contentLength);
            }
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }

    private void count(PolicyEvaluator.Decision decision) {
        decision.allowedBy().forEach(id -> usage.computeIfAbsent(id, k -> new LongAdder()).increment());
    }

    private void refuse(Refusal refusal) {
        LOG.warn(refusal.toString());
        synchronized (refusals) {
            if (refusals.size() == KEPT_REFUSALS) {
                refusals.removeFirst();
            }
            refusals.addLast(refusal);
            // One file of its own, so a test (or a developer) sees at once whether anything was refused.
            try {
                Files.writeString(settings.logs().file(REFUSALS_LOG), refusal + System.lineSeparator(),
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                LOG.warn("cannot append to {}: {}", settings.logs().file(REFUSALS_LOG), e.toString());
            }
        }
    }

    /** Writes how often each statement allowed a call ({@value #USAGE_FILE} in the log folder), then stops. */
    @Override
    public void stop() {
        try {
            Files.writeString(settings.logs().dir().resolve(USAGE_FILE),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(usage()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", USAGE_FILE, e.toString());
        }
        super.stop();
    }

    private static Answer plain(int status, String message) {
        return new Answer(status, Map.of("Content-Type", List.of("text/plain; charset=UTF-8")),
                message.getBytes(StandardCharsets.UTF_8));
    }
}
