package dev.refarch.realtime.checks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A small stand-in for AppSync's real-time endpoint on 127.0.0.1: an RFC 6455 WebSocket server
 * (upgrade, masked client text frames, unmasked server frames, close) that records what the client
 * sent (the upgrade's query parameters and subprotocol, every message) and answers each message with
 * what the test's script returns. Enough to check the client's side of the protocol without AppSync.
 */
final class RealtimeStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    private final BiFunction<JsonNode, Connection, List<String>> script;
    private final int upgradeStatus;
    private final List<Connection> connections = Collections.synchronizedList(new ArrayList<>());
    private final Thread acceptor;

    /** One accepted connection: what the client asked for and sent, and a way to push messages. */
    static final class Connection {
        final Map<String, String> query = new LinkedHashMap<>();
        String subprotocol;
        final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
        private OutputStream out;

        synchronized void send(String text) {
            try {
                writeFrame(out, 0x1, text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The client went away.
            }
        }

        /** The {@code header} query parameter, decoded from base64 JSON. */
        JsonNode header() throws IOException {
            return JSON.readTree(Base64.getDecoder().decode(query.get("header")));
        }
    }

    /**
     * @param upgradeStatus 101 to accept the WebSocket, or the status to refuse the upgrade with
     * @param script        the answers to each client message, given the message and its connection
     */
    RealtimeStandIn(int upgradeStatus, BiFunction<JsonNode, Connection, List<String>> script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.upgradeStatus = upgradeStatus;
        this.acceptor = new Thread(this::acceptLoop, "realtime-stand-in");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers as AppSync does when the key is right: ack, start_ack for every start, nothing else. */
    static List<String> acknowledging(JsonNode message, Connection connection) {
        return switch (message.path("type").asText()) {
            case "connection_init" -> List.of("{\"type\":\"connection_ack\",\"payload\":{\"connectionTimeoutMs\":300000}}");
            case "start" -> List.of("{\"type\":\"start_ack\",\"id\":\"" + message.path("id").asText() + "\"}");
            default -> List.of();
        };
    }

    URI url() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/graphql/realtime");
    }

    List<Connection> connections() {
        return connections;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread serving = new Thread(() -> serve(socket), "realtime-stand-in-connection");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            Connection connection = new Connection();
            connection.out = out;
            String key = null;
            String requestLine = readLine(in);
            String rawQuery = URI.create(requestLine.split(" ")[1]).getRawQuery();
            for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                connection.query.put(kv[0], URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
            }
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                String[] header = line.split(":", 2);
                String name = header[0].trim().toLowerCase(java.util.Locale.ROOT);
                if (name.equals("sec-websocket-key")) {
                    key = header[1].trim();
                } else if (name.equals("sec-websocket-protocol")) {
                    connection.subprotocol = header[1].trim();
                }
            }
            connections.add(connection);
            if (upgradeStatus != 101) {
                out.write(("HTTP/1.1 " + upgradeStatus + " Refused\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n"
                    + "sec-websocket-accept: " + accept + "\r\nsec-websocket-protocol: graphql-ws\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                int opcode = first & 0x0F;
                int second = in.read();
                long length = second & 0x7F;
                if (length == 126) {
                    length = (in.read() << 8) | in.read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | in.read();
                    }
                }
                byte[] mask = in.readNBytes(4);
                byte[] payload = in.readNBytes((int) length);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i % 4];
                }
                if (opcode == 0x8) {
                    synchronized (connection) {
                        writeFrame(out, 0x8, new byte[0]);
                    }
                    return;
                }
                if (opcode == 0x1) {
                    JsonNode message = JSON.readTree(payload);
                    connection.received.add(message);
                    for (String answer : script.apply(message, connection)) {
                        connection.send(answer);
                    }
                }
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            // The test closed the stand-in, or the client went away.
        }
    }

    private static void writeFrame(OutputStream out, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(payload.length);
        } else {
            frame.write(126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xFF);
        }
        frame.write(payload);
        out.write(frame.toByteArray());
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
