/**
 * A client of AppSync's real-time WebSocket protocol, as AWS documents it in "Building a
 * real-time WebSocket client" (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html):
 * subprotocol graphql-ws; the auth headers (host, x-api-key) as base64 JSON in the `header`
 * query parameter and `payload=e30=`; connection_init / connection_ack (connectionTimeoutMs);
 * start (the operation as a JSON string in payload.data, the auth headers in
 * payload.extensions.authorization) / start_ack; data; ka (keep-alive: no ka within
 * connectionTimeoutMs means the connection is dead); stop / complete.
 *
 * Subscriptions survive reconnects: after a drop the client reconnects with exponential backoff
 * and full jitter and starts every open subscription again. AppSync does not replay what was
 * missed, so listeners of the connection state re-query current state on each `connected`,
 * which is announced only once every open subscription is acknowledged.
 */

/** The part of the browser's WebSocket this client uses, so tests can pass a recorded one. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocols: string[]) => SocketLike;

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface SubscriptionHandlers {
  /** One event's `data` (the subscription field, e.g. { onTick: {...} }). */
  next(data: Record<string, unknown>): void;
  /** The server refused the subscription (start error) or sent an error for it. */
  error(message: string): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RealtimeOptions {
  realtimeUrl: string;
  graphqlUrl: string;
  apiKey: string;
  socketFactory?: SocketFactory;
  timers?: Timers;
  /** A number in [0, 1) for the backoff jitter. */
  random?: () => number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How long to wait for connection_ack before giving up on a connection attempt. */
  ackTimeoutMs?: number;
}

interface Sub {
  readonly id: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly handlers: SubscriptionHandlers;
  acked: boolean;
  failed: boolean;
}

const browserSocket: SocketFactory = (url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike;
const browserTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** base64 of a JSON object, as the `header` query parameter and AppSync expect it. */
export function base64Json(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  bytes.forEach((b) => (binary += String.fromCharCode(b)));
  return btoa(binary);
}

export class RealtimeClient {
  private readonly opts: Required<Omit<RealtimeOptions, 'socketFactory' | 'timers' | 'random'>>;
  private readonly socketFactory: SocketFactory;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly auth: Record<string, string>;
  private readonly subs = new Map<string, Sub>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private socket: SocketLike | null = null;
  private acked = false;
  private state: ConnectionState = 'idle';
  private attempt = 0;
  private kaTimer: unknown = null;
  private reconnectTimer: unknown = null;
  private kaTimeoutMs = 300_000;
  private nextId = 0;
  private closed = false;

  constructor(options: RealtimeOptions) {
    this.opts = {
      realtimeUrl: options.realtimeUrl,
      graphqlUrl: options.graphqlUrl,
      apiKey: options.apiKey,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 15_000,
      ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
    };
    this.socketFactory = options.socketFactory ?? browserSocket;
    this.timers = options.timers ?? browserTimers;
    this.random = options.random ?? Math.random;
    // AppSync authorizes API-key connections on the GraphQL endpoint's host.
    this.auth = { host: new URL(options.graphqlUrl).host, 'x-api-key': options.apiKey };
  }

  /** The URL the WebSocket opens: auth in the `header` query parameter, an empty payload. */
  connectionUrl(): string {
    return `${this.opts.realtimeUrl}?header=${encodeURIComponent(base64Json(this.auth))}&payload=e30=`;
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Calls listener with the current state and every change; returns an unsubscribe function. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  /** Opens a subscription (connecting first if needed); the returned function stops it. */
  subscribe(query: string, variables: Record<string, unknown>, handlers: SubscriptionHandlers): () => void {
    const id = `s${++this.nextId}-${Math.floor(this.random() * 1e9).toString(36)}`;
    const sub: Sub = { id, query, variables, handlers, acked: false, failed: false };
    this.subs.set(id, sub);
    if (this.socket && this.acked) {
      this.start(sub);
    } else if (!this.socket && !this.reconnectTimer) {
      this.connect();
    }
    return () => this.stop(id);
  }

  /** Stops everything and closes the connection for good. */
  close(): void {
    this.closed = true;
    this.clearTimers();
    this.subs.clear();
    this.dropSocket();
    this.setState('closed');
  }

  private stop(id: string): void {
    const sub = this.subs.get(id);
    if (!sub) return;
    this.subs.delete(id);
    if (this.socket && this.acked && sub.acked) {
      this.send({ type: 'stop', id });
    }
    this.maybeConnected();
  }

  private connect(): void {
    if (this.closed) return;
    this.setState(this.attempt === 0 && this.state !== 'reconnecting' ? 'connecting' : 'reconnecting');
    let socket: SocketLike;
    try {
      socket = this.socketFactory(this.connectionUrl(), ['graphql-ws']);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.acked = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.send({ type: 'connection_init' });
      this.armKeepAlive(this.opts.ackTimeoutMs);
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.onMessage(ev.data);
    };
    const lost = () => {
      if (this.socket === socket) this.connectionLost();
    };
    socket.onclose = lost;
    socket.onerror = lost;
  }

  private onMessage(raw: unknown): void {
    let msg: { type?: string; id?: string; payload?: Record<string, unknown> };
    try {
      msg = JSON.parse(String(raw));
    } catch {
      return;
    }
    const sub = msg.id ? this.subs.get(msg.id) : undefined;
    switch (msg.type) {
      case 'connection_ack': {
        const timeout = Number(msg.payload?.['connectionTimeoutMs']);
        this.kaTimeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout : 300_000;
        this.acked = true;
        this.attempt = 0;
        this.armKeepAlive(this.kaTimeoutMs);
        for (const s of this.subs.values()) {
          s.acked = false;
          s.failed = false;
          this.start(s);
        }
        this.maybeConnected();
        return;
      }
      case 'ka':
        this.armKeepAlive(this.kaTimeoutMs);
        return;
      case 'start_ack':
        if (sub) {
          sub.acked = true;
          this.maybeConnected();
        }
        return;
      case 'data':
        if (sub) {
          const data = msg.payload?.['data'];
          if (data && typeof data === 'object') sub.handlers.next(data as Record<string, unknown>);
        }
        return;
      case 'complete':
        if (sub) this.subs.delete(sub.id);
        return;
      case 'error':
        if (sub) {
          sub.failed = true;
          sub.handlers.error(errorMessage(msg.payload));
          this.subs.delete(sub.id);
          this.maybeConnected();
        } else if (!msg.id) {
          this.connectionLost();
        }
        return;
      case 'connection_error':
        this.connectionLost();
        return;
      default:
        return;
    }
  }

  private start(sub: Sub): void {
    this.send({
      id: sub.id,
      type: 'start',
      payload: {
        data: JSON.stringify({ query: sub.query, variables: sub.variables }),
        extensions: { authorization: this.auth },
      },
    });
  }

  /** `connected` once the connection is acknowledged and no open subscription awaits start_ack. */
  private maybeConnected(): void {
    if (!this.socket || !this.acked || this.state === 'connected') return;
    for (const s of this.subs.values()) {
      if (!s.acked && !s.failed) return;
    }
    this.setState('connected');
  }

  private connectionLost(): void {
    this.dropSocket();
    if (this.closed) return;
    this.setState('reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    // Exponential backoff with full jitter, as the guide asks of clients after a network error.
    const cap = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** this.attempt);
    const delay = Math.floor(this.random() * cap);
    this.attempt++;
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private armKeepAlive(ms: number): void {
    if (this.kaTimer) this.timers.clearTimeout(this.kaTimer);
    this.kaTimer = this.timers.setTimeout(() => {
      this.kaTimer = null;
      this.connectionLost();
    }, ms);
  }

  private dropSocket(): void {
    if (this.kaTimer) {
      this.timers.clearTimeout(this.kaTimer);
      this.kaTimer = null;
    }
    const socket = this.socket;
    this.socket = null;
    this.acked = false;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(1000);
      } catch {
        // already closed
      }
    }
  }

  private clearTimers(): void {
    if (this.reconnectTimer) {
      this.timers.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
  }

  private send(message: unknown): void {
    try {
      this.socket?.send(JSON.stringify(message));
    } catch {
      this.connectionLost();
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const l of [...this.stateListeners]) l(state);
  }
}

function errorMessage(payload: Record<string, unknown> | undefined): string {
  const errors = payload?.['errors'];
  if (Array.isArray(errors) && errors.length > 0) {
    const e = errors[0] as { message?: string; errorType?: string };
    return [e.errorType, e.message].filter(Boolean).join(': ') || 'subscription refused';
  }
  return 'subscription refused';
}
