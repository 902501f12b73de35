package dev.refarch.realtime.cli;

import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local, in memory, on 127.0.0.1 at a free port, in this JVM; built like the graphql
 * module's {@code DynamoDbLocal} because DynamoDB Local's own launcher binds every interface.
 *
 * <p>Why not that fixture from the graphql test-jar: {@code exec:java} resolves test-scoped
 * dependencies, and a reactor build that stops at {@code compile} (the CDK app command in
 * cdk.json, the {@code reviews} execution) cannot resolve a sibling's test-jar, so depending on
 * it would break {@code cdk synth} from a fresh clone.
 */
final class DynamoDbLocalServer implements AutoCloseable {

    private final Server server;
    private final LocalDynamoDBRequestHandler handler;
    private final URI endpoint;

    private DynamoDbLocalServer(Server server, LocalDynamoDBRequestHandler handler, URI endpoint) {
        this.server = server;
        this.handler = handler;
        this.endpoint = endpoint;
    }

    /** An empty in-memory database shared by every region and credential. */
    static DynamoDbLocalServer start() {
        try {
            // port, in memory, no db path, shared db, no transient statuses (tables ACTIVE at once)
            LocalDynamoDBRequestHandler handler = new LocalDynamoDBRequestHandler(0, true, null, true, false);
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new ContextHandler(new LocalDynamoDBServerHandler(handler, null), "/"));
            server.start();
            return new DynamoDbLocalServer(server, handler, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
        }
    }

    URI endpoint() {
        return endpoint;
    }

    DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
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
