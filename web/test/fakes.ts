import type { Api } from '../src/api/operations';
import type { ConnectionState, SocketLike, Timers } from '../src/api/realtime';

/** A WebSocket that records what the client sends and lets the test play the server. */
export class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];
  closed = false;
  constructor(readonly url: string, readonly protocols: string[]) {}
  send(data: string): void { this.sent.push(JSON.parse(data)); }
  close(): void { this.closed = true; }
  open(): void { this.onopen?.({}); }
  receive(message: unknown): void { this.onmessage?.({ data: JSON.stringify(message) }); }
  drop(): void { this.onclose?.({}); }
}

/** Timers the test advances by hand. */
export class FakeTimers implements Timers {
  private now = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  readonly delays: number[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.delays.push(ms);
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void { this.pending.delete(handle as number); }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const next = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.now = next[1].at;
      next[1].fn();
    }
    this.now = until;
  }
}

/** An API with no network: requests answered by a handler, subscriptions driven by the test. */
export class FakeApi implements Api {
  readonly requests: { query: string; variables: Record<string, unknown> }[] = [];
  readonly subs = new Map<string, { query: string; variables: Record<string, unknown>; next(d: Record<string, unknown>): void; error(m: string): void }>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private n = 0;
  constructor(private readonly answer: (query: string, variables: Record<string, unknown>) => unknown) {}
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    this.requests.push({ query, variables });
    const result = this.answer(query, variables);
    if (result instanceof Error) throw result;
    return result as T;
  }
  subscribe(query: string, variables: Record<string, unknown>, handlers: { next(d: Record<string, unknown>): void; error(m: string): void }): () => void {
    const id = String(++this.n);
    this.subs.set(id, { query, variables, ...handlers });
    return () => this.subs.delete(id);
  }
  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }
  setState(s: ConnectionState): void { this.stateListeners.forEach((l) => l(s)); }
  emit(field: string, value: unknown): void {
    for (const s of this.subs.values()) if (s.query.includes(`${field}`)) s.next({ [field]: value });
  }
}

export const flush = () => new Promise((r) => setTimeout(r, 0));
