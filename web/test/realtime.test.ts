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

/** The start messages a socket sent, in order. */
function starts(socket: FakeSocket): { id: string }[] {
  return socket.sent.filter((m) => m['type'] === 'start') as unknown as { id: string }[];
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

  it('reports a refused start to that subscription, says degraded, and starts it again with backoff', () => {
    const { client, sockets, states, timers } = setup();
    const errors: string[] = [];
    client.subscribe('subscription { onNothing }', {}, { next: () => {}, error: (m) => errors.push(m) });
    const socket = sockets[0]!;
    handshake(socket);
    const id = (socket.sent[1] as { id: string }).id;
    socket.receive({ id, type: 'error', payload: { errors: [{ errorType: 'UnknownOperationError', message: 'bad' }] } });
    expect(errors).toEqual(['UnknownOperationError: bad']);
    expect(states.at(-1)).toBe('degraded');
    expect(socket.closed).toBe(false);
    socket.receive({ id, type: 'complete' });
    // random() = 0.5: half of the 500 ms base.
    timers.advance(249);
    expect(starts(socket)).toHaveLength(1);
    timers.advance(1);
    const again = starts(socket);
    expect(again).toHaveLength(2);
    expect(again[1]!.id).not.toBe(id);
    socket.receive({ id: again[1]!.id, type: 'start_ack' });
    expect(states.at(-1)).toBe('connected');
  });

  it('keeps the connection on an error without an id after the handshake, and shows it a while', () => {
    const { client, sockets, timers } = setup();
    const details: (string | null)[] = [];
    client.onState((_, detail) => details.push(detail));
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    const socket = sockets[0]!;
    handshake(socket);
    socket.receive({ id: starts(socket)[0]!.id, type: 'start_ack' });
    socket.receive({ type: 'error', payload: { errors: [{ errorType: 'LimitExceededError', message: 'Rate limit exceeded' }] } });
    expect(socket.closed).toBe(false);
    expect(client.connectionState).toBe('degraded');
    expect(details.at(-1)).toBe('LimitExceededError: Rate limit exceeded');
    timers.advance(60_000);
    expect(sockets).toHaveLength(1);
    expect(starts(socket)).toHaveLength(1);
    expect(client.connectionState).toBe('connected');
  });

  it('stops retrying quickly when the key is refused, says so, and tries again rarely or when asked', () => {
    const { client, sockets, timers, states } = setup();
    const details: (string | null)[] = [];
    client.onState((_, detail) => details.push(detail));
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'connection_error', payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] } });
    expect(sockets[0]!.closed).toBe(true);
    expect(states.at(-1)).toBe('unauthorized');
    expect(details.at(-1)).toBe('UnauthorizedException: You are not authorized to make this call.');
    timers.advance(299_999);
    expect(sockets).toHaveLength(1);
    client.reconnectNow();
    expect(sockets).toHaveLength(2);
    handshake(sockets[1]!);
    sockets[1]!.receive({ id: starts(sockets[1]!)[0]!.id, type: 'start_ack' });
    expect(states.at(-1)).toBe('connected');
  });

  it('retries a refused key by itself after five minutes, and an errorCode 403 counts as refused', () => {
    const { client, sockets, timers } = setup();
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'connection_error', payload: { errors: [{ errorCode: 403, message: 'Forbidden' }] } });
    expect(client.connectionState).toBe('unauthorized');
    timers.advance(300_000 + 7_500);
    expect(sockets).toHaveLength(2);
    expect(client.connectionState).toBe('unauthorized');
  });

  it('reconnects with backoff after a connection_error that is not about the key', () => {
    const { client, sockets, timers } = setup();
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    sockets[0]!.open();
    sockets[0]!.receive({ type: 'connection_error', payload: { errors: [{ errorType: 'InternalFailure', errorCode: 500 }] } });
    expect(client.connectionState).toBe('reconnecting');
    timers.advance(250);
    expect(sockets).toHaveLength(2);
  });

  it('does not reset the backoff on a connection_ack alone, only after the connection stayed live', () => {
    const { client, sockets, timers } = setup();
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    // A server that acknowledges every connection and drops it before the subscription is acknowledged.
    for (let i = 0; i < 5; i++) {
      handshake(sockets.at(-1)!);
      sockets.at(-1)!.drop();
      timers.advance(60_000);
    }
    const reconnects = timers.delays.filter((d) => d < 10_000);
    expect(reconnects).toEqual([250, 500, 1000, 2000, 4000]);
    // Live for 30 s: the next drop starts again from the base.
    const live = sockets.at(-1)!;
    handshake(live);
    live.receive({ id: starts(live)[0]!.id, type: 'start_ack' });
    timers.advance(30_000);
    live.drop();
    expect(timers.delays.filter((d) => d < 10_000).at(-1)).toBe(250);
  });

  it('stops a subscription cancelled before its start_ack once the ack comes, and delivers nothing to it', () => {
    const { client, sockets } = setup();
    const events: unknown[] = [];
    const stop = client.subscribe('subscription { onMessage { id } }', {}, { next: (d) => events.push(d), error: () => {} });
    const socket = sockets[0]!;
    handshake(socket);
    const id = starts(socket)[0]!.id;
    stop();
    expect(socket.sent.some((m) => m['type'] === 'stop')).toBe(false);
    socket.receive({ id, type: 'data', payload: { data: { onMessage: { id: 'm1' } } } });
    socket.receive({ id, type: 'start_ack' });
    expect(socket.sent.at(-1)).toEqual({ type: 'stop', id });
    expect(events).toEqual([]);
  });

  it('stops and forgets a cancelled start whose ack never comes', () => {
    const { client, sockets, timers } = setup();
    const stop = client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: () => {} });
    const socket = sockets[0]!;
    handshake(socket);
    const id = starts(socket)[0]!.id;
    stop();
    timers.advance(15_000);
    expect(socket.sent.at(-1)).toEqual({ type: 'stop', id });
    expect(starts(socket)).toHaveLength(1);
  });

  it('starts a subscription again under a new id when its start_ack does not come within 15 s', () => {
    const { client, sockets, timers, states } = setup();
    const errors: string[] = [];
    client.subscribe('subscription { onMessage { id } }', {}, { next: () => {}, error: (m) => errors.push(m) });
    const socket = sockets[0]!;
    handshake(socket);
    const first = starts(socket)[0]!.id;
    timers.advance(14_999);
    expect(states.at(-1)).toBe('connecting');
    timers.advance(1);
    expect(socket.sent.at(-1)).toEqual({ type: 'stop', id: first });
    expect(errors).toEqual(['no start_ack within 15 s']);
    expect(states.at(-1)).toBe('degraded');
    // AppSync answers the stop with complete: the subscription is still retried.
    socket.receive({ id: first, type: 'complete' });
    timers.advance(250);
    const second = starts(socket)[1]!.id;
    expect(second).not.toBe(first);
    // A late ack of the first start is not taken for the second.
    socket.receive({ id: first, type: 'start_ack' });
    expect(states.at(-1)).toBe('degraded');
    socket.receive({ id: second, type: 'start_ack' });
    expect(states.at(-1)).toBe('connected');
  });

  it('reports the errors a data message carries and still delivers its data', () => {
    const { client, sockets } = setup();
    const events: unknown[] = [];
    const errors: string[] = [];
    client.subscribe('subscription { onReview { count } }', {}, { next: (d) => events.push(d), error: (m) => errors.push(m) });
    const socket = sockets[0]!;
    handshake(socket);
    const id = starts(socket)[0]!.id;
    socket.receive({ id, type: 'start_ack' });
    socket.receive({ id, type: 'data', payload: { data: { onReview: null }, errors: [{ errorType: 'DynamoDB:ThrottlingException', message: 'slow down' }] } });
    socket.receive({ id, type: 'data', payload: { data: null, errors: [{ message: 'no data' }] } });
    expect(errors).toEqual(['DynamoDB:ThrottlingException: slow down', 'no data']);
    expect(events).toEqual([{ onReview: null }]);
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
