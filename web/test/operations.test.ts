/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asTick, M_SEND_MESSAGE, Q_LATEST_TICKS, S_MESSAGE, S_TICK } from '../src/api/operations';

// onMessage subscribers get only the fields sendMessage selected, so the resolver refuses
// (IncompleteSelection) a sender that does not select every field of Message by its name.
describe('chat operations', () => {
  const selection = (operation: string, field: string): string =>
    new RegExp(`${field}(?:\\([^)]*\\))?\\s*\\{([^}]*)\\}`).exec(operation)?.[1] ?? '';
  const fields = (text: string): string[] => text.trim().split(/\s+/).sort();

  it('sendMessage selects every field of Message (graphql/schema.graphql), by name', () => {
    const sent = selection(M_SEND_MESSAGE, 'sendMessage');
    expect(sent).not.toMatch(/:|@|\.\.\./);
    expect(fields(sent)).toEqual(['author', 'id', 'sentAt', 'text']);
  });

  it('the page subscribes to exactly the fields it sends', () => {
    expect(fields(selection(S_MESSAGE, 'onMessage'))).toEqual(fields(selection(M_SEND_MESSAGE, 'sendMessage')));
  });
});

describe('tick operations', () => {
  const selection = (operation: string, field: string): string[] =>
    (new RegExp(`${field}(?:\\([^)]*\\))?\\s*\\{([^}]*)\\}`).exec(operation)?.[1] ?? '').trim().split(/\s+/).sort();
  // The fields of `type Tick` in the schema the API is built from (doc strings left out); npm runs the
  // tests in web/.
  const schema = readFileSync('../graphql/schema.graphql', 'utf8');
  const tickType = /type Tick [^{]*\{([^}]*)\}/.exec(schema)![1]!.replace(/"""[\s\S]*?"""|"[^"\n]*"/g, '');
  const tickFields = [...tickType.matchAll(/^\s*(\w+)\s*:/gm)].map((m) => m[1]!).sort();

  it('onTick and latestTicks select every field of Tick, previousSequence too (gaps are told by it)', () => {
    expect(tickFields).toContain('previousSequence');
    expect(selection(S_TICK, 'onTick')).toEqual(tickFields);
    expect(selection(Q_LATEST_TICKS, 'latestTicks')).toEqual(tickFields);
  });

  it('reads previousSequence as null when absent or null, and skips a tick whose previousSequence is not a number', () => {
    const base = { symbol: 'AMZN', price: 1, open: 1, high: 1, low: 1, volume: 1, timestamp: '2026-12-01T09:00:00Z', sequence: 5 };
    expect(asTick(base)!.previousSequence).toBeNull();
    expect(asTick({ ...base, previousSequence: null })!.previousSequence).toBeNull();
    expect(asTick({ ...base, previousSequence: 4 })!.previousSequence).toBe(4);
    expect(asTick({ ...base, previousSequence: '4' })).toBeNull();
  });
});
