/**
 * A client of AppSync's real-time WebSocket protocol, as AWS documents it in "Building a
 * real-time WebSocket client" (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html):
 * subprotocol graphql-ws; the auth headers (host, x-api-key) as base64 JSON in the `header`
 * query parameter and `payload=e30=`; connection_init / connection_ack (connectionTimeoutMs);
 * start (the operation as a JSON string in payload.data, the auth headers in
 * payload.extensions.authorization) / start_ack; data; ka (keep-alive: no ka within
 * connectionTimeoutMs means the connection is dead); stop / complete; error and connection_error.
 *
 * Subscriptions survive reconnects: after a drop the client reconnects with exponential backoff
 * and full jitter and starts every open subscription again. AppSync does not replay what was
 * missed, so listeners of the connection state re-query current state on each `connected`,
 * which is announced only once every open subscription is acknowledged.
 *
 * The error paths, each compared with Amplify JS v6's AWSAppSyncRealTimeProvider (the AWS client most
 * pages use):
 * - An `error` without an id after the handshake (the guide's example: `LimitExceededError`, "Rate limit
 *   exceeded") concerns no subscription and does not end the connection: it is shown (`degraded`) for
 *   {@link RealtimeOptions.noticeMs} and the connection stays. Amplify v6 ignores it (no observer for an
 *   empty id); we show it, since a throttled viewer should know why updates lag.
 * - `connection_error` for authorization (`UnauthorizedException`, or errorCode 401/403: an expired,
 *   rotated or wrong API key) is `unauthorized`: no quick retries, one attempt every
 *   {@link RealtimeOptions.unauthorizedRetryMs} (and {@link RealtimeClient.reconnectNow}). Amplify v6 stops
 *   for good on 400/401/403 (NonRetryableError); we keep a slow retry so a tab left open recovers, without
 *   a reload, once the operator has renewed the key, at one connection attempt per tab every 5 minutes.
 * - Other failures reconnect with jittered exponential backoff that resets only after the connection has
 *   been fully live for {@link RealtimeOptions.backoffResetMs}, not on a mere `connection_ack`: a server
 *   that acknowledges and then fails every start no longer gets a reconnect every 0-500 ms. Amplify v6
 *   retries the handshake with jittered exponential delays (at most 5 s) and reconnects after 5 s.
 * - A subscription stopped before its `start_ack` is stopped once the ack comes (`stop`, as Amplify v6
 *   waits for the ack before its `stop`); one stopped after its ack is stopped at once. Either way the
 *   server stops sending it and it stops counting against the connection's subscriptions.
 * - Each `start` has {@link RealtimeOptions.startAckTimeoutMs} (15 s, Amplify v6's START_ACK_TIMEOUT) for its
 *   `start_ack`; then it is stopped and started again under a new id. Amplify v6 fails the subscription
 *   there; we retry, since the page has no one to hand the failure to.
 * - An `error` for a subscription is reported to it and the subscription is started again with its own
 *   jittered exponential backoff; the state is `degraded` meanwhile, never `connected`. Amplify v6 ends the
 *   observer with the error (the app must subscribe again).
 * - A `data` message carrying `errors` is reported to the subscription's error handler (and its data, if
 *   any, delivered), not dropped. Amplify v6 passes both to the observer.
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

/**
 * - `connected`: every open subscription is acknowledged;
 * - `degraded`: connected, but a subscription is refused or unacknowledged and being retried, or the
 *   server reported an error of its own (throttling);
 * - `reconnecting`: the connection was lost and is being made again, with backoff;
 * - `unauthorized`: the API key was refused; retried rarely.
 */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'degraded' | 'reconnecting' | 'unauthorized' | 'closed';

export interface SubscriptionHandlers {
  /** One event's `data` (the subscription field, e.g. { onTick: {...} }). */
  next(data: Record<string, unknown>): void;
  /** The server refused the subscription or reported an error in an event; the subscription carries on (retried). */
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
  /** How long the connection must be fully live before the reconnect backoff starts again from its base. */
  backoffResetMs?: number;
  /** How long to wait for connection_ack before giving up on a connection attempt. */
  ackTimeoutMs?: number;
  /** How long a start waits for its start_ack before it is started again. */
  startAckTimeoutMs?: number;
  /** Time between two connection attempts while the API key is refused. */
  unauthorizedRetryMs?: number;
  /** How long an error the server sent without a subscription id is shown. */
  noticeMs?: number;
}

type Phase = 'pending' | 'acked' | 'failed' | 'cancelled';

interface Sub {
  id: string;
  readonly query: string;
  readonly variables: Record<string, unknown>;
  readonly handlers: SubscriptionHandlers;
  phase: Phase;
  /** Retries since it was last acknowledged. */
  attempt: number;
  lastError: string | null;
  ackTimer: unknown;
  retryTimer: unknown;
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
  private readonly stateListeners = new Set<(state: ConnectionState, detail: string | null) => void>();
  private socket: SocketLike | null = null;
  private acked = false;
  private state: ConnectionState = 'idle';
  private detail: string | null = null;
  private attempt = 0;
  private kaTimer: unknown = null;
  private reconnectTimer: unknown = null;
  private stableTimer: unknown = null;
  private noticeTimer: unknown = null;
  private notice: string | null = null;
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
      backoffResetMs: options.backoffResetMs ?? 30_000,
      ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
      startAckTimeoutMs: options.startAckTimeoutMs ?? 15_000,
      unauthorizedRetryMs: options.unauthorizedRetryMs ?? 300_000,
      noticeMs: options.noticeMs ?? 15_000,
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

  /**
   * Calls listener with the current state and every change, with what is wrong when the state is
   * `degraded`, `reconnecting` or `unauthorized` (else null); returns an unsubscribe function.
   */
  onState(listener: (state: ConnectionState, detail: string | null) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state, this.detail);
    return () => this.stateListeners.delete(listener);
  }

  /** Opens a subscription (connecting first if needed); the returned function stops it. */
  subscribe(query: string, variables: Record<string, unknown>, handlers: SubscriptionHandlers): () => void {
    const sub: Sub = {
      id: this.newId(), query, variables, handlers, phase: 'pending', attempt: 0, lastError: null,
      ackTimer: null, retryTimer: null,
    };
    this.subs.set(sub.id, sub);
    if (this.socket && this.acked) {
      this.start(sub);
    } else if (!this.socket && !this.reconnectTimer) {
      this.connect();
    }
    return () => this.stop(sub);
  }

  /** Tries to connect now (a viewer's "try again"), whatever the backoff or the refused key's wait. */
  reconnectNow(): void {
    if (this.closed || (this.socket && this.acked)) return;
    this.clearTimer('reconnectTimer');
    this.dropSocket();
    this.connect();
  }

  /** Stops everything and closes the connection for good. */
  close(): void {
    this.closed = true;
    this.clearTimer('reconnectTimer');
    this.clearTimer('stableTimer');
    this.clearTimer('noticeTimer');
    for (const sub of this.subs.values()) this.clearSubTimers(sub);
    this.subs.clear();
    this.dropSocket();
    this.setState('closed', null);
  }

  private newId(): string {
    return `s${++this.nextId}-${Math.floor(this.random() * 1e9).toString(36)}`;
  }

  private stop(sub: Sub): void {
    if (this.subs.get(sub.id) !== sub || sub.phase === 'cancelled') return;
    this.clearSubTimers(sub);
    if (this.socket && this.acked && sub.phase === 'pending') {
      // Started, not yet acknowledged: stopped when the ack comes (or when its wait for it ends).
      sub.phase = 'cancelled';
      sub.ackTimer = this.timers.setTimeout(() => this.forget(sub), this.opts.startAckTimeoutMs);
      this.refreshState();
      return;
    }
    if (this.socket && this.acked && sub.phase === 'acked') {
      this.send({ type: 'stop', id: sub.id });
    }
    this.subs.delete(sub.id);
    this.refreshState();
  }

  /** A cancelled start whose ack never came: stop it in case the server started it late, and forget it. */
  private forget(sub: Sub): void {
    sub.ackTimer = null;
    if (this.subs.get(sub.id) !== sub) return;
    this.subs.delete(sub.id);
    if (this.socket && this.acked) this.send({ type: 'stop', id: sub.id });
  }

  private connect(): void {
    if (this.closed) return;
    if (this.state !== 'unauthorized') {
      this.setState(this.attempt === 0 && this.state !== 'reconnecting' ? 'connecting' : 'reconnecting', this.detail);
    }
    let socket: SocketLike;
    try {
      socket = this.socketFactory(this.connectionUrl(), ['graphql-ws']);
    } catch (e) {
      this.connectionLost(`the real-time endpoint cannot be opened: ${(e as Error).message}`);
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
      if (this.socket === socket) this.connectionLost('the connection was lost');
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
        this.armKeepAlive(this.kaTimeoutMs);
        for (const s of [...this.subs.values()]) {
          this.clearSubTimers(s);
          if (s.phase === 'cancelled') {
            // Its start belonged to the lost connection, which took it along.
            this.subs.delete(s.id);
          } else {
            this.start(s);
          }
        }
        this.refreshState();
        return;
      }
      case 'ka':
        this.armKeepAlive(this.kaTimeoutMs);
        return;
      case 'start_ack':
        if (sub && sub.phase !== 'failed') this.acknowledged(sub);
        return;
      case 'data':
        if (sub && (sub.phase === 'acked' || sub.phase === 'pending')) this.deliver(sub, msg.payload);
        return;
      case 'complete':
        if (sub) {
          this.clearSubTimers(sub);
          this.subs.delete(sub.id);
        }
        return;
      case 'error':
        if (sub) {
          if (sub.phase !== 'failed') this.subscriptionFailed(sub, errorMessage(msg.payload, 'subscription refused'));
        } else if (!this.acked) {
          this.connectionLost(errorMessage(msg.payload, 'the handshake failed'));
        } else if (!msg.id) {
          this.showNotice(errorMessage(msg.payload, 'the server reported an error'));
        }
        return;
      case 'connection_error': {
        const message = errorMessage(msg.payload, 'the connection was refused');
        if (isAuthorizationError(msg.payload)) this.refused(message);
        else this.connectionLost(message);
        return;
      }
      default:
        return;
    }
  }

  private start(sub: Sub): void {
    sub.phase = 'pending';
    this.send({
      id: sub.id,
      type: 'start',
      payload: {
        data: JSON.stringify({ query: sub.query, variables: sub.variables }),
        extensions: { authorization: this.auth },
      },
    });
    sub.ackTimer = this.timers.setTimeout(() => {
      sub.ackTimer = null;
      if (this.subs.get(sub.id) === sub && sub.phase === 'pending') {
        this.subscriptionFailed(sub, `no start_ack within ${Math.round(this.opts.startAckTimeoutMs / 1000)} s`);
      }
    }, this.opts.startAckTimeoutMs);
  }

  private acknowledged(sub: Sub): void {
    this.clearSubTimers(sub);
    if (sub.phase === 'cancelled') {
      this.subs.delete(sub.id);
      this.send({ type: 'stop', id: sub.id });
      return;
    }
    sub.phase = 'acked';
    sub.attempt = 0;
    sub.lastError = null;
    this.refreshState();
  }

  private deliver(sub: Sub, payload: Record<string, unknown> | undefined): void {
    const errors = payload?.['errors'];
    if (Array.isArray(errors) && errors.length > 0) {
      sub.handlers.error(errorMessage(payload, 'the event carried errors'));
    }
    const data = payload?.['data'];
    if (data && typeof data === 'object') sub.handlers.next(data as Record<string, unknown>);
  }

  /**
   * A refused or unacknowledged subscription: told to its handler, stopped in case the server holds it,
   * and started again under a new id after its own backoff.
   */
  private subscriptionFailed(sub: Sub, message: string): void {
    this.clearSubTimers(sub);
    if (sub.phase === 'cancelled') {
      this.subs.delete(sub.id);
      return;
    }
    if (sub.phase === 'pending' && this.socket && this.acked) this.send({ type: 'stop', id: sub.id });
    // A new id at once: what still comes for the old one (the `complete` answering that stop, a late
    // start_ack, data) is no longer this subscription's.
    this.subs.delete(sub.id);
    sub.id = this.newId();
    this.subs.set(sub.id, sub);
    sub.phase = 'failed';
    sub.lastError = message;
    sub.handlers.error(message);
    const delay = this.backoff(sub.attempt++);
    sub.retryTimer = this.timers.setTimeout(() => {
      sub.retryTimer = null;
      if (this.subs.get(sub.id) !== sub) return;
      if (this.socket && this.acked) this.start(sub);
      else sub.phase = 'pending';
    }, delay);
    this.refreshState();
  }

  /** An error of the server's own, for no subscription (throttling): shown a while; the connection stays. */
  private showNotice(message: string): void {
    this.notice = message;
    this.clearTimer('noticeTimer');
    this.noticeTimer = this.timers.setTimeout(() => {
      this.noticeTimer = null;
      this.notice = null;
      this.refreshState();
    }, this.opts.noticeMs);
    this.refreshState();
  }

  /** The state once connected: `connected` when every subscription is live and the server reports nothing. */
  private refreshState(): void {
    if (!this.socket || !this.acked || this.closed) return;
    const failed = [...this.subs.values()].find((s) => s.phase === 'failed');
    const waiting = [...this.subs.values()].some((s) => s.phase === 'pending');
    if (failed || this.notice) {
      this.setState('degraded', this.notice ?? `a live feed is retrying (${failed!.lastError})`);
    } else if (!waiting) {
      this.setState('connected', null);
    }
  }

  private connectionLost(reason: string): void {
    this.dropSocket();
    if (this.closed) return;
    this.setState('reconnecting', reason);
    this.scheduleReconnect(this.backoff(this.attempt++));
  }

  /** The API key was refused: no fast retries; one attempt every unauthorizedRetryMs. */
  private refused(message: string): void {
    this.dropSocket();
    if (this.closed) return;
    this.setState('unauthorized', message);
    this.scheduleReconnect(this.opts.unauthorizedRetryMs + Math.floor(this.random() * this.opts.backoffMaxMs));
  }

  /** Exponential backoff with full jitter, as the guide asks of clients after a network error. */
  private backoff(attempt: number): number {
    const cap = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** attempt);
    return Math.floor(this.random() * cap);
  }

  private scheduleReconnect(delay: number): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private armKeepAlive(ms: number): void {
    if (this.kaTimer) this.timers.clearTimeout(this.kaTimer);
    this.kaTimer = this.timers.setTimeout(() => {
      this.kaTimer = null;
      this.connectionLost(this.acked ? 'no keep-alive from the server' : 'no connection_ack from the server');
    }, ms);
  }

  private dropSocket(): void {
    this.clearTimer('kaTimer');
    this.clearTimer('stableTimer');
    const socket = this.socket;
    this.socket = null;
    this.acked = false;
    for (const sub of this.subs.values()) {
      if (sub.ackTimer) {
        this.timers.clearTimeout(sub.ackTimer);
        sub.ackTimer = null;
      }
    }
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      try {
        socket.close(1000);
      } catch {
        // already closed
      }
    }
  }

  private clearSubTimers(sub: Sub): void {
    if (sub.ackTimer) this.timers.clearTimeout(sub.ackTimer);
    if (sub.retryTimer) this.timers.clearTimeout(sub.retryTimer);
    sub.ackTimer = sub.retryTimer = null;
  }

  private clearTimer(name: 'kaTimer' | 'reconnectTimer' | 'stableTimer' | 'noticeTimer'): void {
    if (this[name]) {
      this.timers.clearTimeout(this[name]);
      this[name] = null;
    }
  }

  private send(message: unknown): void {
    try {
      this.socket?.send(JSON.stringify(message));
    } catch {
      this.connectionLost('the connection failed while sending');
    }
  }

  private setState(state: ConnectionState, detail: string | null): void {
    if (state === 'connected' && this.state !== 'connected') {
      // The backoff starts again from its base only once the connection has stayed whole a while.
      this.clearTimer('stableTimer');
      this.stableTimer = this.timers.setTimeout(() => {
        this.stableTimer = null;
        this.attempt = 0;
      }, this.opts.backoffResetMs);
    }
    if (this.state === state && this.detail === detail) return;
    this.state = state;
    this.detail = detail;
    for (const l of [...this.stateListeners]) l(state, detail);
  }
}

/** `errorType: message` of the first error of an error payload (AppSync's `{ errors: [...] }`). */
function errorMessage(payload: Record<string, unknown> | undefined, fallback: string): string {
  const errors = payload?.['errors'];
  if (Array.isArray(errors) && errors.length > 0) {
    const e = errors[0] as { message?: string; errorType?: string };
    return [e.errorType, e.message].filter(Boolean).join(': ') || fallback;
  }
  return fallback;
}

/** A refused key: AppSync's UnauthorizedException, or an errorCode of 401 or 403 (Amplify's NON_RETRYABLE_CODES). */
function isAuthorizationError(payload: Record<string, unknown> | undefined): boolean {
  const errors = payload?.['errors'];
  if (!Array.isArray(errors)) return false;
  return errors.some((raw) => {
    const e = raw as { errorType?: unknown; errorCode?: unknown };
    const code = Number(e.errorCode);
    return String(e.errorType ?? '').includes('Unauthorized') || code === 401 || code === 403;
  });
}
