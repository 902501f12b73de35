package dev.refarch.realtime.broadcaster;

import java.util.List;

/**
 * Every reaction's review in one broadcast, in the shape of the schema's {@code ReviewBoardInput}: what
 * subscribers of {@code onReviews} receive as one message.
 *
 * @param reviews     one per reaction that has a row, each with its version (the sum of its shards')
 * @param publishedAt when the counts were read (ISO-8601, an {@code AWSDateTime})
 */
public record ReviewBoard(List<ReviewState> reviews, String publishedAt) {

    public ReviewBoard {
        reviews = List.copyOf(reviews);
    }
}
