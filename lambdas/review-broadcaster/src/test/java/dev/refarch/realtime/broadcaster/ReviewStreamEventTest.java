package dev.refarch.realtime.broadcaster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewStreamEventTest {

    /** A DynamoDB Streams event as Lambda sends it (with-ddb.html), one record of each kind. */
    private static final String EVENT = """
            {"Records":[
             {"eventID":"1","eventName":"INSERT","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
              "dynamodb":{"Keys":{"reaction":{"S":"LOVE"}},"NewImage":{"reaction":{"S":"LOVE"},"count":{"N":"0"}},
                "SequenceNumber":"111","SizeBytes":26,"StreamViewType":"NEW_IMAGE"}},
             {"eventID":"2","eventName":"MODIFY","eventSource":"aws:dynamodb",
              "dynamodb":{"Keys":{"reaction":{"S":"HATE"}},"NewImage":{"reaction":{"S":"HATE"},"movieId":{"S":"550"},
                "count":{"N":"12"},"topMovieId":{"S":"13"},"topMovieTitle":{"S":"Forrest Gump"},"topCount":{"N":"40"},
                "rotation":{"N":"7"},"version":{"N":"93"}},"SequenceNumber":"222","StreamViewType":"NEW_IMAGE"}},
             {"eventID":"3","eventName":"REMOVE","dynamodb":{"Keys":{"reaction":{"S":"MEH"}},"SequenceNumber":"333"}},
             {"eventID":"4","eventName":"MODIFY","dynamodb":{"NewImage":{"reaction":{"S":"BORED"}},"SequenceNumber":"444"}}
            ]}""";

    @Test
    void newImagesBecomeRowsAndRecordsWithoutOneAreSkipped() throws Exception {
        ReviewStreamEvent event = ReviewStreamEvent.parse(
                new ByteArrayInputStream(EVENT.getBytes(StandardCharsets.UTF_8)), new ObjectMapper());
        assertEquals(4, event.records());
        assertEquals(2, event.skipped());
        assertEquals(List.of(
                new ReviewChange("111", new ReviewState("LOVE", null, 0, null, null, 0, 0)),
                new ReviewChange("222", new ReviewState("HATE", "550", 12, "13", "Forrest Gump", 40, 93))),
                event.changes());
    }
}
