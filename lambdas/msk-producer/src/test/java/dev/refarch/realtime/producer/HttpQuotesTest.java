package dev.refarch.realtime.producer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpQuotesTest {

    private static final String KEY = "quote-key-5f2a";
    private static final Instant NOW = Instant.parse("2026-11-21T14:30:00Z");
    private static WireMockServer provider;
    private HttpQuotes quotes;

    @BeforeAll
    static void startProvider() {
        provider = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        provider.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.stop();
    }

    @BeforeEach
    void reset() {
        provider.resetAll();
        quotes = new HttpQuotes(URI.create(provider.baseUrl() + "/quote"), KEY,
                Duration.ofSeconds(1), Duration.ofSeconds(3), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void mapsTheProvidersJsonAndSendsTheKeyHeader() {
        provider.stubFor(get(urlPathEqualTo("/quote")).withQueryParam("symbol", equalTo("AMZN"))
                .withHeader(HttpQuotes.API_KEY_HEADER, equalTo(KEY))
                .willReturn(okJson("{\"symbol\":\"AMZN\",\"price\":181.5,\"open\":180,\"high\":182.25,\"low\":179.5,"
                        + "\"volume\":1200300,\"timestamp\":\"2026-11-21T14:29:59.500Z\"}")));

        assertEquals(new Tick("AMZN", 181.5, 180, 182.25, 179.5, 1_200_300, Instant.parse("2026-11-21T14:29:59.500Z")),
                quotes.next("AMZN"));
    }

    @Test
    void epochMillisOrMissingTimestampAreAccepted() {
        provider.stubFor(get(urlPathEqualTo("/quote")).withQueryParam("symbol", equalTo("A"))
                .willReturn(okJson("{\"price\":1,\"open\":1,\"high\":1,\"low\":1,\"volume\":1,\"timestamp\":1795000000000}")));
        provider.stubFor(get(urlPathEqualTo("/quote")).withQueryParam("symbol", equalTo("B"))
                .willReturn(okJson("{\"price\":1,\"open\":1,\"high\":1,\"low\":1,\"volume\":1}")));
        assertEquals(Instant.ofEpochMilli(1_795_000_000_000L), quotes.next("A").timestamp());
        assertEquals(NOW, quotes.next("B").timestamp());
    }

    @Test
    void rejectedKeyFailsWithoutRetryAndWithoutTheKey() {
        provider.stubFor(get(urlPathEqualTo("/quote")).willReturn(aResponse().withStatus(401)));
        QuoteSourceException e = assertThrows(QuoteSourceException.class, () -> quotes.next("AMZN"));
        assertEquals("Quote provider rejected the API key (HTTP 401) for AMZN", e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void serverErrorIsRetryable() {
        provider.stubFor(get(urlPathEqualTo("/quote")).willReturn(aResponse().withStatus(500).withBody("boom")));
        QuoteSourceException e = assertThrows(QuoteSourceException.class, () -> quotes.next("AMZN"));
        assertEquals("Quote provider answered HTTP 500 for AMZN", e.getMessage());
        assertTrue(e.retryable());
    }

    @Test
    void malformedQuotesFailClearly() {
        provider.stubFor(get(urlPathEqualTo("/quote")).withQueryParam("symbol", equalTo("A"))
                .willReturn(okJson("{\"price\":\"cheap\",\"open\":1,\"high\":1,\"low\":1,\"volume\":1}")));
        provider.stubFor(get(urlPathEqualTo("/quote")).withQueryParam("symbol", equalTo("B"))
                .willReturn(aResponse().withStatus(200).withBody("<html>")));
        assertEquals("Malformed quote for A: missing numeric 'price'",
                assertThrows(QuoteSourceException.class, () -> quotes.next("A")).getMessage());
        assertEquals("Malformed quote for B: not JSON",
                assertThrows(QuoteSourceException.class, () -> quotes.next("B")).getMessage());
    }

    @Test
    void slowProviderTimesOut() {
        provider.stubFor(get(urlPathEqualTo("/quote")).willReturn(okJson("{}").withFixedDelay(2_000)));
        HttpQuotes impatient = new HttpQuotes(URI.create(provider.baseUrl() + "/quote"), KEY,
                Duration.ofSeconds(1), Duration.ofMillis(500), Clock.fixed(NOW, ZoneOffset.UTC));
        long start = System.nanoTime();
        QuoteSourceException e = assertThrows(QuoteSourceException.class, () -> impatient.next("AMZN"));
        assertTrue(e.getMessage().startsWith("Quote provider timed out after 500 ms"), e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1_900, "gave up before the 2 s answer");
    }
}
