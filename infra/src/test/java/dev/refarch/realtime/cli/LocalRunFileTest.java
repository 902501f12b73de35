package dev.refarch.realtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRunFileTest {

    private static final String COMPLETE = """
            {"awsEndpoint": "http://127.0.0.1:4599", "iamGraphqlUrl": "http://127.0.0.1:4599/graphql",
             "operatorAccessKeyId": "AKIDLOCALOPERATOR", "operatorSecretAccessKey": "s3cret",
             "failureBucket": "realtime-refarch-local-failed-batches", "table.reviews": "realtime-refarch-local-reviews",
             "graphqlUrl": "http://127.0.0.1:20002/graphql", "realtimeUrl": "ws://127.0.0.1:20002/graphql/realtime",
             "apiKey": "da2-local-api-key", "webUrl": "http://127.0.0.1:8088/",
             "producerFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:tick-producer:live"}
            """;

    @TempDir
    Path dir;

    @Test
    void readsTheGatewayTheOperatorKeysAndTheResources() throws IOException {
        Path file = Files.writeString(dir.resolve("ready.json"), COMPLETE);

        LocalRunFile run = LocalRunFile.read(file);

        assertEquals(URI.create("http://127.0.0.1:4599"), run.awsEndpoint());
        assertEquals(URI.create("http://127.0.0.1:4599/graphql"), run.graphqlUrl());
        assertEquals("AKIDLOCALOPERATOR", run.credentials().resolveCredentials().accessKeyId());
        assertEquals("s3cret", run.credentials().resolveCredentials().secretAccessKey());
        assertEquals("realtime-refarch-local-failed-batches", run.failureBucket());
        assertEquals("realtime-refarch-local-reviews", run.reviewsTable());
        assertEquals(URI.create("http://127.0.0.1:20002/graphql"), run.publicGraphqlUrl());
        assertEquals(URI.create("ws://127.0.0.1:20002/graphql/realtime"), run.realtimeUrl());
        assertEquals("da2-local-api-key", run.apiKey());
        assertEquals(URI.create("http://127.0.0.1:8088/"), run.webUrl());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:tick-producer:live", run.producerFunctionArn());
    }

    @Test
    void aFileWithoutTheOperatorKeysIsRefusedNamingTheField() throws IOException {
        Path file = Files.writeString(dir.resolve("ready.json"), COMPLETE.replace("\"operatorSecretAccessKey\"", "\"x\""));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> LocalRunFile.read(file));

        assertTrue(refused.getMessage().contains("operatorSecretAccessKey"), refused.getMessage());
    }

    @Test
    void aMissingOrBrokenFileIsRefusedNamingIt() throws IOException {
        Path missing = dir.resolve("missing.json");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LocalRunFile.read(missing)).getMessage()
                .contains(missing.toString()));
        Path broken = Files.writeString(dir.resolve("broken.json"), "{not json");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LocalRunFile.read(broken)).getMessage()
                .contains(broken.toString()));
    }
}
