import { asTick, Q_LATEST_TICKS, S_TICK, type Api, type Tick } from '../api/operations';
import { priceChart } from './chart';
import { el, text } from './dom';
import { describe } from './errors';
import { clearLiveErrors, liveError, onLiveAgain } from './status';
import { TickBook } from './ticks';

/**
 * The market ticker: the viewer picks symbols; only those symbols' onTick subscriptions are
 * open. latestTicks fills the table when a symbol is picked and after every reconnect; a tick
 * not newer (by sequence) than the last shown for its symbol is dropped.
 */
export class TickerView {
  readonly root: HTMLElement;
  private readonly book = new TickBook();
  private readonly subscriptions = new Map<string, () => void>();
  private readonly rows = new Map<string, HTMLTableRowElement>();
  private readonly boxes = new Map<string, HTMLInputElement>();
  private readonly body = el('tbody');
  private readonly error = el('p', { class: 'error', role: 'alert', 'data-testid': 'ticker-error' });
  private readonly empty = el('p', { class: 'empty' }, 'Choose one or more symbols.');
  private stopState: (() => void) | null = null;

  constructor(private readonly api: Api, private readonly symbols: readonly string[], initial: readonly string[] = []) {
    const picker = el('fieldset', { class: 'symbols' }, el('legend', {}, 'Symbols'));
    for (const symbol of symbols) {
      const id = `symbol-${symbol}`;
      const box = el('input', { type: 'checkbox', id, value: symbol, checked: initial.includes(symbol) });
      box.addEventListener('change', () => (box.checked ? this.choose(symbol) : this.drop(symbol)));
      this.boxes.set(symbol, box);
      picker.append(el('label', { for: id, class: 'symbol' }, box, symbol));
    }
    this.root = el('section', { class: 'view ticker-view', 'aria-labelledby': 'ticker-heading' },
      el('h1', { id: 'ticker-heading' }, 'Market ticker'),
      picker, this.error, this.empty,
      el('div', { class: 'table-wrap' }, el('table', { class: 'ticks' },
        el('caption', { class: 'visually-hidden' }, 'Latest ticks of the chosen symbols'),
        el('thead', {}, el('tr', {}, ...['Symbol', 'Last', 'Change', 'Volume', 'Time', 'Recent'].map((h) => el('th', { scope: 'col' }, h)))),
        this.body)));
  }

  start(): void {
    for (const [symbol, box] of this.boxes) if (box.checked) this.choose(symbol);
    this.stopState = onLiveAgain(this.api, (whole) => {
      if (whole) clearLiveErrors(this.root);
      if (this.subscriptions.size > 0) void this.fill([...this.subscriptions.keys()]);
    });
  }

  stop(): void {
    this.stopState?.();
    for (const symbol of [...this.subscriptions.keys()]) this.drop(symbol);
  }

  /** The symbols whose subscriptions are open. */
  chosen(): string[] {
    return [...this.subscriptions.keys()];
  }

  private choose(symbol: string): void {
    if (this.subscriptions.has(symbol)) return;
    this.subscriptions.set(symbol, this.api.subscribe(S_TICK, { symbol }, {
      next: (d) => { const t = asTick(d['onTick']); if (t && t.symbol === symbol) this.show(t); },
      error: (m) => liveError(this.error, `Live ticks of ${symbol} unavailable: ${m}`),
    }));
    this.row(symbol);
    void this.fill([symbol]);
  }

  private drop(symbol: string): void {
    this.subscriptions.get(symbol)?.();
    this.subscriptions.delete(symbol);
    this.rows.get(symbol)?.remove();
    this.rows.delete(symbol);
    this.empty.hidden = this.rows.size > 0;
  }

  /** Reads the stored latest tick of each symbol (1..25 per request, as the resolver allows). */
  private async fill(symbols: string[]): Promise<void> {
    for (let i = 0; i < symbols.length; i += 25) {
      try {
        const data = await this.api.request<{ latestTicks: unknown[] }>(Q_LATEST_TICKS, { symbols: symbols.slice(i, i + 25) });
        for (const raw of data.latestTicks ?? []) {
          const t = asTick(raw);
          if (t && this.subscriptions.has(t.symbol)) this.show(t);
        }
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
        ...[0, 1, 2, 3, 4].map(() => el('td', {}, '\u2014')));
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

  private show(tick: Tick): void {
    if (!this.book.accept(tick)) return;
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
    cells[4]!.replaceChildren(priceChart(this.book.prices(tick.symbol), `${tick.symbol} recent prices`));
    row.setAttribute('data-sequence', String(tick.sequence));
  }
}
