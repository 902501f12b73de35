package dev.refarch.realtime.local;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import dev.refarch.realtime.cli.ReviewsSeeder;
import dev.refarch.realtime.graphql.ApiDefinition;
import dev.refarch.realtime.graphql.TableContract;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

/**
 * DynamoDB Local, in memory, in this JVM, on 127.0.0.1 (its own launcher binds every interface,
 * so its request handler is served by a Jetty connector here). Creates every table the API's
 * data sources name ({@link ApiDefinition}, keyed as {@link TableContract} says), streams on (new
 * images, as the API stack streams the Reviews table to the review broadcaster), and
 * seeds the Reviews rows with the CLI task's own {@link ReviewsSeeder}.
 */
final class DynamoDbComponent implements Component {

    private final LocalSettings settings;
    private final int port;
    private final Map<String, String> tables = new LinkedHashMap<>();
    private Server server;
    private LocalDynamoDBRequestHandler handler;

    DynamoDbComponent(LocalSettings settings) {
        this.settings = settings;
        this.port = settings.ports().get("dynamodb");
        for (ApiDefinition.DataSource source : ApiDefinition.load().dataSources()) {
            if (source.type() == ApiDefinition.DataSourceType.AMAZON_DYNAMODB) {
                tables.put(source.table(), settings.prefix() + "-" + source.table());
            }
        }
    }

    @Override
    public String name() {
        return "dynamodb";
    }

    /** Logical table ({@code reviews}, {@code movies}, ...) to its local name. */
    Map<String, String> tables() {
        return Map.copyOf(tables);
    }

    String table(String logical) {
        String name = tables.get(logical);
        if (name == null) {
            throw new LocalRunException("resolvers.json has no DynamoDB data source for table " + logical);
        }
        return name;
    }

    URI endpoint() {
        return URI.create(settings.loopback(port));
    }

    @Override
    public void start() throws Exception {
        // in memory, no shared db, no delay, no CORS
        handler = new LocalDynamoDBRequestHandler(0, true, null, true, false);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new ContextHandler(new LocalDynamoDBServerHandler(handler, null), "/"));
        server.start();
        try (DynamoDbClient dynamo = AwsClients.dynamo(endpoint())) {
            tables.forEach((logical, name) -> createTable(dynamo, name, partitionKey(logical)));
            new ReviewsSeeder(dynamo, table("reviews")).seed();
        }
    }

    private static void createTable(DynamoDbClient dynamo, String name, String partitionKey) {
        dynamo.createTable(t -> t.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(partitionKey).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(partitionKey).keyType(KeyType.HASH).build())
                .streamSpecification(s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_IMAGE)));
    }

    /**
     * The partition key of a logical table, from {@link TableContract}: its nested class of the
     * same name ({@code reviews} is {@code TableContract.Reviews}) declares the key as {@code PK}
     * or {@code PARTITION_KEY}, or as its first String constant ({@code Reviews.REACTION}, a {@code Ticks.SYMBOL}). Every
     * table of the stack has one String partition key.
     */
    static String partitionKey(String logical) {
        for (Class<?> nested : TableContract.class.getDeclaredClasses()) {
            if (!nested.getSimpleName().toLowerCase(Locale.ROOT).equals(logical.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String first = null;
            for (Field field : nested.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                    try {
                        String value = (String) field.get(null);
                        if (field.getName().equals("PK") || field.getName().equals("PARTITION_KEY")) {
                            return value;
                        }
                        first = first == null ? value : first;
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            if (first != null) {
                return first;
            }
        }
        throw new LocalRunException("TableContract has no class for table " + logical + " naming its partition key");
    }

    @Override
    public String readyDetail() {
        return endpoint() + " tables " + tables.values() + ", Reviews seeded";
    }

    @Override
    public Optional<String> failure() {
        return server != null && !server.isRunning() ? Optional.of("DynamoDB Local stopped") : Optional.empty();
    }

    @Override
    public void stop() {
        try {
            if (server != null) {
                server.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        } finally {
            if (handler != null) {
                handler.shutdown();
            }
        }
    }

    @Override
    public Path log() {
        return settings.logs().file("runner");
    }
}
