import { describe, expect, it } from 'vitest';
import type { Tick } from '../src/api/operations';
import { TickBook } from '../src/views/ticks';

const tick = (symbol: string, sequence: number, price = 10): Tick => ({
  symbol, sequence, price, open: 10, high: 11, low: 9, volume: 100, timestamp: '2026-12-01T09:00:00Z',
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
