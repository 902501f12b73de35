package dev.refarch.realtime.producer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a topic exist with at least the wanted partitions: creates it, or grows it. Idempotent,
 * so a redeploy (or a retried custom resource event) changes nothing that is already right.
 * Partitions never shrink (Kafka cannot), and nothing is deleted.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;

    public TopicProvisioner(Admin admin) {
        this.admin = admin;
    }

    /** What {@link #ensure} found and did. */
    public enum Outcome { CREATED, GREW, UNCHANGED }

    /**
     * @param replicas replication factor for a new topic; {@code min.insync.replicas} is one
     *                 less (at least 1), so one broker down does not stop producers using acks=all
     */
    public Outcome ensure(String topic, int partitions, int replicas) {
        try {
            NewTopic wanted = new NewTopic(topic, partitions, (short) replicas)
                    .configs(Map.of("min.insync.replicas", Integer.toString(Math.max(1, replicas - 1))));
            try {
                admin.createTopics(List.of(wanted)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("created topic {} with {} partitions, replication {}", topic, partitions, replicas);
                return Outcome.CREATED;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            TopicDescription existing = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            int current = existing.partitions().size();
            if (current < partitions) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions)))
                        .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("grew topic {} from {} to {} partitions", topic, current, partitions);
                return Outcome.GREW;
            }
            if (current > partitions) {
                LOG.warn("topic {} has {} partitions, more than the {} configured; Kafka cannot shrink it",
                        topic, current, partitions);
            }
            return Outcome.UNCHANGED;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot provision topic " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot provision topic " + topic + ": no answer from the brokers in "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning topic " + topic, e);
        }
    }
}
