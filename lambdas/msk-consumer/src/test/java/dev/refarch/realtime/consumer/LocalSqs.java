package dev.refarch.realtime.consumer;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * WireMock as SQS on 127.0.0.1, speaking the AWS JSON 1.0 protocol that SDK 2.42.33 uses for SQS:
 * {@code POST /} with {@code X-Amz-Target: AmazonSQS.SendMessageBatch} (or {@code .SendMessage})
 * and {@code Content-Type: application/x-amz-json-1.0}. Answers carry each body's MD5, which the
 * SDK checks. Every stored message body is kept.
 */
final class LocalSqs implements AutoCloseable {

    static final String SQS = "sqs-json";
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<JsonNode> messages = Collections.synchronizedList(new ArrayList<>());
    final List<String> targets = Collections.synchronizedList(new ArrayList<>());
    /** Offsets whose messages SQS reports in {@code Failed} (the rest of the batch is stored). */
    final java.util.Set<Long> refuseOffsets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Offsets whose message is refused once (SenderFault false, as an internal error is), then stored. */
    final java.util.Set<Long> refuseOnceOffsets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Offsets whose message is refused as the sender's fault while it carries the record's value
     * (as SQS refuses a body with characters it does not allow); a message without it is stored.
     */
    final java.util.Set<Long> refuseValueOffsets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** How long every answer takes (a slow or overloaded queue). */
    volatile int delayMillis;
    final WireMockServer server;

    LocalSqs() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Queue()));
        server.start();
        server.stubFor(WireMock.post("/").atPriority(10).willReturn(WireMock.aResponse().withTransformers(SQS)));
    }

    URI endpoint() {
        return URI.create(server.baseUrl());
    }

    String queueUrl() {
        return server.baseUrl() + "/123456789012/realtime-dev-tick-failures";
    }

    private final class Queue implements ResponseDefinitionTransformerV2 {
        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            String target = serveEvent.getRequest().getHeader("X-Amz-Target");
            targets.add(String.valueOf(target));
            try {
                JsonNode request = JSON.readTree(serveEvent.getRequest().getBodyAsString());
                ObjectNode response = JSON.createObjectNode();
                if ("AmazonSQS.SendMessageBatch".equals(target)) {
                    ArrayNode successful = response.putArray("Successful");
                    ArrayNode failed = response.putArray("Failed");
                    for (JsonNode entry : request.get("Entries")) {
                        String body = entry.get("MessageBody").asText();
                        JsonNode message = JSON.readTree(body);
                        long offset = message.path("offset").asLong();
                        if (refuseOffsets.contains(offset) || refuseOnceOffsets.remove(offset)) {
                            failed.addObject().put("Id", entry.get("Id").asText()).put("SenderFault", false)
                                    .put("Code", "InternalError").put("Message", "try again");
                        } else if (refuseValueOffsets.contains(offset) && message.has("value")) {
                            failed.addObject().put("Id", entry.get("Id").asText()).put("SenderFault", true)
                                    .put("Code", "InvalidMessageContents").put("Message", "invalid characters");
                        } else {
                            store(body, successful.addObject().put("Id", entry.get("Id").asText()));
                        }
                    }
                } else if ("AmazonSQS.SendMessage".equals(target)) {
                    store(request.get("MessageBody").asText(), response);
                } else {
                    return error(400, "unexpected request: " + target);
                }
                return new ResponseDefinitionBuilder().withStatus(200)
                        .withHeader("Content-Type", "application/x-amz-json-1.0")
                        .withFixedDelay(delayMillis)
                        .withBody(response.toString()).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void store(String body, ObjectNode result) throws IOException {
            messages.add(JSON.readTree(body));
            result.put("MessageId", UUID.randomUUID().toString());
            result.put("MD5OfMessageBody", md5(body));
        }

        private ResponseDefinition error(int status, String message) {
            return new ResponseDefinitionBuilder().withStatus(status)
                    .withHeader("Content-Type", "application/x-amz-json-1.0")
                    .withBody("{\"__type\":\"com.amazonaws.sqs#InvalidAction\",\"message\":\"" + message + "\"}")
                    .build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return SQS;
        }
    }

    private static String md5(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
