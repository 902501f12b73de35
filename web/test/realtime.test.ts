import { describe, expect, it } from 'vitest';
import { RealtimeClient, type ConnectionState } from '../src/api/realtime';
import { FakeSocket, FakeTimers } from './fakes';

// The exchange AWS documents in "Building a real-time WebSocket client":
// https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html
function setup() {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const states: ConnectionState[] = [];
  const client = new RealtimeClient({
    realtimeUrl: 'wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/graphql',
    graphqlUrl: 'https://abc.appsync-api.us-east-1.amazonaws.com/graphql',
    apiKey: 'da2-key',
    socketFactory: (url, protocols) => { const s = new FakeSocket(url, protocols); sockets.push(s); return s; },
    timers,
    random: () => 0.5,
  });
  client.onState((s) => states.push(s));
  return { client, sockets, timers, states };
}

function handshake(socket: FakeSocket, timeoutMs = 300000) {
  socket.open();
  socket.receive({ type: 'connection_ack', payload: { connectionTimeoutMs: timeoutMs } });
}

describe('RealtimeClient', () => {
  it('connects with the auth headers in the header query parameter and the graphql-ws subprotocol', () => {
    const { client, sockets } = setup();
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    const socket = sockets[0]!;
    expect(socket.protocols).toEqual(['graphql-ws']);
    const url = new URL(socket.url);
    expect(url.origin + url.pathname).toBe('wss://abc.appsync-realtime-api.us-east-1.amazonaws.com/graphql');
    expect(url.searchParams.get('payload')).toBe('e30=');
    expect(JSON.parse(atob(url.searchParams.get('header')!))).toEqual({
      host: 'abc.appsync-api.us-east-1.amazonaws.com', 'x-api-key': 'da2-key',
    });
    socket.open();
    expect(socket.sent[0]).toEqual({ type: 'connection_init' });
  });

  it('starts a subscription after connection_ack with the operation as a JSON string and auth in extensions', () => {
    const { client, sockets, states } = setup();
    const events: unknown[] = [];
    client.subscribe('subscription S($symbol: String!) { onTick(symbol: $symbol) { symbol } }', { symbol: 'AMZN' },
      { next: (d) => events.push(d), error: () => {} });
    const socket = sockets[0]!;
    handshake(socket);
    const start = socket.sent[1] as { id: string; type: string; payload: { data: string; extensions: unknown } };
    expect(start.type).toBe('start');
    expect(JSON.parse(start.payload.data)).toEqual({
      query: 'subscription S($symbol: String!) { onTick(symbol: $symbol) { symbol } }', variables: { symbol: 'AMZN' },
    });
    expect(start.payload.extensions).toEqual({ authorization: { host: 'abc.appsync-api.us-east-1.amazonaws.com', 'x-api-key': 'da2-key' } });
    expect(states.at(-1)).toBe('connecting');
    socket.receive({ id: start.id, type: 'start_ack' });
    expect(states.at(-1)).toBe('connected');
    socket.receive({ id: start.id, type: 'data', payload: { data: { onTick: { symbol: 'AMZN' } } } });
    socket.receive({ id: 'someone-else', type: 'data', payload: { data: { onTick: { symbol: 'MSFT' } } } });
    expect(events).toEqual([{ onTick: { symbol: 'AMZN' } }]);
  });

  it('sends stop for an acknowledged subscription when it is closed', () => {
    const { client, sockets } = setup();
    const stop = client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    const socket = sockets[0]!;
    handshake(socket);
    const id = (socket.sent[1] as { id: string }).id;
    socket.receive({ id, type: 'start_ack' });
    stop();
    expect(socket.sent.at(-1)).toEqual({ type: 'stop', id });
    socket.receive({ id, type: 'complete' });
  });

  it('reports a refused start to that subscription only', () => {
    const { client, sockets, states } = setup();
    const errors: string[] = [];
    client.subscribe('subscription { onNothing }', {}, { next: () => {}, error: (m) => errors.push(m) });
    const socket = sockets[0]!;
    handshake(socket);
    const id = (socket.sent[1] as { id: string }).id;
    socket.receive({ id, type: 'error', payload: { errors: [{ errorType: 'UnknownOperationError', message: 'bad' }] } });
    expect(errors).toEqual(['UnknownOperationError: bad']);
    expect(states.at(-1)).toBe('connected');
    expect(socket.closed).toBe(false);
  });

  it('treats a missing ka within connectionTimeoutMs as a dead connection and reconnects with backoff', () => {
    const { client, sockets, timers, states } = setup();
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    const first = sockets[0]!;
    handshake(first, 1000);
    first.receive({ id: (first.sent[1] as { id: string }).id, type: 'start_ack' });
    timers.advance(900);
    first.receive({ type: 'ka' });
    timers.advance(900);
    expect(first.closed).toBe(false);
    timers.advance(200);
    expect(first.closed).toBe(true);
    expect(states.at(-1)).toBe('reconnecting');
    timers.advance(1000);
    expect(sockets).toHaveLength(2);
  });

  it('reconnects after a drop, starts every subscription again and says connected only once they are acknowledged', () => {
    const { client, sockets, timers, states } = setup();
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    client.subscribe('subscription { onReview { count } }', {}, { next: () => {}, error: () => {} });
    handshake(sockets[0]!);
    for (const m of sockets[0]!.sent.slice(1)) sockets[0]!.receive({ id: (m as { id: string }).id, type: 'start_ack' });
    sockets[0]!.drop();
    expect(states.at(-1)).toBe('reconnecting');
    timers.advance(60_000);
    const second = sockets[1]!;
    handshake(second);
    const starts = second.sent.filter((m) => m['type'] === 'start') as { id: string }[];
    expect(starts).toHaveLength(2);
    expect(states.at(-1)).toBe('reconnecting');
    second.receive({ id: starts[0]!.id, type: 'start_ack' });
    expect(states.at(-1)).toBe('reconnecting');
    second.receive({ id: starts[1]!.id, type: 'start_ack' });
    expect(states.at(-1)).toBe('connected');
  });

  it('backs off exponentially with jitter while the server stays away, capped', () => {
    const { client, sockets, timers } = setup();
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    for (let i = 0; i < 8; i++) {
      sockets.at(-1)!.drop();
      timers.advance(60_000);
    }
    // random() = 0.5: half of min(15000, 500 * 2^attempt).
    const reconnectDelays = timers.delays.filter((d) => d !== 10_000);
    expect(reconnectDelays).toEqual([250, 500, 1000, 2000, 4000, 7500, 7500, 7500]);
  });
});
