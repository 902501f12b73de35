package dev.refarch.realtime.infra;

import dev.refarch.realtime.infra.config.CdkJson;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;

/** Builds the real app as the CLI would, from cdk.json's context plus overrides, at a fixed day. */
public final class TestApps {

    /** 2026-11-22T10:00:00Z: API key expiry is counted from the start of this day. */
    public static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

    private TestApps() {
    }

    /** The app with cdk.json's context and {@code overrides}; an {@code outdir} override sets the outdir. */
    public static App app(Map<String, Object> overrides) {
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
