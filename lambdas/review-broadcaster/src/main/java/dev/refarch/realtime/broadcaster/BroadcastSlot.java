package dev.refarch.realtime.broadcaster;

import dev.refarch.realtime.graphql.TableContract.Movies;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * One broadcast per interval for the whole table, whichever stream shard or execution environment a
 * batch comes from: a slot item ({@link Movies#BROADCAST_SLOT}) that a batch takes with one conditional
 * write, {@code slot = n + 1, slotAt = now} only if {@code slot} is still n and {@code slotAt} at least
 * {@code interval} ago. A per-environment pacer bounds one stream shard; this bounds the table, so the
 * rate each viewer receives does not grow with the Reviews table's partitions or stream shards.
 *
 * <p>Why a batch that loses may finish without broadcasting: it read the slot (strongly consistent) after
 * its records were written; any slot taken after that read belongs to a broadcast that reads the totals
 * (strongly consistent) after taking it, so it includes those records. A batch so ends in one of three
 * ways: it takes the slot ({@link Turn#BROADCAST}), it sees a slot newer than the one it first read
 * ({@link Turn#COVERED}), or the next slot is past its deadline ({@link Turn#LATE}: retried). If the
 * winner then fails to publish, its own batch is retried and takes a later slot, which covers the rest.
 *
 * <p>Cost: one strongly consistent read (one read unit: the item is under 4 KB) per batch, one more after a wait, and
 * at most one conditional write per batch per interval; nothing when nobody votes. The bound holds up to
 * the clock skew between the environments that take consecutive slots (each compares the winner's
 * {@code slotAt} with its own clock; Lambda hosts keep time by NTP, milliseconds).
 */
public final class BroadcastSlot implements BroadcastTurns {

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration interval;
    private final Clock clock;
    private final BroadcastPacer.Sleeper sleeper;

    public BroadcastSlot(DynamoDbClient dynamo, String moviesTable, Duration interval, Clock clock,
            BroadcastPacer.Sleeper sleeper) {
        this.dynamo = dynamo;
        this.table = moviesTable;
        this.interval = interval;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** A slot on the system clock, sleeping with {@link Thread#sleep}. */
    public static BroadcastSlot system(DynamoDbClient dynamo, String moviesTable, Duration interval) {
        return new BroadcastSlot(dynamo, moviesTable, interval, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    /** The DynamoDB client it uses (primed before a SnapStart snapshot). */
    DynamoDbClient dynamo() {
        return dynamo;
    }

    /** The slot as read: its number (0 before the first broadcast) and when it was taken. */
    record Slot(long number, long at) {
    }

    Slot read() {
        GetItemResponse response = dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(Map.of(Movies.PK, AttributeValue.fromS(Movies.BROADCAST_SLOT))));
        if (!response.hasItem() || !response.item().containsKey(Movies.SLOT)) {
            return new Slot(0, 0);
        }
        return new Slot(Long.parseLong(response.item().get(Movies.SLOT).n()),
                Long.parseLong(response.item().get(Movies.SLOT_AT).n()));
    }

    @Override
    public Turn await(Supplier<Duration> timeLeft) throws InterruptedException {
        Slot first = read();
        Slot seen = first;
        while (true) {
            long wait = seen.at() + interval.toMillis() - clock.millis();
            if (wait > 0) {
                if (Duration.ofMillis(wait).compareTo(timeLeft.get()) >= 0) {
                    return Turn.LATE;
                }
                sleeper.sleep(Duration.ofMillis(wait));
                seen = read();
                if (seen.number() > first.number()) {
                    return Turn.COVERED;
                }
                continue;
            }
            if (take(first.number())) {
                return Turn.BROADCAST;
            }
            return Turn.COVERED;
        }
    }

    /** The conditional write: true when this batch took slot {@code number + 1}. */
    private boolean take(long number) {
        long now = clock.millis();
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(Movies.PK, AttributeValue.fromS(Movies.BROADCAST_SLOT)))
                    .updateExpression("SET #slot = :next, #at = :now")
                    .conditionExpression(number == 0
                            ? "attribute_not_exists(#slot) OR (#slot = :n AND #at <= :latest)"
                            : "#slot = :n AND #at <= :latest")
                    .expressionAttributeNames(Map.of("#slot", Movies.SLOT, "#at", Movies.SLOT_AT))
                    .expressionAttributeValues(Map.of(
                            ":next", AttributeValue.fromN(Long.toString(number + 1)),
                            ":now", AttributeValue.fromN(Long.toString(now)),
                            ":n", AttributeValue.fromN(Long.toString(number)),
                            ":latest", AttributeValue.fromN(Long.toString(now - interval.toMillis())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
