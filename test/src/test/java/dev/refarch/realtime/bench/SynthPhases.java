package dev.refarch.realtime.bench;

import dev.refarch.realtime.infra.RealtimeApp;
import dev.refarch.realtime.infra.config.CdkJson;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;

/**
 * Where the full app's synth time goes, in one JVM: to the first {@code App} (the JVM and the jsii
 * Node runtime starting), constructing every stack ({@link RealtimeApp#create}), and {@code synth()}
 * (aspects, the cdk-nag validation, templates and asset staging). Writes to {@code CDK_OUTDIR}.
 */
public final class SynthPhases {

    private SynthPhases() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        Map<String, Object> context = new HashMap<>(CdkJson.context());
        App app = new App(AppProps.builder().context(context).build());
        long created = System.nanoTime();
        RealtimeApp.create(app, Clock.systemUTC());
        long constructed = System.nanoTime();
        app.synth();
        long synthesized = System.nanoTime();
        System.out.printf("phases: to the first App %d ms, constructing the stacks %d ms, synth() %d ms%n",
                (created - start) / 1_000_000, (constructed - created) / 1_000_000, (synthesized - constructed) / 1_000_000);
    }
}
