import { asTick, Q_LATEST_TICKS, S_TICK, type Api, type Tick } from '../api/operations';
import { priceChart } from './chart';
import { el, text } from './dom';
import { describe } from './errors';
import { clearLiveErrors, liveError, onLiveAgain } from './status';
import { TickBook } from './ticks';

/** Where the viewer's choice of symbols is remembered. */
const CHOSEN_KEY = 'ticker-symbols';

export interface TickerOptions {
  /** Remembers the chosen symbols (localStorage in the page). */
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  /** The clock the tick ages are read from. */
  now?: () => number;
  /**
   * A symbol with no tick for this long is shown stale. 15 s by default: the producer publishes for 50 s
   * of every minute, so a 10 s pause each minute is normal.
   */
  staleAfterMs?: number;
}

/**
 * The market ticker: every configured symbol at first, then the viewer's choice, remembered in the
 * browser; only the chosen symbols' onTick subscriptions are open. latestTicks fills the table when a
 * symbol is chosen and after every reconnect; a tick not newer (by sequence) than the last shown for
 * its symbol is dropped. Each row shows how old its last tick is, and says "stale" when a symbol has
 * stopped moving; and how many gaps its sequence had since it was chosen (a tick whose previousSequence
 * is above the last shown: ticks were missed, during an outage or skipped by the backend), in words,
 * with the price line broken at each.
 */
export class TickerView {
  readonly root: HTMLElement;
  private readonly book = new TickBook();
  private readonly subscriptions = new Map<string, () => void>();
  private readonly rows = new Map<string, HTMLTableRowElement>();
  private readonly boxes = new Map<string, HTMLInputElement>();
  private readonly received = new Map<string, number>();
  /**
   * The symbols whose last shown tick is a baseline for gaps: shown once their subscription was live
   * (an event came, or latestTicks was asked after every subscription was). Until then a tick that skips
   * one is the page's own start (ticks out between the first latestTicks answer and the subscription's
   * start), not a tick the system lost; from then on, a reconnect's answer is judged against it.
   */
  private readonly live = new Set<string>();
  private readonly body = el('tbody');
  private readonly error = el('p', { class: 'error', role: 'alert', 'data-testid': 'ticker-error' });
  private readonly empty = el('p', { class: 'empty' }, 'Choose one or more symbols.');
  private stopState: (() => void) | null = null;
  private ageTimer: ReturnType<typeof setInterval> | null = null;
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  private readonly now: () => number;
  private readonly staleAfterMs: number;

  /**
   * @param initial the symbols chosen at first; by default the remembered choice, else every symbol
   */
  constructor(private readonly api: Api, private readonly symbols: readonly string[], initial?: readonly string[],
    options: TickerOptions = {}) {
    this.storage = options.storage ?? (typeof localStorage !== 'undefined' ? localStorage : null);
    this.now = options.now ?? Date.now;
    this.staleAfterMs = options.staleAfterMs ?? 15_000;
    const chosen = initial ?? this.remembered() ?? symbols;
    const picker = el('fieldset', { class: 'symbols' }, el('legend', {}, 'Symbols'));
    for (const symbol of symbols) {
      const id = `symbol-${symbol}`;
      const box = el('input', { type: 'checkbox', id, value: symbol, checked: chosen.includes(symbol) });
      box.addEventListener('change', () => {
        if (box.checked) this.choose(symbol);
        else this.drop(symbol);
        this.remember();
      });
      this.boxes.set(symbol, box);
      picker.append(el('label', { for: id, class: 'symbol' }, box, symbol));
    }
    this.root = el('section', { class: 'view ticker-view', 'aria-labelledby': 'ticker-heading' },
      el('h1', { id: 'ticker-heading' }, 'Market ticker'),
      picker, this.error, this.empty,
      el('div', { class: 'table-wrap' }, el('table', { class: 'ticks' },
        el('caption', { class: 'visually-hidden' }, 'Latest ticks of the chosen symbols'),
        el('thead', {}, el('tr', {}, ...['Symbol', 'Last', 'Change', 'Volume', 'Time', 'Age', 'Recent', 'Gaps'].map((h) => el('th', { scope: 'col' }, h)))),
        this.body)),
      el('p', { class: 'hint' }, 'A gap means ticks of that symbol were missed (while the connection was down, or'
        + ' skipped by the backend) since it was chosen; the price line breaks there.'));
  }

  start(): void {
    for (const [symbol, box] of this.boxes) if (box.checked) this.choose(symbol);
    this.stopState = onLiveAgain(this.api, (whole) => {
      if (whole) clearLiveErrors(this.root);
      if (this.subscriptions.size > 0) void this.fill([...this.subscriptions.keys()], true);
    });
    this.ageTimer = setInterval(() => this.showAges(), 1000);
  }

  stop(): void {
    this.stopState?.();
    if (this.ageTimer) clearInterval(this.ageTimer);
    for (const symbol of [...this.subscriptions.keys()]) this.drop(symbol);
  }

  /** The symbols whose subscriptions are open. */
  chosen(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** The remembered choice, if any and still among the configured symbols. */
  private remembered(): string[] | null {
    try {
      const saved = JSON.parse(this.storage?.getItem(CHOSEN_KEY) ?? 'null');
      return Array.isArray(saved) ? saved.filter((s) => typeof s === 'string' && this.symbols.includes(s)) : null;
    } catch {
      return null;
    }
  }

  private remember(): void {
    this.storage?.setItem(CHOSEN_KEY, JSON.stringify([...this.boxes].filter(([, b]) => b.checked).map(([s]) => s)));
  }

  /**
   * Each row's age of its last tick, and the stale state once a symbol has had none for staleAfterMs
   * (said in words, not only by colour).
   */
  showAges(): void {
    for (const [symbol, row] of this.rows) {
      const last = this.book.last(symbol);
      const cell = row.querySelectorAll('td')[4];
      if (!last || !cell) continue;
      const received = this.received.get(symbol) ?? this.now();
      const age = Math.max(0, Math.round((this.now() - received) / 1000));
      const stale = this.now() - received >= this.staleAfterMs;
      text(cell, stale ? `stale: no tick for ${age} s` : `${age} s ago`);
      row.classList.toggle('stale', stale);
      row.setAttribute('data-stale', String(stale));
    }
  }

  private choose(symbol: string): void {
    if (this.subscriptions.has(symbol)) return;
    this.subscriptions.set(symbol, this.api.subscribe(S_TICK, { symbol }, {
      next: (d) => {
        const t = asTick(d['onTick']);
        if (t && t.symbol === symbol) {
          this.show(t);
          this.live.add(symbol);
        }
      },
      error: (m) => liveError(this.error, `Live ticks of ${symbol} unavailable: ${m}`),
    }));
    this.row(symbol);
    void this.fill([symbol]);
  }

  private drop(symbol: string): void {
    this.subscriptions.get(symbol)?.();
    this.subscriptions.delete(symbol);
    // Chosen again later, it starts afresh: ticks not followed meanwhile are no gap.
    this.book.forget(symbol);
    this.live.delete(symbol);
    this.received.delete(symbol);
    this.rows.get(symbol)?.remove();
    this.rows.delete(symbol);
    this.empty.hidden = this.rows.size > 0;
  }

  /**
   * Reads the stored latest tick of each symbol (1..25 per request, as the resolver allows).
   * @param afterLive asked once every subscription is live: what it answers is a baseline no later tick
   *   can slip past unseen
   */
  private async fill(symbols: string[], afterLive = false): Promise<void> {
    for (let i = 0; i < symbols.length; i += 25) {
      try {
        const chunk = symbols.slice(i, i + 25);
        const data = await this.api.request<{ latestTicks: unknown[] }>(Q_LATEST_TICKS, { symbols: chunk });
        for (const raw of data.latestTicks ?? []) {
          const t = asTick(raw);
          if (t && this.subscriptions.has(t.symbol)) this.show(t);
        }
        if (afterLive) for (const s of chunk) if (this.subscriptions.has(s)) this.live.add(s);
        text(this.error, '');
      } catch (e) {
        text(this.error, `Could not load the latest ticks: ${describe(e)}`);
      }
    }
  }

  private row(symbol: string): HTMLTableRowElement {
    let row = this.rows.get(symbol);
    if (!row) {
      row = el('tr', { 'data-symbol': symbol }, el('th', { scope: 'row' }, symbol),
        ...[0, 1, 2, 3, 4, 5, 6].map(() => el('td', {}, '\u2014')));
      // Rows in the picker's order.
      const order = this.symbols.indexOf(symbol);
      const after = [...this.rows.entries()].filter(([s]) => this.symbols.indexOf(s) > order)
        .sort(([a], [b]) => this.symbols.indexOf(a) - this.symbols.indexOf(b))[0];
      this.body.insertBefore(row, after ? after[1] : null);
      this.rows.set(symbol, row);
      this.empty.hidden = true;
    }
    return row;
  }

  /** The symbol's gap count in words ("none", "2 gaps (ticks were missed), last before 09:00:03"), not by colour alone. */
  private showGaps(symbol: string, row: HTMLTableRowElement, cell: HTMLTableCellElement): void {
    const gaps = this.book.gaps(symbol);
    row.setAttribute('data-gaps', String(gaps));
    cell.classList.toggle('gaps', gaps > 0);
    if (gaps === 0) {
      text(cell, 'none');
      return;
    }
    const after = this.book.lastGap(symbol)!;
    const time = new Date(after.timestamp);
    const when = Number.isNaN(time.getTime()) ? after.timestamp : time.toLocaleTimeString();
    cell.replaceChildren(`${gaps} ${gaps === 1 ? 'gap' : 'gaps'}`,
      el('span', { class: 'visually-hidden' }, ' (ticks were missed)'), `, last before ${when}`);
  }

  private show(tick: Tick): void {
    if (!this.book.accept(tick, this.live.has(tick.symbol))) return;
    const row = this.row(tick.symbol);
    const cells = row.querySelectorAll('td');
    const change = tick.price - tick.open;
    const pct = tick.open ? (change / tick.open) * 100 : 0;
    const time = new Date(tick.timestamp);
    text(cells[0]!, tick.price.toFixed(2));
    text(cells[1]!, `${change >= 0 ? '+' : ''}${change.toFixed(2)} (${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%)`);
    cells[1]!.className = change >= 0 ? 'up' : 'down';
    text(cells[2]!, Math.round(tick.volume).toLocaleString('en-US'));
    text(cells[3]!, Number.isNaN(time.getTime()) ? tick.timestamp : time.toLocaleTimeString());
    const points = this.book.points(tick.symbol);
    const breaks = points.filter((p, i) => i > 0 && p.afterGap).length;
    cells[5]!.replaceChildren(priceChart(points, `${tick.symbol}: last ${points.length} prices`
      + (breaks ? `, broken where ticks were missed (${breaks} ${breaks === 1 ? 'time' : 'times'})` : '')));
    this.showGaps(tick.symbol, row, cells[6]!);
    row.setAttribute('data-sequence', String(tick.sequence));
    // The age counts from when the page got it: the tick's own timestamp is the producer's clock.
    this.received.set(tick.symbol, this.now());
    this.showAges();
  }
}
