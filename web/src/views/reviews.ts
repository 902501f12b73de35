import { MAX_VOTE_COUNT, REACTIONS, type Reaction, type Review } from '../api/operations';

/**
 * The five live counts and the leaderboard for the current movie. A review arrives from onReviews
 * (all five in one message per broadcast of the review broadcaster, each with its version), from a vote's
 * own answer and from re-queries; they can arrive out of order. Kept per reaction:
 * the newest by version when both have one; a shown count for a movie never goes backwards;
 * a review for another movie than the current one does not touch the counts.
 */
export class ReviewBoard {
  private movieId: string | null = null;
  private readonly rows = new Map<Reaction, Review>();

  /** The current movie changed: counts of another movie are no longer shown. */
  setMovie(movieId: string | null): void {
    if (movieId === this.movieId) return;
    this.movieId = movieId;
    for (const [reaction, row] of this.rows) {
      if (row.movieId !== movieId) this.rows.set(reaction, { ...row, movieId, count: 0 });
    }
  }

  get currentMovieId(): string | null {
    return this.movieId;
  }

  /** Merges one review; returns whether anything shown changed. */
  apply(review: Review): boolean {
    const old = this.rows.get(review.reaction);
    if (!old) {
      this.rows.set(review.reaction, review.movieId === this.movieId ? review : { ...review, movieId: this.movieId, count: 0 });
      return true;
    }
    const versioned = old.version != null && review.version != null;
    if (versioned && review.version! <= old.version!) return false;
    const next: Review = { ...old };
    if (review.version != null) next.version = review.version;
    if (review.movieId === this.movieId) {
      next.count = old.movieId === this.movieId ? Math.max(old.count, review.count) : review.count;
      next.movieId = this.movieId;
    }
    // The leaderboard is the best showing so far: without versions, a lower topCount is an older event.
    if (versioned || review.topCount >= old.topCount) {
      next.topCount = review.topCount;
      next.topMovieId = review.topMovieId;
      next.topMovieTitle = review.topMovieTitle;
    }
    const changed = JSON.stringify(next) !== JSON.stringify(old);
    this.rows.set(review.reaction, next);
    return changed;
  }

  count(reaction: Reaction): number {
    const row = this.rows.get(reaction);
    return row && row.movieId === this.movieId ? row.count : 0;
  }

  leaderboard(): { reaction: Reaction; title: string | null; count: number }[] {
    return REACTIONS.map((reaction) => {
      const row = this.rows.get(reaction);
      return { reaction, title: row?.topMovieTitle ?? null, count: row?.topCount ?? 0 };
    });
  }
}

/** One vote request: a reaction, the movie it was clicked for, a count within the resolver's bound. */
export interface VoteBatch {
  movieId: string;
  reaction: Reaction;
  count: number;
}

/**
 * Clicks batched client-side: every flush sends at most one vote per reaction, its count capped
 * at the resolver's 100 (the rest waits for the next flush), as the original sample aggregated
 * clicks to keep the per-vote fan-out cost down.
 */
export class VoteBatcher {
  private readonly pending = new Map<Reaction, number>();
  private movieId: string | null = null;

  /** Clicks for another movie are dropped: the resolver would refuse them (MovieNotCurrent). */
  click(movieId: string, reaction: Reaction): void {
    if (movieId !== this.movieId) {
      this.pending.clear();
      this.movieId = movieId;
    }
    this.pending.set(reaction, (this.pending.get(reaction) ?? 0) + 1);
  }

  pendingFor(reaction: Reaction): number {
    return this.pending.get(reaction) ?? 0;
  }

  /** Takes what to send now; clicks above the bound stay for the next flush. */
  take(): VoteBatch[] {
    const batches: VoteBatch[] = [];
    if (!this.movieId) return batches;
    for (const reaction of REACTIONS) {
      const n = this.pending.get(reaction) ?? 0;
      if (n <= 0) continue;
      const count = Math.min(n, MAX_VOTE_COUNT);
      batches.push({ movieId: this.movieId, reaction, count });
      if (n - count > 0) this.pending.set(reaction, n - count);
      else this.pending.delete(reaction);
    }
    return batches;
  }
}
