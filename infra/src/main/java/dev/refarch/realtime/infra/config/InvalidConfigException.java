package dev.refarch.realtime.infra.config;

import java.util.List;

/** One or more context values are invalid; the message lists each key, value and what is allowed. */
public final class InvalidConfigException extends RuntimeException {

    private final List<String> problems;

    InvalidConfigException(List<String> problems) {
        super("Invalid CDK context (set it in cdk.json or with -c key=value):\n  - "
                + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per invalid key. */
    public List<String> problems() {
        return problems;
    }
}
