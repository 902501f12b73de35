package dev.refarch.realtime.infra.config;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.RetentionDays;

/** Deployment stage: decides what survives a {@code cdk destroy} and how long logs are kept. */
public enum Stage {
    /** Throw-away: tables and logs are deleted with the stack; logs kept a week. */
    DEV(RemovalPolicy.DESTROY, RetentionDays.ONE_WEEK, false),
    /** Production: data is retained and protected from deletion; logs kept a year. */
    PROD(RemovalPolicy.RETAIN, RetentionDays.ONE_YEAR, true);

    private final RemovalPolicy removalPolicy;
    private final RetentionDays logRetention;
    private final boolean deletionProtection;

    Stage(RemovalPolicy removalPolicy, RetentionDays logRetention, boolean deletionProtection) {
        this.removalPolicy = removalPolicy;
        this.logRetention = logRetention;
        this.deletionProtection = deletionProtection;
    }

    /** The name used in context and resource names: {@code dev} or {@code prod}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public RemovalPolicy removalPolicy() {
        return removalPolicy;
    }

    public RetentionDays logRetention() {
        return logRetention;
    }

    public boolean deletionProtection() {
        return deletionProtection;
    }
}
