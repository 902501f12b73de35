package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda's {@code Invoke} API (2015-03-31) for the run's functions, on 127.0.0.1 behind the IAM
 * gateway, which checks {@code lambda:InvokeFunction} on the function's ARN first: {@code POST
 * /2015-03-31/functions/<name, name:qualifier or ARN>/invocations[?Qualifier=...]}, RequestResponse
 * only (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html). The answer is Lambda's: 200
 * with the function's response; 200 with {@code X-Amz-Function-Error: Unhandled} and the error
 * document for a function error or a timeout; {@code ResourceNotFoundException} (404) for a function,
 * or a qualifier, that does not exist here. A function has one execution environment here, so an
 * invocation that finds it busy (the producer emits for 50 s of each minute) waits its turn where
 * Lambda would start a second environment.
 *
 * <p>Qualifiers: the unqualified function, {@code $LATEST} and {@value #ALIAS} (the alias the stacks
 * invoke, which here is the one version there is).
 */
final class LambdaComponent extends InProcessHttpComponent {

    /** The alias every function's callers invoke on AWS ({@code JavaFunction}'s). */
    static final String ALIAS = "live";
    private static final Logger LOG = LoggerFactory.getLogger(LambdaComponent.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");
    private static final Set<String> QUALIFIERS = Set.of("$LATEST", ALIAS);

    private final Map<String, Invocable> functions = new java.util.concurrent.ConcurrentHashMap<>();

    /** Serves {@code functions}, and those {@link #serve} adds (the functions are made after the gateway, which needs this). */
    LambdaComponent(LocalSettings settings, List<? extends Invocable> functions) {
        super(settings, "lambda");
        serve(functions);
    }

    /** Adds functions to invoke, by name. */
    void serve(List<? extends Invocable> more) {
        more.forEach(f -> functions.put(f.name(), f));
    }

    /** Where the gateway forwards Lambda calls. */
    URI endpoint() {
        return URI.create(settings.loopback(port));
    }

    @Override
    public void start() throws IOException {
        listen(0, server -> server.createContext("/", this::handle));
    }

    @Override
    public String readyDetail() {
        return endpoint() + " Invoke for " + functions.keySet() + " (through the IAM gateway)";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] payload = exchange.getRequestBody().readAllBytes();
            Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!"POST".equals(exchange.getRequestMethod()) || !path.matches()) {
                error(exchange, 404, "UnknownOperationException", "Unknown operation "
                        + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
                return;
            }
            String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
            if (type != null && !type.equals("RequestResponse")) {
                error(exchange, 400, "InvalidParameterValueException", "The local run invokes RequestResponse only,"
                        + " not " + type);
                return;
            }
            Target target = Target.of(URLDecoder.decode(path.group(1), StandardCharsets.UTF_8),
                    query(exchange.getRequestURI().getRawQuery()).get("Qualifier"));
            Invocable function = functions.get(target.name());
            String arn = "arn:aws:lambda:" + LocalSettings.REGION + ":" + LocalSettings.ACCOUNT + ":function:"
                    + target.name() + (target.qualifier() == null ? "" : ":" + target.qualifier());
            if (function == null || (target.qualifier() != null && !QUALIFIERS.contains(target.qualifier()))) {
                error(exchange, 404, "ResourceNotFoundException", "Function not found: " + arn);
                return;
            }
            RuntimeApi.Result result;
            try {
                result = function.invoke(new String(payload, StandardCharsets.UTF_8));
            } catch (LocalRunException e) {
                // A timeout: Lambda answers it as the function's own unhandled error.
                result = new RuntimeApi.Result(true, JSON.createObjectNode().put("errorMessage", e.getMessage())
                        .put("errorType", "Sandbox.Timedout").toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error(exchange, 503, "ServiceException", "the local run is stopping");
                return;
            }
            LOG.info("lambda: invoked {} ({}): {}", arn, result.error() ? "function error" : "ok", result.body());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Amz-Executed-Version", "$LATEST");
            exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
            if (result.error()) {
                exchange.getResponseHeaders().add("X-Amz-Function-Error", "Unhandled");
            }
            send(exchange, 200, result.body().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * What a call names: a function name, {@code name:qualifier}, a partial ({@code account:function:name})
     * or a full ARN, each with or without a qualifier; a {@code Qualifier} parameter names it too.
     */
    record Target(String name, String qualifier) {

        static Target of(String functionName, String qualifierParameter) {
            String text = functionName;
            int marker = text.indexOf("function:");
            if (marker >= 0) {
                text = text.substring(marker + "function:".length());
            }
            int colon = text.indexOf(':');
            String name = colon < 0 ? text : text.substring(0, colon);
            String qualifier = colon < 0 ? qualifierParameter : text.substring(colon + 1);
            return new Target(name, qualifier);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    /** Lambda's error document: {@code {"Type": "User", "Message": ...}} and {@code x-amzn-ErrorType}. */
    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("Type", "User");
        body.put("Message", message);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        send(exchange, status, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
