package dev.refarch.realtime.graphql.testing;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import dev.refarch.realtime.graphql.TableContract;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * DynamoDB Local, in memory, served over HTTP on 127.0.0.1 at a free port, in this JVM.
 * Its own launcher ({@code ServerRunner}) binds every interface, so the Jetty server is built
 * here around DynamoDB Local's request handler.
 */
public final class DynamoDbLocal implements AutoCloseable {

    private final Server server;
    private final LocalDynamoDBRequestHandler handler;
    private final URI endpoint;

    private DynamoDbLocal(Server server, LocalDynamoDBRequestHandler handler, URI endpoint) {
        this.server = server;
        this.handler = handler;
        this.endpoint = endpoint;
    }

    /** Starts an empty in-memory database shared by every region and credential. */
    public static DynamoDbLocal start() {
        try {
            LocalDynamoDBRequestHandler handler = new LocalDynamoDBRequestHandler(0, true, null, true, false);
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new ContextHandler(new LocalDynamoDBServerHandler(handler, null), "/"));
            server.start();
            return new DynamoDbLocal(server, handler,
                    URI.create("http://127.0.0.1:" + connector.getLocalPort()));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client for this database (any credentials work; these are fixed). */
    public DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Creates the Reviews, Movies and Ticks tables, keyed as {@link TableContract} says. */
    public void createApiTables(String reviewsTable, String moviesTable, String ticksTable) {
        try (DynamoDbClient dynamo = client()) {
            createTable(dynamo, reviewsTable, TableContract.Reviews.REACTION);
            createTable(dynamo, moviesTable, TableContract.Movies.PK);
            createTable(dynamo, ticksTable, TableContract.Ticks.SYMBOL);
        }
    }

    /** Creates an on-demand table with one String partition key. */
    public static void createTable(DynamoDbClient dynamo, String name, String partitionKey) {
        dynamo.createTable(t -> t.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(partitionKey).attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(partitionKey).keyType(KeyType.HASH).build()));
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop", e);
        } finally {
            handler.shutdown();
        }
    }
}
