package dev.refarch.realtime.bench;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.sqs.Queue;

/** Baseline for the synth benchmark: a CDK Java app with one resource, nothing else. */
public final class OneResourceApp {

    private OneResourceApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        new Queue(new Stack(app, "one-resource"), "Queue");
        app.synth();
    }
}
