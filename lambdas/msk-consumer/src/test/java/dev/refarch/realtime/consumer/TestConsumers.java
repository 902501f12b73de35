package dev.refarch.realtime.consumer;

import com.amazonaws.services.lambda.runtime.Context;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** What the consumer tests share: metrics, deadlines, a Lambda context. */
final class TestConsumers {

    private TestConsumers() {
    }

    /** The Powertools metrics with the default namespace (EMF to stdout under AWS_EMF_ENVIRONMENT=Local). */
    static ConsumerMetrics metrics() {
        return new ConsumerMetrics(MetricsFactory.getMetricsInstance(), ConsumerConfig.DEFAULT_METRICS_NAMESPACE);
    }

    /** A remaining-time supplier that runs out {@code duration} from now, as an invocation's does. */
    static Supplier<Duration> deadlineIn(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        return () -> Duration.ofNanos(end - System.nanoTime());
    }

    /**
     * A Lambda context whose remaining time runs out {@code remaining} from now, with the fields
     * Powertools logging adds to each line.
     */
    static Context context(Duration remaining) {
        long end = System.nanoTime() + remaining.toNanos();
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRemainingTimeInMillis" -> (int) Math.max(0, (end - System.nanoTime()) / 1_000_000);
                    case "getMemoryLimitInMB" -> 512;
                    case "getAwsRequestId" -> "test-request-id";
                    case "getFunctionName" -> "msk-consumer";
                    case "getFunctionVersion" -> "$LATEST";
                    case "getInvokedFunctionArn" -> "arn:aws:lambda:eu-west-1:000000000000:function:msk-consumer";
                    case "getLogGroupName" -> "/aws/lambda/msk-consumer";
                    case "getLogStreamName" -> "test-stream";
                    case "getIdentity", "getClientContext", "getLogger" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
