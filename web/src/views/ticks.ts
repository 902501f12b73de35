import type { Tick } from '../api/operations';
import type { PricePoint } from './chart';

/**
 * The latest tick and a short price history per symbol, and the gaps in each symbol's sequence.
 *
 * A tick whose sequence is not above the last one shown for its symbol (a duplicate, a late event, a
 * query answer older than the stream) is dropped. A shown tick whose previousSequence (the producer's
 * tick before it) is above the last one shown means at least one tick in between never reached the
 * page (lost while disconnected, skipped by the backend): a gap. How many is not known (sequences follow
 * the producer's clock, not a count), so a gap is counted once, whatever it spans. A tick with no
 * previousSequence tells nothing either way. After a reconnect the latestTicks answer is judged the
 * same way: the stored tick's previousSequence is the last shown one when nothing was missed.
 */
export class TickBook {
  private readonly latest = new Map<string, Tick>();
  private readonly history = new Map<string, PricePoint[]>();
  private readonly gapCounts = new Map<string, number>();
  private readonly lastGaps = new Map<string, Tick>();

  constructor(private readonly historySize = 60) {}

  /**
   * Returns whether the tick was newer and is now shown.
   * @param tellGaps false while the last shown tick is no baseline yet (see TickerView): then a skipped
   *   tick is not counted as a gap
   */
  accept(tick: Tick, tellGaps = true): boolean {
    const last = this.latest.get(tick.symbol);
    if (last && tick.sequence <= last.sequence) return false;
    const gap = tellGaps && last !== undefined && tick.previousSequence !== null && tick.previousSequence > last.sequence;
    if (gap) {
      this.gapCounts.set(tick.symbol, this.gaps(tick.symbol) + 1);
      this.lastGaps.set(tick.symbol, tick);
    }
    this.latest.set(tick.symbol, tick);
    const points = this.history.get(tick.symbol) ?? [];
    points.push({ price: tick.price, afterGap: gap });
    if (points.length > this.historySize) points.splice(0, points.length - this.historySize);
    this.history.set(tick.symbol, points);
    return true;
  }

  last(symbol: string): Tick | undefined {
    return this.latest.get(symbol);
  }

  /** The gaps seen in the symbol's sequence since it was first shown (or forgotten). */
  gaps(symbol: string): number {
    return this.gapCounts.get(symbol) ?? 0;
  }

  /** The tick shown right after the latest gap, if any. */
  lastGap(symbol: string): Tick | undefined {
    return this.lastGaps.get(symbol);
  }

  /** The recent prices, each marked when ticks were missed just before it. */
  points(symbol: string): readonly PricePoint[] {
    return this.history.get(symbol) ?? [];
  }

  prices(symbol: string): readonly number[] {
    return this.points(symbol).map((p) => p.price);
  }

  /**
   * Starts the symbol afresh (the viewer stopped following it): what it missed while not chosen is no
   * gap, and its line does not join across that time.
   */
  forget(symbol: string): void {
    this.latest.delete(symbol);
    this.history.delete(symbol);
    this.gapCounts.delete(symbol);
    this.lastGaps.delete(symbol);
  }
}
