import { describe, expect, it } from 'vitest';
import type { Tick } from '../src/api/operations';
import { priceChart } from '../src/views/chart';
import { TickBook } from '../src/views/ticks';

const tick = (symbol: string, sequence: number, price = 10, previousSequence: number | null = null): Tick => ({
  symbol, sequence, price, open: 10, high: 11, low: 9, volume: 100, timestamp: '2026-12-01T09:00:00Z', previousSequence,
});

describe('TickBook', () => {
  it('drops a tick not newer than the last shown for its symbol', () => {
    const book = new TickBook();
    expect(book.accept(tick('AMZN', 5))).toBe(true);
    expect(book.accept(tick('AMZN', 5, 99))).toBe(false);
    expect(book.accept(tick('AMZN', 4, 99))).toBe(false);
    expect(book.accept(tick('MSFT', 1))).toBe(true);
    expect(book.last('AMZN')!.price).toBe(10);
  });

  it('keeps a bounded price history', () => {
    const book = new TickBook(3);
    for (let i = 1; i <= 5; i++) book.accept(tick('AMZN', i, i));
    expect(book.prices('AMZN')).toEqual([3, 4, 5]);
  });
});

describe('TickBook, gaps in a symbol\'s sequence', () => {
  // Sequences as the producer makes them: the round's due time in epoch ms, a second apart.
  const T = 1_767_623_400_000;

  it('sees no gap when each tick names the last one shown as its previous', () => {
    const book = new TickBook();
    book.accept(tick('AMZN', T, 10, T - 1000));
    book.accept(tick('AMZN', T + 1000, 11, T));
    // A pause between producer runs (10 s here) is no gap: the tick after it names the one before.
    book.accept(tick('AMZN', T + 11_000, 12, T + 1000));
    expect(book.gaps('AMZN')).toBe(0);
    expect(book.points('AMZN').map((p) => p.afterGap)).toEqual([false, false, false]);
  });

  it('counts a gap, once whatever it spans, when a tick\'s previous is above the last shown', () => {
    const book = new TickBook();
    book.accept(tick('AMZN', T, 10));
    // T + 1000 never arrived: the next names it.
    expect(book.accept(tick('AMZN', T + 2000, 11, T + 1000))).toBe(true);
    expect(book.gaps('AMZN')).toBe(1);
    expect(book.lastGap('AMZN')!.sequence).toBe(T + 2000);
    book.accept(tick('AMZN', T + 3000, 12, T + 2000));
    // Five missed in a row are one gap: how many is not known.
    book.accept(tick('AMZN', T + 9000, 13, T + 8000));
    expect(book.gaps('AMZN')).toBe(2);
    expect(book.lastGap('AMZN')!.sequence).toBe(T + 9000);
    expect(book.points('AMZN').map((p) => p.afterGap)).toEqual([false, true, false, true]);
    expect(book.gaps('MSFT')).toBe(0);
  });

  it('cannot tell without a previous, or from a first tick, and sees none in a previous below the last shown', () => {
    const book = new TickBook();
    // The first tick shown: nothing to compare with, whatever its previous.
    book.accept(tick('AMZN', T, 10, T - 5000));
    // No previous (a fresh producer environment, an older backend).
    book.accept(tick('AMZN', T + 5000, 11, null));
    // Another producer environment's older last tick: nothing known to be missed.
    book.accept(tick('AMZN', T + 6000, 12, T - 60_000));
    expect(book.gaps('AMZN')).toBe(0);
  });

  it('counts no gap while told the last shown tick is no baseline yet', () => {
    const book = new TickBook();
    book.accept(tick('AMZN', T, 10), false);
    expect(book.accept(tick('AMZN', T + 2000, 11, T + 1000), false)).toBe(true);
    expect(book.gaps('AMZN')).toBe(0);
    expect(book.points('AMZN').map((p) => p.afterGap)).toEqual([false, false]);
  });

  it('forgets a symbol whole, so what it missed while not followed is no gap', () => {
    const book = new TickBook();
    book.accept(tick('AMZN', T, 10));
    book.accept(tick('AMZN', T + 2000, 11, T + 1000));
    book.forget('AMZN');
    expect(book.gaps('AMZN')).toBe(0);
    expect(book.last('AMZN')).toBeUndefined();
    expect(book.accept(tick('AMZN', T + 60_000, 12, T + 59_000))).toBe(true);
    expect(book.gaps('AMZN')).toBe(0);
    expect(book.prices('AMZN')).toEqual([12]);
  });
});

describe('priceChart', () => {
  it('draws one line when nothing was missed', () => {
    const chart = priceChart([{ price: 1 }, { price: 2 }, { price: 3 }], 'AMZN');
    expect(chart.querySelectorAll('polyline')).toHaveLength(1);
    expect(chart.querySelectorAll('line.gap')).toHaveLength(0);
  });

  it('breaks the line where ticks were missed, marks the break and draws a lone price as a dot', () => {
    const chart = priceChart([{ price: 1 }, { price: 2 }, { price: 3, afterGap: true }, { price: 4 },
      { price: 5, afterGap: true }], 'AMZN: broken');
    const lines = [...chart.querySelectorAll('polyline')].map((l) => l.getAttribute('points')!.split(' ').length);
    expect(lines).toEqual([2, 2]);
    expect(chart.querySelectorAll('circle')).toHaveLength(1);
    expect(chart.querySelectorAll('line.gap')).toHaveLength(2);
    expect(chart.querySelector('title')!.textContent).toBe('AMZN: broken');
  });
});
