import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/api/config';

const good = { graphqlUrl: 'http://127.0.0.1:20002/graphql', realtimeUrl: 'ws://127.0.0.1:20002/graphql/realtime', apiKey: 'k', region: 'us-east-1' };

describe('parseConfig', () => {
  it('accepts the local run and defaults the symbols', () => {
    expect(parseConfig(good).symbols).toEqual(['AMZN', 'AAPL', 'MSFT', 'GOOGL', 'NVDA']);
  });
  it('names the bad key', () => {
    expect(() => parseConfig({ ...good, realtimeUrl: 'https://x/graphql' })).toThrow("'realtimeUrl' must use ws: or wss:");
    expect(() => parseConfig({ ...good, apiKey: '' })).toThrow("'apiKey' is missing");
    expect(() => parseConfig({ ...good, symbols: ['bad symbol'] })).toThrow("'symbols'");
  });
});
