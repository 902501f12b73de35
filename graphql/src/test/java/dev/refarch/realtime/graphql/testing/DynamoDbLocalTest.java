package dev.refarch.realtime.graphql.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class DynamoDbLocalTest {

    @Test
    void servesOnLoopbackOnlyAndCreatesTheApiTables() throws Exception {
        try (DynamoDbLocal local = DynamoDbLocal.start(); DynamoDbClient dynamo = local.client()) {
            local.createApiTables("Reviews", "Movies", "Ticks");
            assertEquals(List.of("Movies", "Reviews", "Ticks"), dynamo.listTables().tableNames());
            assertEquals("127.0.0.1", local.endpoint().getHost());
            String lanAddress = java.net.InetAddress.getLocalHost().getHostAddress();
            if (!lanAddress.startsWith("127.")) {
                assertThrows(IOException.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(lanAddress, local.endpoint().getPort()), 1000);
                    }
                });
            }
        }
    }
}
