import { describe, expect, it } from 'vitest';
import type { Review } from '../src/api/operations';
import { ReviewBoard, VoteBatcher } from '../src/views/reviews';

const review = (over: Partial<Review>): Review => ({
  reaction: 'LOVE', movieId: 'm1', count: 0, topMovieId: null, topMovieTitle: null, topCount: 0, version: null, ...over,
});

describe('ReviewBoard', () => {
  it('never lets a shown count go backwards when events arrive out of order (no versions)', () => {
    const board = new ReviewBoard();
    board.setMovie('m1');
    board.apply(review({ count: 7 }));
    board.apply(review({ count: 5 }));
    expect(board.count('LOVE')).toBe(7);
  });

  it('keeps the newest by version when both carry one', () => {
    const board = new ReviewBoard();
    board.setMovie('m1');
    board.apply(review({ count: 3, version: 4, topCount: 9, topMovieTitle: 'A' }));
    expect(board.apply(review({ count: 8, version: 3, topCount: 10, topMovieTitle: 'B' }))).toBe(false);
    board.apply(review({ count: 9, version: 5, topCount: 9, topMovieTitle: 'A' }));
    expect(board.count('LOVE')).toBe(9);
    expect(board.leaderboard()[0]).toEqual({ reaction: 'LOVE', title: 'A', count: 9 });
  });

  it('ignores counts of another movie and starts the new movie from its own count', () => {
    const board = new ReviewBoard();
    board.setMovie('m1');
    board.apply(review({ count: 40 }));
    board.setMovie('m2');
    expect(board.count('LOVE')).toBe(0);
    board.apply(review({ count: 41 }));
    expect(board.count('LOVE')).toBe(0);
    board.apply(review({ movieId: 'm2', count: 2 }));
    expect(board.count('LOVE')).toBe(2);
  });
});

describe('VoteBatcher', () => {
  it('sends one vote per reaction per flush, its count capped at 100, the rest in the next flush', () => {
    const batcher = new VoteBatcher();
    for (let i = 0; i < 130; i++) batcher.click('m1', 'LIKE');
    batcher.click('m1', 'HATE');
    expect(batcher.take()).toEqual([
      { movieId: 'm1', reaction: 'LIKE', count: 100 },
      { movieId: 'm1', reaction: 'HATE', count: 1 },
    ]);
    expect(batcher.take()).toEqual([{ movieId: 'm1', reaction: 'LIKE', count: 30 }]);
    expect(batcher.take()).toEqual([]);
  });

  it('drops clicks for a movie that is no longer current', () => {
    const batcher = new VoteBatcher();
    batcher.click('m1', 'LIKE');
    batcher.click('m2', 'MEH');
    expect(batcher.take()).toEqual([{ movieId: 'm2', reaction: 'MEH', count: 1 }]);
  });
});
