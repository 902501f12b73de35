import type { Tick } from '../api/operations';

/**
 * The latest tick and a short price history per symbol. A tick whose sequence is not above the
 * last one shown for its symbol (a duplicate, a late event, a query answer older than the stream)
 * is dropped.
 */
export class TickBook {
  private readonly latest = new Map<string, Tick>();
  private readonly history = new Map<string, number[]>();

  constructor(private readonly historySize = 60) {}

  /** Returns whether the tick was newer and is now shown. */
  accept(tick: Tick): boolean {
    const last = this.latest.get(tick.symbol);
    if (last && tick.sequence <= last.sequence) return false;
    this.latest.set(tick.symbol, tick);
    const prices = this.history.get(tick.symbol) ?? [];
    prices.push(tick.price);
    if (prices.length > this.historySize) prices.splice(0, prices.length - this.historySize);
    this.history.set(tick.symbol, prices);
    return true;
  }

  last(symbol: string): Tick | undefined {
    return this.latest.get(symbol);
  }

  prices(symbol: string): readonly number[] {
    return this.history.get(symbol) ?? [];
  }
}
