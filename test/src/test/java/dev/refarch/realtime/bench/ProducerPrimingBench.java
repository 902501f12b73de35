package dev.refarch.realtime.bench;

import dev.refarch.realtime.lambda.LambdaProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What SnapStart priming saves the tick producer after a restore ({@code TickProducer.prime}, run
 * before the snapshot): the time to create its Kafka producer with the deployed settings (SASL_SSL,
 * SCRAM), in a fresh JVM with Lambda's JVM options and the producer's jar unpacked as Lambda runs
 * it, without and with the priming first, alternating. No broker is needed: creating the producer
 * does not wait for a connection. Prints the medians and their ratio; the JVM exits by itself.
 * Usage: {@code ProducerPrimingBench <java> <project root> <runs>} (test/bench/producer-priming.sh).
 */
public final class ProducerPrimingBench {

    private ProducerPrimingBench() {
    }

    public static void main(String[] args) throws Exception {
        String java = args[0];
        Path root = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        Path task = ColdStartBench.taskRoot(root.resolve("lambdas/msk-producer/target/msk-producer.jar"),
                "msk-producer");
        Path self = Path.of(ProducerPrimingBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Long> cold = new ArrayList<>();
        List<Long> primed = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            cold.add(creationMicros(java, task, self, false));
            primed.add(creationMicros(java, task, self, true));
        }
        long coldMedian = median(cold);
        long primedMedian = median(primed);
        System.out.printf("machine: %d cores, JVM %s, runs: %d (alternating)%n",
                Runtime.getRuntime().availableProcessors(), java, runs);
        System.out.printf("Kafka producer created, not primed   %6.1f ms (median; runs %s)%n", coldMedian / 1000.0, cold);
        System.out.printf("Kafka producer created, primed       %6.1f ms (median; runs %s)%n", primedMedian / 1000.0,
                primed);
        System.out.printf("primed / not primed: %.2f%n", (double) primedMedian / coldMedian);
    }

    private static long creationMicros(String java, Path task, Path self, boolean prime) throws Exception {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(LambdaProcess.LAMBDA_JVM_OPTIONS);
        command.addAll(List.of("-cp", task + File.pathSeparator + self, Child.class.getName(),
                prime ? "primed" : "cold"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the measuring JVM failed: " + output);
        }
        return output.lines().filter(l -> l.startsWith("created-us=")).findFirst()
                .map(l -> Long.parseLong(l.substring("created-us=".length())))
                .orElseThrow(() -> new IllegalStateException("no measurement in: " + output));
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /**
     * In the measuring JVM, whose class path is the unpacked jar and this class: by reflection, as
     * the build's class path has the real Kafka client, not the jar's.
     */
    public static final class Child {

        private Child() {
        }

        public static void main(String[] args) throws Exception {
            Object credentials = Class.forName("dev.refarch.realtime.producer.ScramCredentials")
                    .getDeclaredConstructor(String.class, String.class).newInstance("user", "secret");
            Properties settings = (Properties) Class.forName("dev.refarch.realtime.producer.MskProducerProperties")
                    .getMethod("of", String.class, String.class, credentials.getClass())
                    .invoke(null, "127.0.0.1:9", "SASL_SSL", credentials);
            if (args[0].equals("primed")) {
                Class.forName("dev.refarch.realtime.producer.TickProducer")
                        .getMethod("primeKafka", Properties.class).invoke(null, settings);
            }
            Class<?> serializerType = Class.forName("org.apache.kafka.common.serialization.Serializer");
            Object serializer = Class.forName("org.apache.kafka.common.serialization.StringSerializer")
                    .getDeclaredConstructor().newInstance();
            long start = System.nanoTime();
            Object producer = Class.forName("org.apache.kafka.clients.producer.KafkaProducer")
                    .getConstructor(Properties.class, serializerType, serializerType)
                    .newInstance(settings, serializer, serializer);
            long micros = (System.nanoTime() - start) / 1000;
            producer.getClass().getMethod("close", Duration.class).invoke(producer, Duration.ZERO);
            System.out.println("created-us=" + micros);
        }
    }
}
