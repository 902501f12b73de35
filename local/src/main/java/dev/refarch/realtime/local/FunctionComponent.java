package dev.refarch.realtime.local;

import dev.refarch.realtime.infra.Functions;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * One function as Lambda runs it: its shaded jar in its own JVM (Lambda's JVM options) under AWS's
 * runtime interface client, against a {@link RuntimeApi} served here, with the environment the
 * CDK stack sets plus {@code AWS_ENDPOINT_URL_*} overrides and the run's dummy credentials.
 * Invocations run one at a time; one that outlives the function's timeout fails and the
 * execution environment is replaced, as Lambda does. Where Lambda would run invocations of one function
 * at once (the batches of several stream shards), each runs in an environment of its own:
 * {@link #environment(int)} is another JVM of the same function.
 */
final class FunctionComponent implements Component, Invocable {

    private static final List<String> LAMBDA_JVM_OPTIONS = List.of(
            "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
            "-Xmx256m");
    private static final String RUNTIME_CLIENT = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final long INIT_TIMEOUT_SECONDS = 120;
    /** How many function timeouts an invocation may wait behind others before it is given up. */
    private static final int QUEUED_TIMEOUTS = 3;
    /** Where the runtime interface client loads its JNI library from, when set. */
    private static final String NATIVE_CLIENT_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
    private static Path nativeClient;

    private final LocalSettings settings;
    /** The component's name and its log's: the function's, or {@code <function>-<n>} for its n-th environment. */
    private final String name;
    /** The function's name, in its ARN and {@code AWS_LAMBDA_FUNCTION_NAME}, the same in every environment. */
    private final String functionName;
    private final String module;
    private final String handler;
    private final long timeoutMillis;
    private final Map<String, String> environment;
    private RuntimeApi api;
    private ChildProcess process;
    private volatile long initMillis;

    /** The function {@code definition} as the stacks deploy it, under {@code name}. */
    FunctionComponent(LocalSettings settings, String name, Functions.Definition definition,
                      Map<String, String> environment) {
        this(settings, name, definition.module(), definition.handler(), definition.timeoutSeconds(), environment);
    }

    /**
     * @param name        function name (and log file)
     * @param module      the lambdas/ module whose shaded jar runs
     * @param handler     {@code class::method}, as in the stack
     * @param timeoutSeconds the function's timeout, as in the stack
     * @param environment the stack's variables plus local endpoint overrides
     */
    FunctionComponent(LocalSettings settings, String name, String module, String handler, int timeoutSeconds,
                      Map<String, String> environment) {
        this(settings, name, name, module, handler, timeoutSeconds, environment);
    }

    private FunctionComponent(LocalSettings settings, String name, String functionName, String module, String handler,
                              int timeoutSeconds, Map<String, String> environment) {
        this.settings = settings;
        this.name = name;
        this.functionName = functionName;
        this.module = module;
        this.handler = handler;
        this.timeoutMillis = timeoutSeconds * 1000L;
        this.environment = environment;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String functionArn() {
        return "arn:aws:lambda:" + LocalSettings.REGION + ":" + LocalSettings.ACCOUNT + ":function:" + functionName;
    }

    /**
     * The function's {@code n}-th execution environment (n from 2): the same function (name, ARN, jar, handler,
     * timeout, environment and so role) in a JVM of its own, named and logged {@code <function>-<n>}.
     */
    FunctionComponent environment(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("environment " + n + ": this component is the first");
        }
        return new FunctionComponent(settings, functionName + "-" + n, functionName, module, handler,
                (int) (timeoutMillis / 1000), environment);
    }

    @Override
    public synchronized void start() throws Exception {
        api = new RuntimeApi(functionArn());
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.java());
        command.addAll(LAMBDA_JVM_OPTIONS);
        command.add("-D" + NATIVE_CLIENT_PROPERTY + "=" + nativeClient());
        command.add("-cp");
        command.add(settings.functionJar(module) + File.pathSeparator + runtimeClientClasspath());
        command.add(RUNTIME_CLIENT);
        command.add(handler);
        long begin = System.nanoTime();
        process = ChildProcess.start(name, command, settings.root(), lambdaEnvironment(), log());
        CompletableFuture<Void> init = api.initDone();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(INIT_TIMEOUT_SECONDS);
        while (!init.isDone()) {
            failure().ifPresent(f -> {
                throw new LocalRunException(f);
            });
            if (System.nanoTime() > deadline) {
                throw new LocalRunException(name + " did not finish init within " + INIT_TIMEOUT_SECONDS + " s");
            }
            try {
                init.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // keep waiting
            }
        }
        initMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
    }

    private Map<String, String> lambdaEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_LAMBDA_FUNCTION_NAME", functionName);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + functionName);
        // One log stream per execution environment, as in CloudWatch Logs.
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", name.equals(functionName) ? "local"
                : "local-" + name.substring(functionName.length() + 1));
        env.put("AWS_LAMBDA_RUNTIME_API", api.address());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_REGION", LocalSettings.REGION);
        env.put("AWS_DEFAULT_REGION", LocalSettings.REGION);
        env.put("AWS_ACCESS_KEY_ID", LocalSettings.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", LocalSettings.SECRET_ACCESS_KEY);
        env.put("AWS_SESSION_TOKEN", "local-session-token");
        // Nothing reaches real AWS: no metadata lookups, EMF metrics written to the log.
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("AWS_EMF_ENVIRONMENT", "Local");
        env.putAll(Functions.powertoolsEnvironment(settings.prefix(), module));
        env.putAll(environment);
        return env;
    }

    /**
     * The runtime interface client's JNI library, unpacked once per run. Without the property each
     * client JVM unpacks it to the one fixed path /tmp/.libaws-lambda-jni.so, replacing the file
     * another JVM starting at the same moment is mapping: that JVM dies with SIGBUS.
     */
    private static synchronized Path nativeClient() throws java.io.IOException {
        if (nativeClient == null) {
            String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
            String library = "jni/libaws-lambda-jni.linux-" + arch + ".so";
            Path dir = java.nio.file.Files.createTempDirectory("local-run-jni-");
            dir.toFile().deleteOnExit();
            Path target = dir.resolve("libaws-lambda-jni.so");
            String jar = ChildProcess.classpath().stream()
                    .filter(e -> e.matches(".*aws-lambda-java-runtime-interface-client-[^/]*\\.jar")).findFirst()
                    .orElseThrow(() -> new LocalRunException("the runtime interface client jar is not on the classpath"));
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar)) {
                java.util.zip.ZipEntry entry = zip.getEntry(library);
                if (entry == null) {
                    throw new LocalRunException(jar + " has no " + library);
                }
                try (java.io.InputStream in = zip.getInputStream(entry)) {
                    java.nio.file.Files.copy(in, target);
                }
            }
            target.toFile().deleteOnExit();
            nativeClient = target;
        }
        return nativeClient;
    }

    /** The runtime interface client's jars, from this runner's own classpath. */
    private static String runtimeClientClasspath() {
        return ChildProcess.classpath().stream()
                .filter(e -> e.matches(".*aws-lambda-java-(runtime-interface-client|core|serialization)-[^/]*\\.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Invokes the function synchronously (RequestResponse) and returns its result; a function
     * error is a result with {@code error} set. Throws if the invocation timed out or the
     * function stopped. The timeout counts from when the function takes the invocation: one that
     * waits behind another (a Lambda Invoke while the scheduled run emits) is not timed out for the
     * wait, which is bounded by the invocations ahead of it, each by its own timeout.
     */
    @Override
    public RuntimeApi.Result invoke(String event) throws InterruptedException {
        RuntimeApi current;
        synchronized (this) {
            current = api;
        }
        RuntimeApi.Invocation invocation = current.enqueue(event, timeoutMillis);
        try {
            try {
                invocation.started().get(QUEUED_TIMEOUTS * (timeoutMillis + 2000), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                invocation.result().completeExceptionally(e);
                throw new LocalRunException(name + ": the invocation waited " + QUEUED_TIMEOUTS + " timeouts behind"
                        + " others and was given up");
            }
            return invocation.result().get(timeoutMillis + 2000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            invocation.result().completeExceptionally(e);
            replaceEnvironment();
            throw new LocalRunException(name + ": Task timed out after " + timeoutMillis / 1000 + " seconds");
        } catch (ExecutionException e) {
            throw new LocalRunException(name + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** A timed-out invocation leaves the environment unusable: Lambda starts a fresh one. */
    private synchronized void replaceEnvironment() {
        stop();
        try {
            start();
        } catch (Exception e) {
            throw new LocalRunException(name + " could not restart after a timeout: " + e.getMessage(), e);
        }
    }

    @Override
    public String readyDetail() {
        return "init " + initMillis + " ms (" + module + ".jar under the runtime interface client)";
    }

    @Override
    public Optional<String> failure() {
        RuntimeApi current = api;
        if (current != null && current.initError().isPresent()) {
            return Optional.of(name + " init failed: " + current.initError().get());
        }
        ChildProcess p = process;
        return p == null ? Optional.empty() : p.failure();
    }

    @Override
    public synchronized void stop() {
        if (process != null) {
            process.stop();
        }
        if (api != null) {
            api.close();
        }
    }

    @Override
    public Path log() {
        return settings.logs().file(name);
    }
}
