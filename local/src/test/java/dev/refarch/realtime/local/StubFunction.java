package dev.refarch.realtime.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * A function for the mapping tests: answers each event (parsed) by a rule and records nothing
 * itself, so a test keeps what it needs in the rule.
 *
 * @param name   its function name, in its ARN
 * @param answer the result for each event
 */
record StubFunction(String name, Function<JsonNode, RuntimeApi.Result> answer) implements Invocable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String functionArn() {
        return "arn:aws:lambda:us-east-1:000000000000:function:" + name;
    }

    @Override
    public RuntimeApi.Result invoke(String event) {
        try {
            return answer.apply(JSON.readTree(event));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
