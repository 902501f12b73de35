import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/graphql';
import { M_SEND_MESSAGE, M_VOTE, Q_LATEST_TICKS, Q_MOVIE_STATE } from '../src/api/operations';
import { MovieView } from '../src/views/movie';
import { connectionBadge } from '../src/views/status';
import { TickerView } from '../src/views/ticker';
import type { ConnectionState } from '../src/api/realtime';
import { FakeApi, flush } from './fakes';

const movie = { id: 'm1', title: 'Paper Satellites', overview: 'Two teams.', posterUrl: 'http://127.0.0.1/p.svg', releaseDate: '2021-07-02', startedAt: '2026-12-01T09:00:00Z', rotation: 3 };
const rows = ['LOVE', 'LIKE', 'MEH', 'UNKNOWN', 'HATE'].map((reaction) => ({ reaction, movieId: 'm1', count: 1, topMovieId: null, topMovieTitle: null, topCount: 0 }));
const memory = () => { const m = new Map<string, string>(); return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) }; };

describe('MovieView', () => {
  let api: FakeApi;
  let view: MovieView;
  beforeEach(async () => {
    api = new FakeApi((q, v) => {
      if (q === Q_MOVIE_STATE) return { currentMovie: movie, reviews: rows };
      if (q === M_VOTE) return v['count'] === 100 ? new ApiError('no', 'MovieNotCurrent') : { vote: { ...rows[0], reaction: v['reaction'], count: 1 + (v['count'] as number) } };
      if (q === M_SEND_MESSAGE) return { sendMessage: { id: 'own-1', author: v['author'], text: v['text'], sentAt: '2026-12-01T09:00:01Z' } };
      return new Error('unexpected');
    });
    view = new MovieView(api, { flushMs: 60_000, storage: memory() });
    document.body.replaceChildren(view.root);
    view.start();
    await flush();
  });

  it('shows the current movie and counts from the first query', () => {
    expect(view.root.querySelector('#movie-title')!.textContent).toBe('Paper Satellites');
    expect(view.root.querySelector('[data-testid=count-LOVE]')!.textContent).toBe('1');
  });

  it('renders chat text containing markup as literal text', () => {
    api.emit('onMessage', { id: 'x', author: '<b>eve</b>', text: '<img src=x onerror=alert(1)>', sentAt: '2026-12-01T09:00:00Z' });
    const item = view.root.querySelector('.message')!;
    expect(item.querySelector('.text')!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(item.querySelector('img')).toBeNull();
    expect(item.querySelector('b')).toBeNull();
  });

  it('does not show the chat round trips of system verify and the canary', () => {
    api.emit('onMessage', { id: 'c', author: 'system-canary', text: 'system-canary 42: chat round trip', sentAt: '2026-12-01T09:00:00Z' });
    api.emit('onMessage', { id: 'v', author: 'system-verify', text: 'system-verify 7: chat round trip', sentAt: '2026-12-01T09:00:00Z' });
    api.emit('onMessage', { id: 'a', author: 'ann', text: 'hello', sentAt: '2026-12-01T09:00:01Z' });
    const shown = [...view.root.querySelectorAll('.message .author')].map((a) => a.textContent);
    expect(shown).toEqual(['ann']);
  });

  it('skips an incomplete event instead of rendering it', () => {
    api.emit('onMessage', { id: 'x', author: null, text: 'hi', sentAt: '2026-12-01T09:00:00Z' });
    api.emit('onCurrentMovie', { id: 'm2', title: null, startedAt: '2026-12-01T09:00:00Z' });
    api.emit('onReviews', { reviews: [{ reaction: 'LOVE', movieId: 'm1', count: null, topCount: 0 }], publishedAt: '2026-12-01T09:00:00Z' });
    expect(view.root.querySelectorAll('.message')).toHaveLength(0);
    expect(view.root.querySelector('#movie-title')!.textContent).toBe('Paper Satellites');
    expect(view.root.querySelector('[data-testid=count-LOVE]')!.textContent).toBe('1');
  });

  it('batches clicks into one vote with their count and shows the answer', async () => {
    const love = view.root.querySelector<HTMLButtonElement>('[data-reaction=LOVE]')!;
    love.click(); love.click(); love.click();
    await view.flush();
    const votes = api.requests.filter((r) => r.query === M_VOTE);
    expect(votes).toEqual([{ query: M_VOTE, variables: { movieId: 'm1', reaction: 'LOVE', count: 3 } }]);
    expect(view.root.querySelector('[data-testid=count-LOVE]')!.textContent).toBe('4');
  });

  it('says why a vote was rejected', async () => {
    const like = view.root.querySelector<HTMLButtonElement>('[data-reaction=LIKE]')!;
    for (let i = 0; i < 100; i++) like.click();
    await view.flush();
    expect(view.root.querySelector('[data-testid=vote-error]')!.textContent).toContain('MovieNotCurrent');
  });

  it('marks own messages and re-queries state after a reconnect', async () => {
    (view.root.querySelector('#chat-handle') as HTMLInputElement).value = 'ann';
    (view.root.querySelector('#chat-text') as HTMLInputElement).value = 'hello';
    view.root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await flush();
    expect(view.root.querySelector('.message.own .text')!.textContent).toBe('hello');
    const before = api.requests.filter((r) => r.query === Q_MOVIE_STATE).length;
    api.setState('connected');
    await flush();
    expect(api.requests.filter((r) => r.query === Q_MOVIE_STATE).length).toBe(before + 1);
  });

  it('shows why a live feed is unavailable and clears it once every feed is live again', async () => {
    const counts = [...api.subs.values()].find((sub) => sub.query.includes('onReviews'))!;
    counts.error('no start_ack within 15 s');
    const line = view.root.querySelector('[data-testid=vote-error]')!;
    expect(line.textContent).toBe('Live counts unavailable: no start_ack within 15 s');
    api.setState('degraded');
    await flush();
    expect(line.textContent).toBe('Live counts unavailable: no start_ack within 15 s');
    api.setState('connected');
    await flush();
    expect(line.textContent).toBe('');
  });

  it('shows every count of one onReviews message and drops reviews older than those shown', () => {
    const board = (version: number, count: number) => ({
      reviews: rows.map((r, i) => ({ ...r, count: count + i, version: version + i })),
      publishedAt: '2026-12-01T09:00:02Z',
    });
    api.emit('onReviews', board(10, 7));
    expect(['LOVE', 'LIKE', 'MEH', 'UNKNOWN', 'HATE'].map((r) => view.root.querySelector(`[data-testid=count-${r}]`)!.textContent))
      .toEqual(['7', '8', '9', '10', '11']);
    // An older message arriving late (a retried broadcast, another environment's) changes nothing.
    api.emit('onReviews', board(5, 3));
    expect(view.root.querySelector('[data-testid=count-HATE]')!.textContent).toBe('11');
    // A newer one for some reactions only moves those.
    api.emit('onReviews', { reviews: [{ ...rows[0], count: 20, version: 30 }, { ...rows[4], count: 2, version: 1 }], publishedAt: '2026-12-01T09:00:03Z' });
    expect(view.root.querySelector('[data-testid=count-LOVE]')!.textContent).toBe('20');
    expect(view.root.querySelector('[data-testid=count-HATE]')!.textContent).toBe('11');
  });

  it('ignores a movie from an older rotation', () => {
    api.emit('onCurrentMovie', { ...movie, id: 'old', title: 'Old', rotation: 2 });
    expect(view.root.querySelector('#movie-title')!.textContent).toBe('Paper Satellites');
  });
});

describe('TickerView', () => {
  const tick = (symbol: string, sequence: number, price: number) => ({ symbol, sequence, price, open: 100, high: 110, low: 90, volume: 1000, timestamp: '2026-12-01T09:00:00Z' });

  it('opens subscriptions only for chosen symbols, fills from latestTicks and drops ticks not newer', async () => {
    const api = new FakeApi((q, v) => (q === Q_LATEST_TICKS ? { latestTicks: (v['symbols'] as string[]).map((s) => tick(s, 10, 101)) } : new Error('unexpected')));
    const view = new TickerView(api, ['AMZN', 'MSFT'], ['AMZN']);
    document.body.replaceChildren(view.root);
    view.start();
    await flush();
    expect([...api.subs.values()].map((s) => s.variables)).toEqual([{ symbol: 'AMZN' }]);
    const cell = () => view.root.querySelector('tr[data-symbol=AMZN] td')!.textContent;
    expect(cell()).toBe('101.00');
    api.emit('onTick', tick('AMZN', 10, 200));
    expect(cell()).toBe('101.00');
    api.emit('onTick', tick('AMZN', 11, 102.5));
    expect(cell()).toBe('102.50');

    const msft = view.root.querySelector<HTMLInputElement>('#symbol-MSFT')!;
    msft.checked = true; msft.dispatchEvent(new Event('change'));
    expect(view.chosen()).toEqual(['AMZN', 'MSFT']);
    msft.checked = false; msft.dispatchEvent(new Event('change'));
    expect([...api.subs.values()].map((s) => s.variables)).toEqual([{ symbol: 'AMZN' }]);
    expect(view.root.querySelector('tr[data-symbol=MSFT]')).toBeNull();

    const fills = api.requests.length;
    api.setState('connected');
    await flush();
    expect(api.requests.length).toBe(fills + 1);
    expect(api.requests.at(-1)!.variables).toEqual({ symbols: ['AMZN'] });
  });
});

describe('TickerView, what a viewer sees first and over time', () => {
  const tick = (symbol: string, sequence: number) => ({ symbol, sequence, price: 100 + sequence, open: 100, high: 110, low: 90, volume: 1000, timestamp: '2026-12-01T09:00:00Z' });
  const api = () => new FakeApi((q, v) => (q === Q_LATEST_TICKS ? { latestTicks: (v['symbols'] as string[]).map((s) => tick(s, 1)) } : new Error('unexpected')));

  it('shows every configured symbol at first and remembers the viewer\'s choice', async () => {
    const storage = memory();
    const first = new TickerView(api(), ['AMZN', 'MSFT', 'NVDA'], undefined, { storage });
    document.body.replaceChildren(first.root);
    first.start();
    await flush();
    expect(first.chosen()).toEqual(['AMZN', 'MSFT', 'NVDA']);
    const msft = first.root.querySelector<HTMLInputElement>('#symbol-MSFT')!;
    msft.checked = false; msft.dispatchEvent(new Event('change'));
    first.stop();

    const again = new TickerView(api(), ['AMZN', 'MSFT', 'NVDA'], undefined, { storage });
    again.start();
    expect(again.chosen()).toEqual(['AMZN', 'NVDA']);
    again.stop();
    // A remembered symbol no longer configured is left out.
    storage.setItem('ticker-symbols', JSON.stringify(['GONE', 'NVDA']));
    const pruned = new TickerView(api(), ['AMZN', 'MSFT', 'NVDA'], undefined, { storage });
    pruned.start();
    expect(pruned.chosen()).toEqual(['NVDA']);
    pruned.stop();
  });

  it('shows how old each symbol\'s last tick is and says stale when it stops moving', async () => {
    let now = 1_000_000;
    const fake = api();
    const view = new TickerView(fake, ['AMZN'], undefined, { storage: memory(), now: () => now, staleAfterMs: 15_000 });
    document.body.replaceChildren(view.root);
    view.start();
    await flush();
    const row = () => view.root.querySelector<HTMLTableRowElement>('tr[data-symbol=AMZN]')!;
    const age = () => row().querySelectorAll('td')[4]!.textContent;
    expect(age()).toBe('0 s ago');
    now += 4_000; view.showAges();
    expect(age()).toBe('4 s ago');
    expect(row().getAttribute('data-stale')).toBe('false');
    now += 11_000; view.showAges();
    expect(age()).toBe('stale: no tick for 15 s');
    expect(row().classList.contains('stale')).toBe(true);
    fake.emit('onTick', tick('AMZN', 2));
    expect(age()).toBe('0 s ago');
    expect(row().getAttribute('data-stale')).toBe('false');
    view.stop();
  });
});

describe('TickerView, gaps in the sequence', () => {
  const T = 1_767_623_400_000;
  const tick = (sequence: number, previousSequence: number | null) => ({ symbol: 'AMZN', sequence, previousSequence,
    price: 100, open: 100, high: 110, low: 90, volume: 1000, timestamp: new Date(sequence).toISOString() });
  /** The stored latest tick (what latestTicks answers); the test moves it as the backend would. */
  let stored = tick(T, T - 1000);
  let fake: FakeApi;
  let view: TickerView;
  const row = () => view.root.querySelector<HTMLTableRowElement>('tr[data-symbol=AMZN]')!;
  const gapCell = () => row().querySelectorAll('td')[6]!;
  const live = (t: ReturnType<typeof tick>) => { stored = t; fake.emit('onTick', t); };
  /** The connection drops and comes back; latestTicks is asked again once every subscription is live. */
  const reconnect = async () => { fake.setState('reconnecting'); fake.setState('connected'); await flush(); };

  beforeEach(async () => {
    stored = tick(T, T - 1000);
    fake = new FakeApi((q) => (q === Q_LATEST_TICKS ? { latestTicks: [stored] } : new Error('unexpected')));
    view = new TickerView(fake, ['AMZN'], undefined, { storage: memory() });
    document.body.replaceChildren(view.root);
    view.start();
    fake.setState('connected');
    await flush();
  });

  it('shows none while each tick follows the last shown, across a reconnect that missed nothing', async () => {
    expect(gapCell().textContent).toBe('none');
    live(tick(T + 1000, T));
    live(tick(T + 2000, T + 1000));
    await reconnect();
    expect(fake.requests.filter((r) => r.query === Q_LATEST_TICKS).length).toBeGreaterThanOrEqual(3);
    // One tick went out during the outage: the answer shows it, and it follows the last shown.
    stored = tick(T + 3000, T + 2000);
    await reconnect();
    expect(row().getAttribute('data-sequence')).toBe(String(T + 3000));
    expect(row().getAttribute('data-gaps')).toBe('0');
    expect(gapCell().textContent).toBe('none');
    expect(row().querySelectorAll('svg line.gap')).toHaveLength(0);
  });

  it('says a gap when a live tick\'s previous was never shown, in words, and breaks the line there', () => {
    live(tick(T + 1000, T));
    fake.emit('onTick', tick(T + 3000, T + 2000));
    expect(row().getAttribute('data-gaps')).toBe('1');
    expect(gapCell().textContent).toMatch(/^1 gap \(ticks were missed\), last before \S+/);
    expect(gapCell().querySelector('.visually-hidden')!.textContent).toBe(' (ticks were missed)');
    expect(row().querySelectorAll('svg line.gap')).toHaveLength(1);
    expect(row().querySelector('svg title')!.textContent).toContain('broken where ticks were missed (1 time)');
    fake.emit('onTick', tick(T + 4000, T + 3000));
    expect(row().getAttribute('data-gaps')).toBe('1');
  });

  it('says a gap when the answer after a reconnect shows ticks went out during the outage', async () => {
    live(tick(T + 1000, T));
    // Three ticks while the page was cut off; latestTicks answers the last, naming the one before it.
    stored = tick(T + 4000, T + 3000);
    await reconnect();
    expect(row().getAttribute('data-sequence')).toBe(String(T + 4000));
    expect(row().getAttribute('data-gaps')).toBe('1');
    expect(gapCell().textContent).toContain('1 gap');
    // The next live tick follows it: no more.
    live(tick(T + 5000, T + 4000));
    expect(row().getAttribute('data-gaps')).toBe('1');
  });

  it('counts the outage once when a live tick beats the answer after a reconnect', async () => {
    live(tick(T + 1000, T));
    fake.setState('reconnecting');
    // Subscribed again, a tick arrives before latestTicks is answered; the answer is that same tick.
    fake.emit('onTick', tick(T + 5000, T + 4000));
    stored = tick(T + 5000, T + 4000);
    fake.setState('connected');
    await flush();
    expect(row().getAttribute('data-gaps')).toBe('1');
  });

  it('counts no gap for a tick out before a just-chosen symbol\'s subscription was live, and counts the next', async () => {
    const other = new FakeApi((q) => (q === Q_LATEST_TICKS ? { latestTicks: [tick(T, T - 1000)] } : new Error('unexpected')));
    const fresh = new TickerView(other, ['AMZN'], undefined, { storage: memory() });
    document.body.replaceChildren(fresh.root);
    fresh.start();
    await flush();
    const gaps = () => fresh.root.querySelector('tr[data-symbol=AMZN]')!.getAttribute('data-gaps');
    // T + 1000 went out between the answer and the subscription's start: the page's start, not a loss.
    other.emit('onTick', tick(T + 2000, T + 1000));
    expect(gaps()).toBe('0');
    other.emit('onTick', tick(T + 4000, T + 3000));
    expect(gaps()).toBe('1');
    fresh.stop();
  });

  it('counts no gap for ticks missed while a symbol was not chosen', async () => {
    live(tick(T + 1000, T));
    const box = view.root.querySelector<HTMLInputElement>('#symbol-AMZN')!;
    box.checked = false; box.dispatchEvent(new Event('change'));
    stored = tick(T + 60_000, T + 59_000);
    box.checked = true; box.dispatchEvent(new Event('change'));
    await flush();
    expect(row().getAttribute('data-sequence')).toBe(String(T + 60_000));
    expect(row().getAttribute('data-gaps')).toBe('0');
    expect(gapCell().textContent).toBe('none');
  });
});

describe('connectionBadge', () => {
  it('says what is wrong and what to do, and offers to try again while the key is refused', () => {
    let listener: (s: ConnectionState, d: string | null) => void = () => {};
    let retries = 0;
    const badge = connectionBadge({ onState: (l) => { listener = l; return () => {}; }, reconnectNow: () => { retries++; } });
    document.body.replaceChildren(badge);
    const q = (id: string) => badge.querySelector<HTMLElement>(`[data-testid=${id}]`)!;
    listener('connected', null);
    expect(q('connection').textContent).toBe('Live');
    expect(q('connection-detail').hidden).toBe(true);
    expect(q('connection-retry').hidden).toBe(true);
    listener('unauthorized', 'UnauthorizedException: You are not authorized to make this call.');
    expect(q('connection').textContent).toBe('Not authorized');
    expect(q('connection-detail').textContent).toContain('UnauthorizedException');
    expect(q('connection-detail').textContent).toContain('the API key must be renewed');
    expect(q('connection-retry').hidden).toBe(false);
    q('connection-retry').click();
    expect(retries).toBe(1);
    listener('degraded', 'LimitExceededError: Rate limit exceeded');
    expect(q('connection').textContent).toBe('Live, with problems');
    expect(q('connection-detail').textContent).toContain('Rate limit exceeded');
    expect(q('connection-retry').hidden).toBe(true);
  });
});
