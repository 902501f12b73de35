package dev.refarch.realtime.msk.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start("app", "app-password");
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void listensOnLoopbackOnly() {
        assertTrue(broker.bootstrapServers().startsWith("127.0.0.1:"), broker.bootstrapServers());
    }

    @Test
    void scramUserProducesAndConsumes() throws Exception {
        broker.createTopic("round-trip", 1);
        Properties producerProps = broker.clientProperties();
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            var record = new ProducerRecord<>("round-trip", "AMZN", "hello");
            record.headers().add("h", new byte[] {1, -1});
            producer.send(record).get(10, TimeUnit.SECONDS);
        }

        Properties consumerProps = broker.clientProperties();
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "round-trip-test");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("round-trip"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        assertEquals(1, got.size());
        assertEquals("AMZN", new String(got.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("hello", new String(got.get(0).value(), StandardCharsets.UTF_8));
    }

    @Test
    void wrongPasswordIsRejectedQuicklyWithSaslAuthenticationException() {
        Properties props = broker.clientProperties("app", "not-the-password");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        long start = System.nanoTime();
        try (Admin admin = Admin.create(props)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        }
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(millis < 5_000, "rejection took " + millis + " ms");
    }

    @Test
    void closeStopsTheBrokerAndDeletesItsData() throws Exception {
        KafkaBroker other = KafkaBroker.start("other", "other-password");
        Path data = other.dataDirectory();
        String[] hostPort = other.bootstrapServers().split(":");
        assertTrue(Files.isDirectory(data));

        other.close();

        assertFalse(Files.exists(data), "data directory deleted");
        assertThrows(ConnectException.class,
                () -> new Socket(hostPort[0], Integer.parseInt(hostPort[1])).close(), "listener closed");
    }

    @Test
    void createTopicIsIdempotent() throws Exception {
        broker.createTopic("twice", 3);
        broker.createTopic("twice", 3);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            var description = admin.describeTopics(List.of("twice")).allTopicNames().get(10, TimeUnit.SECONDS).get("twice");
            assertEquals(3, description.partitions().size());
        }
    }
}
