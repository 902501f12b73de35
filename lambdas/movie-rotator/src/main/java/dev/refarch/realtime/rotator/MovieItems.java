package dev.refarch.realtime.rotator;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Movie <-> DynamoDB map, with the attribute names of the schema's {@code Movie}. */
final class MovieItems {

    private MovieItems() {
    }

    static Map<String, AttributeValue> toItem(Movie movie) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("id", AttributeValue.fromS(movie.id()));
        item.put("title", AttributeValue.fromS(movie.title()));
        putIfPresent(item, "overview", movie.overview());
        putIfPresent(item, "posterUrl", movie.posterUrl());
        putIfPresent(item, "releaseDate", movie.releaseDate());
        return item;
    }

    static Movie fromItem(Map<String, AttributeValue> item) {
        return new Movie(s(item, "id"), s(item, "title"), s(item, "overview"), s(item, "posterUrl"),
                s(item, "releaseDate"));
    }

    static String s(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }
}
