package dev.refarch.realtime.e2e;

import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The one local run that the end-to-end classes which need the system as deployed, and nothing
 * else, share: started by the first class that asks for it (a {@link LocalRunner} parameter of its
 * {@code @BeforeAll}), stopped with SIGINT after the last test of the module run (JUnit closes the
 * root store), with the IAM gateway's refusals checked then and by each class as it ends.
 *
 * <p>A sharing class carries {@code @ExtendWith(SharedLocalRun.class)} and
 * {@code @ResourceLock(SharedLocalRun.LOCK)}: the sharing classes run one after another (their
 * assertions count votes and chat messages on one system), while the classes that own their run
 * run beside them. A class owns its run when it changes the run for everyone: options the
 * deployed system does not have (grants dropped, a write ceiling, a fault mode, vote shards), an
 * outage, a Ctrl-C, or a load that would slow the others' deadlines.
 *
 * <p>Options: the canary every 15 s (deployed: {@code canaryMinutes}, 5), so
 * {@code SystemVerifyEndToEndTest} sees its first run; the sharing classes ignore its chat messages
 * and ticks ({@code CheckSettings.CANARY_AUTHOR} and {@code CANARY_SYMBOL}).
 */
final class SharedLocalRun implements ParameterResolver {

    /** The lock every sharing class holds while its tests run. */
    static final String LOCK = "local-run:shared";
    /** The canary's interval in the shared run: its first run is 15 s after the start. */
    static final List<String> OPTIONS = List.of("--canary-interval-seconds=15");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedLocalRun.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalRunner.class;
    }

    @Override
    public LocalRunner resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(Run.class, type -> new Run(), Run.class).runner;
    }

    /** The run, in the root store: JUnit closes it when every test of the module run has ended. */
    private static final class Run implements AutoCloseable {

        private final LocalRunner runner;

        Run() {
            try {
                runner = LocalRunner.start("shared", OPTIONS);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the shared local run", e);
            }
        }

        @Override
        public void close() throws Exception {
            runner.close();
        }
    }
}
