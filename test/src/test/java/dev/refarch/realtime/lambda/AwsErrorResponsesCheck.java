package dev.refarch.realtime.lambda;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * Run by {@link FunctionJarsTest} in a JVM whose class path is one function's jar and this class
 * alone: every AWS SDK service client in the jar, through every operation the jar kept (the ones
 * the function calls: lambdas/proguard.pro drops the others), against a loopback stand-in that
 * answers as the service does when it refuses a request. A modeled error must become its modeled
 * exception after one request; throttling, a 500 and a body that is not JSON, answered once, must
 * be retried and the second answer ({@code {}}) returned. The clients are built with the SDK's
 * default retry policy for the service, as the functions build them. These are paths no local run
 * takes, where a method or class the shrinking removed would surface as a {@link LinkageError};
 * then this prints it and exits 1.
 *
 * <p>Only reflection reaches the SDK: this class is compiled against the full SDK, and a direct
 * call to a method the function never makes would fail here for the wrong reason.
 */
public final class AwsErrorResponsesCheck {

    private static final Pattern CLIENT = Pattern.compile(
            "software/amazon/awssdk/services/([a-z0-9]+)/Default(\\w+)Client\\.class");

    /** What each service answers, in its JSON protocol, as a modeled error and as throttling. */
    private static final Map<String, Service> SERVICES = Map.of(
            "secretsmanager", new Service("application/x-amz-json-1.1",
                    "ResourceNotFoundException", "ResourceNotFoundException", null,
                    "ThrottlingException", null),
            "dynamodb", new Service("application/x-amz-json-1.0",
                    "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
                    "ConditionalCheckFailedException", null,
                    "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException", null),
            // SQS speaks JSON with its query protocol's error codes in a header.
            "sqs", new Service("application/x-amz-json-1.0",
                    "com.amazonaws.sqs#QueueDoesNotExist", "QueueDoesNotExistException",
                    "AWS.SimpleQueueService.NonExistentQueue;Sender",
                    "com.amazonaws.sqs#RequestThrottled", "RequestThrottled;Sender"));

    private record Service(String contentType, String modeledType, String modeledException, String modeledQueryError,
                           String throttlingType, String throttlingQueryError) {
    }

    /** The stand-in's next answer. */
    private record Answer(int status, String body, String queryError, String contentType) {
    }

    private static final String SUCCESS = "{}";

    /** What the stand-in answers {@link #refusals} more times before it answers {@link #SUCCESS}. */
    private static volatile Answer refusal;
    private static final AtomicInteger REFUSALS = new AtomicInteger();
    private static final AtomicInteger REQUESTS = new AtomicInteger();

    private AwsErrorResponsesCheck() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer standIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        standIn.createContext("/", exchange -> {
            REQUESTS.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            Answer now = REFUSALS.getAndDecrement() > 0 ? refusal
                    : new Answer(200, SUCCESS, null, refusal.contentType());
            byte[] body = now.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", now.contentType());
            exchange.getResponseHeaders().add("x-amzn-RequestId", "check-" + REQUESTS.get());
            if (now.queryError() != null) {
                exchange.getResponseHeaders().add("x-amzn-query-error", now.queryError());
            }
            exchange.sendResponseHeaders(now.status(), body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        standIn.start();
        List<String> failures = new ArrayList<>();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + standIn.getAddress().getPort());
            List<String[]> clients = clientsInJar();
            for (String[] client : clients) {
                check(client[0], client[1], endpoint, failures);
            }
            System.out.println("clients " + clients.stream().map(c -> c[0]).toList());
        } finally {
            standIn.stop(0);
        }
        if (!failures.isEmpty()) {
            failures.forEach(System.out::println);
            System.exit(1);
        }
    }

    private static void check(String service, String name, URI endpoint, List<String> failures)
            throws Exception {
        Service answers = SERVICES.get(service);
        if (answers == null) {
            failures.add(service + ": no stand-in answers for this service; add them to " + AwsErrorResponsesCheck.class);
            return;
        }
        String base = "software.amazon.awssdk.services." + service + ".";
        Class<?> clientType = Class.forName(base + name + "Client");
        Object builder = clientType.getMethod("builder").invoke(null);
        invoke(builder, "endpointOverride", URI.class, endpoint);
        Object client = invoke(builder, "build");
        List<Method> operations = operations(Class.forName(base + "Default" + name + "Client"), clientType);
        if (operations.isEmpty()) {
            failures.add(service + ": a client with no operation");
        }
        for (Method operation : operations) {
            String label = service + "." + operation.getName();
            expect(failures, label + " modeled error", client, operation, answers.modeledException(),
                    new Answer(400, error(answers.modeledType()), answers.modeledQueryError(), answers.contentType()));
            expect(failures, label + " throttled once", client, operation, null,
                    new Answer(400, error(answers.throttlingType()), answers.throttlingQueryError(),
                            answers.contentType()));
            expect(failures, label + " internal error once", client, operation, null,
                    new Answer(500, error("InternalFailure"), null, answers.contentType()));
            expect(failures, label + " body not JSON once", client, operation, null,
                    new Answer(200, "not json", null, answers.contentType()));
        }
        invoke(client, "close");
    }

    /**
     * Calls {@code operation} with an empty request while the stand-in refuses it with {@code refusal}:
     * given an {@code exception} (by simple name), the stand-in refuses every attempt and the call must
     * throw it after one request; without, the stand-in refuses once and the call must return the
     * second answer.
     */
    private static void expect(List<String> failures, String label, Object client, Method operation,
                               String exception, Answer refusal) throws Exception {
        AwsErrorResponsesCheck.refusal = refusal;
        REFUSALS.set(exception == null ? 1 : Integer.MAX_VALUE);
        REQUESTS.set(0);
        Class<?> requestType = operation.getParameterTypes()[0];
        Object request = invoke(requestType.getMethod("builder").invoke(null), "build");
        Throwable thrown = null;
        try {
            operation.invoke(client, request);
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        }
        String outcome = thrown == null ? "a response" : thrown.getClass().getSimpleName();
        boolean expected = exception == null
                ? thrown == null && REQUESTS.get() == 2
                : thrown instanceof RuntimeException && outcome.equals(exception) && REQUESTS.get() == 1;
        System.out.println(label + ": " + outcome + " after " + REQUESTS.get() + " request(s)");
        if (!expected) {
            failures.add(label + ": expected " + (exception == null ? "a response after 2 requests"
                    : exception + " after 1 request") + ", got " + outcome + " after " + REQUESTS.get());
            if (thrown != null) {
                thrown.printStackTrace(System.out);
            }
        }
    }

    /**
     * The synchronous operations the client class kept (one request argument, an SDK request type),
     * as methods of the public client interface: the class itself is not public.
     */
    private static List<Method> operations(Class<?> defaultClient, Class<?> clientType) throws NoSuchMethodException {
        List<Method> operations = new ArrayList<>();
        for (Method method : defaultClient.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
                    && !method.isSynthetic() && method.getParameterCount() == 1
                    && method.getParameterTypes()[0].getName().endsWith("Request")
                    && !method.getReturnType().getSimpleName().endsWith("Iterable")) {
                operations.add(clientType.getMethod(method.getName(), method.getParameterTypes()));
            }
        }
        operations.sort(Comparator.comparing(Method::getName));
        return operations;
    }

    /** {service, client name} for each {@code Default<Name>Client} in the jar on the class path. */
    private static List<String[]> clientsInJar() throws IOException {
        String jar = System.getProperty("java.class.path").split(File.pathSeparator)[0];
        List<String[]> clients = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar)) {
            zip.stream().forEach(entry -> {
                Matcher m = CLIENT.matcher(entry.getName());
                if (m.matches() && !m.group(2).endsWith("Async")) {
                    clients.add(new String[] {m.group(1), m.group(2)});
                }
            });
        }
        clients.sort(Comparator.comparing(c -> c[0]));
        return clients;
    }

    private static String error(String type) {
        return "{\"__type\":\"" + type + "\",\"message\":\"refused by the check's stand-in\"}";
    }

    private static Object invoke(Object target, String method, Class<?> parameter, Object argument) throws Exception {
        return find(target.getClass(), method, parameter).invoke(target, argument);
    }

    private static Object invoke(Object target, String method) throws Exception {
        return find(target.getClass(), method, null).invoke(target);
    }

    /** A public method by name and parameter, looked up on the type's public interfaces too. */
    private static Method find(Class<?> type, String name, Class<?> parameter) throws NoSuchMethodException {
        List<Class<?>> types = new ArrayList<>(List.of(type));
        for (int i = 0; i < types.size(); i++) {
            Class<?> t = types.get(i);
            if (Modifier.isPublic(t.getModifiers())) {
                try {
                    return parameter == null ? t.getMethod(name) : t.getMethod(name, parameter);
                } catch (NoSuchMethodException e) {
                    // look further up
                }
            }
            if (t.getSuperclass() != null) {
                types.add(t.getSuperclass());
            }
            types.addAll(List.of(t.getInterfaces()));
        }
        throw new NoSuchMethodException(type.getName() + "." + name);
    }
}
