package dev.refarch.realtime.infra;

import dev.refarch.realtime.infra.config.CdkJson;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;

/**
 * Builds the real app as the CLI would, from cdk.json's context plus overrides, at a fixed day.
 * A synth is the slow part of the infra tests, so {@link #app} hands every test class the same
 * app per override map: CDK synthesizes an app once and serves its assembly afterwards.
 */
public final class TestApps {

    /** 2026-11-22T10:00:00Z: API key expiry is counted from the start of this day. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    private TestApps() {
    }

    private static final Map<Map<String, Object>, App> APPS = new ConcurrentHashMap<>();

    /**
     * The shared app with cdk.json's context and {@code overrides}, built on first use. Read it,
     * never add to it: a test that changes the app takes {@link #freshApp}.
     */
    public static App app(Map<String, Object> overrides) {
        return APPS.computeIfAbsent(Map.copyOf(overrides), TestApps::freshApp);
    }

    /** A new app of its own; an {@code outdir} override sets the outdir. */
    public static App freshApp(Map<String, Object> overrides) {
        Map<String, Object> context = new HashMap<>(CdkJson.context());
        context.putAll(overrides);
        AppProps.Builder props = AppProps.builder();
        Object outdir = context.remove("outdir");
        if (outdir != null) {
            props.outdir(outdir.toString());
        }
        return RealtimeApp.create(new App(props.context(context).build()), CLOCK);
    }

    public static Stack stack(App app, String id) {
        return (Stack) app.getNode().findChild(id);
    }
}
