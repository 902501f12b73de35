package dev.refarch.realtime.lambda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.refarch.realtime.infra.Functions;
import dev.refarch.realtime.infra.config.AppConfig;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The function jars as Lambda loads them: each alone on a class path with the JDK, nothing from
 * the build. The jars are minimized per class (lambdas/pom.xml) and the SDK in them per method
 * (lambdas/proguard.pro), so a class a library loads by name, or a method only a deployed path
 * calls, could be missing from them while every module test passes; these checks, the end-to-end
 * tests and the cold-start benchmark run the jars themselves.
 */
class FunctionJarsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final String TOKEN = "container-token-check";

    static Stream<Functions.Definition> functions() {
        return Functions.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void everyHandlerLinksFromItsJarAlone(Functions.Definition function) throws Exception {
        String className = function.handler().substring(0, function.handler().indexOf("::"));
        String methodName = function.handler().substring(function.handler().indexOf("::") + 2);
        try (URLClassLoader jar = jarAlone(function.module())) {
            Class<?> handler = Class.forName(className, false, jar);
            // Resolving the signatures loads every type they name, from this jar or the JDK only.
            Method[] methods = assertDoesNotThrow(handler::getDeclaredMethods);
            assertDoesNotThrow(handler::getDeclaredConstructors);
            assertDoesNotThrow(handler::getDeclaredFields);
            assertTrue(Stream.of(methods).anyMatch(m -> m.getName().equals(methodName)),
                    function.handler() + " has no method " + methodName);
        }
    }

    /**
     * MSK is reached over SASL_SSL with SCRAM (locally SASL_PLAINTEXT): the deployed settings, from
     * the producer's jar alone, in a JVM of its own ({@link ProducerJarCheck}).
     */
    @Test
    void producerJarBuildsBothKafkaClientsWithTheDeployedSecuritySettings() throws Exception {
        String output = runAlongsideJar(Functions.TICK_PRODUCER.module(), ProducerJarCheck.class, env -> { });
        assertTrue(output.contains("enable.metrics.push=false"), output);
    }

    /**
     * With SnapStart, Lambda gives the runtime container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI
     * and AWS_CONTAINER_AUTHORIZATION_TOKEN) instead of access key variables
     * (https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-credentials):
     * every jar resolves them from a loopback stand-in of that endpoint ({@link SnapStartCredentialsCheck}).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void everyJarResolvesSnapStartContainerCredentials(String module) throws Exception {
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endpoint.createContext("/credentials", exchange -> {
            boolean authorized = TOKEN.equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (authorized
                    ? "{\"AccessKeyId\":\"ASIACHECK\",\"SecretAccessKey\":\"secret\",\"Token\":\"session-check\","
                            + "\"Expiration\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}"
                    : "{\"message\":\"unauthorized\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        endpoint.start();
        try {
            String output = runAlongsideJar(module, SnapStartCredentialsCheck.class, env -> {
                awsOnlyFrom(env);
                env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/credentials");
                env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN);
            });
            assertTrue(output.contains("accessKeyId=ASIACHECK sessionToken=session-check"), output);
        } finally {
            endpoint.stop(0);
        }
    }

    /**
     * What each jar's SDK clients do when AWS refuses a request: modeled errors, throttling, 500s and
     * unreadable bodies from a loopback stand-in of each service, through every operation the jar
     * kept ({@link AwsErrorResponsesCheck}). The list is each function's service clients.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void everyJarsServiceClientsHandleAwsRefusals(String module) throws Exception {
        String output = runAlongsideJar(module, AwsErrorResponsesCheck.class, env -> {
            awsOnlyFrom(env);
            env.put("AWS_ACCESS_KEY_ID", "AKIACHECK");
            env.put("AWS_SECRET_ACCESS_KEY", "secret");
        });
        assertTrue(output.contains("clients " + SERVICE_CLIENTS.get(module)), output);
    }

    /**
     * SnapStart runs each handler's runtime hooks ({@code beforeCheckpoint} before the snapshot,
     * {@code afterRestore} after each restore) only in AWS, when a version is published: every handler
     * is built from its jar alone with a SnapStart init's environment and its hooks are run
     * ({@link SnapStartHooksCheck}). The producer reads its SCRAM secret at init, from a loopback
     * stand-in of Secrets Manager. The list is each handler's hooks.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void everySnapStartHookRunsFromItsJarAlone(Functions.Definition function) throws Exception {
        HttpServer secrets = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        secrets.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"ARN\":\"" + SCRAM_SECRET_ARN + "\",\"Name\":\"AmazonMSK_check\","
                    + "\"SecretString\":\"{\\\"username\\\":\\\"check\\\",\\\"password\\\":\\\"secret\\\"}\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        secrets.start();
        try {
            String handler = function.handler().substring(0, function.handler().indexOf("::"));
            String output = runAlongsideJar(function.module(), SnapStartHooksCheck.class, List.of(handler), env -> {
                awsOnlyFrom(env);
                env.put("AWS_ACCESS_KEY_ID", "AKIACHECK");
                env.put("AWS_SECRET_ACCESS_KEY", "secret");
                env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start");
                env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:" + secrets.getAddress().getPort());
                env.put("POWERTOOLS_METRICS_NAMESPACE", "JarCheck");
                env.putAll(deployedEnvironment(function));
            });
            assertTrue(output.contains("hooks " + SNAPSTART_HOOKS.get(function)), output);
        } finally {
            secrets.stop(0);
        }
    }

    private static final String SCRAM_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:000000000000:secret:AmazonMSK_check";
    private static final String GRAPHQL_URL = "http://127.0.0.1:9/graphql";

    private static final Map<Functions.Definition, List<String>> SNAPSTART_HOOKS = Map.of(
            Functions.MOVIE_ROTATOR, List.of("Priming"),
            Functions.TICK_PRODUCER, List.of("RestoreHook"),
            Functions.TOPIC_PROVISIONER, List.of(),
            Functions.TICK_CONSUMER, List.of("Priming"),
            Functions.REVIEW_BROADCASTER, List.of("Priming"),
            Functions.API_KEY_RENEWER, List.of(),
            Functions.SYSTEM_CANARY, List.of());

    /** The environment the stacks give each function ({@link Functions}), wired to nothing that answers. */
    private static Map<String, String> deployedEnvironment(Functions.Definition function) {
        AppConfig config = AppConfig.from(key -> null);
        if (function == Functions.MOVIE_ROTATOR) {
            return Functions.rotatorEnvironment("reviews", "movies", GRAPHQL_URL,
                    "arn:aws:secretsmanager:eu-west-1:000000000000:secret:tmdb", "https://posters.invalid",
                    config.mutationsPerRequest(), config.voteShards());
        } else if (function == Functions.TICK_PRODUCER) {
            return Functions.producerEnvironment("127.0.0.1:9", SCRAM_SECRET_ARN, config, 1000);
        } else if (function == Functions.TOPIC_PROVISIONER) {
            return Functions.topicProvisionerEnvironment("127.0.0.1:9", SCRAM_SECRET_ARN);
        } else if (function == Functions.TICK_CONSUMER) {
            return Functions.consumerEnvironment(GRAPHQL_URL, "http://127.0.0.1:9/000000000000/failures", config);
        } else if (function == Functions.REVIEW_BROADCASTER) {
            return Functions.broadcasterEnvironment(GRAPHQL_URL, 500, config.mutationsPerRequest(), "reviews",
                    config.voteShards(), "movies");
        } else if (function == Functions.SYSTEM_CANARY) {
            return Functions.canaryEnvironment(GRAPHQL_URL, "ws://127.0.0.1:9/graphql/realtime", "da2-check",
                    config.mutationsPerRequest());
        }
        return Map.of("API_ID", "check", "API_KEY_ID", "da2-check", "VALID_DAYS", "365");
    }

    private static final Map<String, List<String>> SERVICE_CLIENTS = Map.of(
            "movie-rotator", List.of("dynamodb", "secretsmanager"),
            "msk-producer", List.of("secretsmanager"),
            "msk-consumer", List.of("sqs"),
            // DynamoDB: the shards of a changed reaction (voteShards > 1).
            "review-broadcaster", List.of("dynamodb"),
            "api-key-renewer", List.of(),
            "system-canary", List.of());

    /** The AWS settings the checks set themselves, and no profile file or instance metadata to fall back to. */
    private static void awsOnlyFrom(Map<String, String> env) {
        env.keySet().removeIf(name -> name.startsWith("AWS_"));
        env.put("AWS_REGION", "eu-west-1");
        env.put("AWS_CONFIG_FILE", "/nonexistent");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
    }

    static Stream<String> modules() {
        return Functions.ALL.stream().map(Functions.Definition::module).distinct();
    }

    /**
     * Runs {@code check}'s main in a JVM of its own whose class path is the module's jar and the
     * check's classes only, with the environment {@code environment} leaves; it must exit 0 within a
     * minute. Returns what it printed.
     */
    private static String runAlongsideJar(String module, Class<?> check, Consumer<Map<String, String>> environment)
            throws Exception {
        return runAlongsideJar(module, check, List.of(), environment);
    }

    /** As above, with arguments to {@code check}'s main. */
    private static String runAlongsideJar(String module, Class<?> check, List<String> arguments,
                                          Consumer<Map<String, String>> environment) throws Exception {
        Path checker = Path.of(check.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", jar(module) + File.pathSeparator + checker, check.getName()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        environment.accept(builder.environment());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the check ends by itself");
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    private static Path jar(String module) {
        Path jar = ROOT.resolve("lambdas").resolve(module).resolve("target").resolve(module + ".jar");
        assertTrue(Files.isRegularFile(jar), jar + " is built by the reactor before this module");
        return jar;
    }

    private static URLClassLoader jarAlone(String module) throws Exception {
        // The platform loader: the JDK's modules, not this test's class path.
        return new URLClassLoader(new URL[] {jar(module).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }
}
