package dev.refarch.realtime.producer;

/** Where ticks come from: the built-in simulator or an HTTP quote provider. */
public interface QuoteSource {

    /**
     * The current quote for {@code symbol}.
     *
     * @throws QuoteSourceException if no quote can be had; {@link QuoteSourceException#retryable()}
     *     says whether the next round may succeed
     */
    Tick next(String symbol);
}
