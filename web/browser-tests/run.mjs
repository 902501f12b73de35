// Browser tests of the page against a running local run, in headless Debian Chromium driven by
// playwright-core (no browser download). Usage:
//   node browser-tests/run.mjs --ready=<the local run's ready file> [--artifacts=DIR]
// Exit code 0 when every test passes; one line per test; screenshots of both views in DIR.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, ...v]) => [k, v.join('=')]));
if (!args.ready) {
  console.error('usage: node browser-tests/run.mjs --ready=<ready file of the local run> [--artifacts=DIR]');
  process.exit(2);
}
const ready = JSON.parse(readFileSync(args.ready, 'utf8'));
const artifacts = resolve(args.artifacts ?? 'browser-tests/artifacts');
mkdirSync(artifacts, { recursive: true });
const WEB = ready.webUrl;
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const assert = (ok, message) => { if (!ok) throw new Error(message); };

// axe-core (Deque's WCAG rules engine, the one browser accessibility checkers run) is evaluated through
// the DevTools protocol, which the page's content security policy does not govern: nothing is added to
// the page itself.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** The page's accessibility violations under WCAG 2.1 A and AA, one line each. */
async function accessibilityViolations(page) {
  await page.evaluate(`${AXE};0`);
  const result = await page.evaluate(() => globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

// Flags measured on these machines: without them Chromium's background connections are refused
// by the closed network and slow everything down. playwright-core gives every launch a fresh
// profile directory of its own (it refuses --user-data-dir here).
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});

const problems = [];
async function open(hash, options = {}) {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${hash}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${hash}: page error: ${e.message}`));
  if (options.beforeLoad) await options.beforeLoad(page);
  await page.goto(WEB + hash);
  await badge(page, options.until ?? 'connected', 30_000);
  return { context, page };
}

/** Waits for the connection badge to show a state (its data-state). */
const badge = (page, state, timeout) =>
  page.locator(`[data-testid=connection][data-state=${state}]`).waitFor({ timeout });
const detail = (page) => page.getByTestId('connection-detail').textContent();

/** Switches the local run's real-time fault (graphql/simulator/faults.js); needs --realtime-fault. */
async function fault(mode, delayMs) {
  const response = await fetch(ready.realtimeFaultUrl, { method: 'POST', body: JSON.stringify({ mode, delayMs }) });
  assert(response.ok, `switching the fault to ${mode} answered ${response.status}`);
}

const titleOf = (page) => page.locator('#movie-title').textContent();
async function waitForMovie(page) {
  await page.waitForFunction(() => !document.querySelector('#movie-title')?.textContent?.startsWith('Waiting'), null, { timeout: 60_000 });
}
/** Waits for the next rotation, so a test has a whole showing (rotationSeconds) to itself. */
async function waitForNextMovie(page) {
  const before = await titleOf(page);
  await page.waitForFunction((t) => document.querySelector('#movie-title')?.textContent !== t, before, { timeout: 60_000 });
}
const count = async (page, reaction) => Number(await page.getByTestId(`count-${reaction}`).textContent());

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('two viewers see each other\'s votes', async () => {
  const a = await open('#movie');
  const b = await open('#movie');
  try {
    await waitForMovie(a.page);
    for (let attempt = 1; ; attempt++) {
      await waitForNextMovie(a.page);
      const title = await titleOf(a.page);
      await b.page.locator('#movie-title', { hasText: title }).waitFor({ timeout: 10_000 });
      const start = await count(b.page, 'LOVE');
      const love = a.page.locator('[data-reaction=LOVE]');
      await love.click(); await love.click(); await love.click();
      // Keyboard too: the buttons are focusable and Enter votes.
      await b.page.locator('[data-reaction=HATE]').focus();
      await b.page.keyboard.press('Enter');
      try {
        await b.page.waitForFunction((n) => Number(document.querySelector('[data-testid=count-LOVE]').textContent) >= n, start + 3, { timeout: 6_000 });
        await a.page.waitForFunction(() => Number(document.querySelector('[data-testid=count-HATE]').textContent) >= 1, null, { timeout: 6_000 });
        assert(await titleOf(b.page) === title, 'same showing');
        return;
      } catch (e) {
        if (attempt >= 3 || (await titleOf(b.page)) === title) throw e;
        // The showing ended mid-check: counts restart with the next movie; try on that one.
      }
    }
  } finally {
    await a.context.close(); await b.context.close();
  }
});

test('two viewers see each other\'s chat; markup shows as literal text; own messages are marked', async () => {
  const a = await open('#movie');
  const b = await open('#movie');
  try {
    const text = `hello <b>bold</b> <img src=x onerror="window.__pwned=1"> ${Date.now()}`;
    await a.page.getByLabel('Your handle').fill('alice');
    await a.page.getByLabel('Message', { exact: true }).fill(text);
    await a.page.getByLabel('Message', { exact: true }).press('Enter');
    const onB = b.page.locator('.message', { hasText: text });
    await onB.waitFor({ timeout: 10_000 });
    assert(await onB.locator('.text').textContent() === text, 'the text arrives verbatim');
    assert(await b.page.locator('.messages b, .messages img').count() === 0, 'no markup was rendered as elements');
    assert(!(await b.page.evaluate(() => window.__pwned)), 'no script ran');
    assert(!(await onB.evaluate((n) => n.classList.contains('own'))), 'not own on B');
    const onA = a.page.locator('.message', { hasText: text });
    await onA.waitFor({ timeout: 10_000 });
    assert(await onA.evaluate((n) => n.classList.contains('own')), 'own on A');
    assert(await onA.count() === 1, 'shown once on A though both the answer and the broadcast arrive');
    await b.page.getByLabel('Your handle').fill('bob');
    await b.page.getByLabel('Message', { exact: true }).fill('hi alice');
    await b.page.getByRole('button', { name: 'Send' }).click();
    await a.page.locator('.message', { hasText: 'hi alice' }).waitFor({ timeout: 10_000 });
    await a.page.screenshot({ path: join(artifacts, 'movie-view.png'), fullPage: true });
    await a.page.setViewportSize({ width: 390, height: 844 });
    await a.page.screenshot({ path: join(artifacts, 'movie-view-phone.png'), fullPage: true });
  } finally {
    await a.context.close(); await b.context.close();
  }
});

test('a rejected message says why', async () => {
  const a = await open('#movie');
  try {
    await a.page.getByLabel('Your handle').fill('x'.repeat(32));
    // Control characters are refused by the resolver (InvalidMessage).
    await a.page.getByLabel('Message', { exact: true }).fill('bell\u0007');
    await a.page.getByRole('button', { name: 'Send' }).click();
    await a.page.getByTestId('chat-error').filter({ hasText: 'InvalidMessage' }).waitFor({ timeout: 10_000 });
  } finally {
    await a.context.close();
  }
});

test('a tick appears for a chosen symbol and not for an unchosen one', async () => {
  const [first, second] = ready.symbols ?? ['AMZN', 'AAPL'];
  const c = await open('#ticker');
  try {
    // Every symbol starts chosen: unchoose the first (the second stays chosen).
    for (const symbol of ready.symbols ?? [first, second]) {
      assert(await c.page.getByLabel(symbol, { exact: true }).isChecked(), `${symbol} is chosen at first`);
    }
    await c.page.getByLabel(first, { exact: true }).uncheck();
    await c.page.getByLabel(second, { exact: true }).check();
    const row = c.page.locator(`tr[data-symbol="${second}"]`);
    await row.waitFor({ timeout: 10_000 });
    await c.page.waitForFunction((s) => document.querySelector(`tr[data-symbol="${s}"]`)?.hasAttribute('data-sequence'), second, { timeout: 70_000 });
    const seq = Number(await row.getAttribute('data-sequence'));
    // A live tick (not only the latestTicks answer): the sequence moves on.
    await c.page.waitForFunction(([s, n]) => Number(document.querySelector(`tr[data-symbol="${s}"]`)?.getAttribute('data-sequence')) > n, [second, seq], { timeout: 70_000 });
    await c.page.waitForFunction((s) => document.querySelector(`tr[data-symbol="${s}"] svg polyline`), second, { timeout: 30_000 });
    assert(await c.page.locator(`tr[data-symbol="${first}"]`).count() === 0, `no row for the unchosen ${first}`);
    await c.page.getByLabel(ready.symbols?.[2] ?? 'MSFT', { exact: true }).check();
    await c.page.waitForTimeout(3000);
    await c.page.screenshot({ path: join(artifacts, 'ticker-view.png'), fullPage: true });
    assert(await c.page.locator(`tr[data-symbol="${first}"]`).count() === 0, `still no row for ${first}`);
    const age = await c.page.locator(`tr[data-symbol="${second}"] td`).nth(4).textContent();
    assert(/^\d+ s ago$|^stale: no tick for \d+ s$/.test(age ?? ''), `the age of ${second}'s last tick: ${age}`);
    // The choice is remembered: after a reload the first symbol is still left out.
    await c.page.reload();
    await badge(c.page, 'connected', 30_000);
    assert(!(await c.page.getByLabel(first, { exact: true }).isChecked()), `${first} stays unchosen after a reload`);
    assert(await c.page.getByLabel(second, { exact: true }).isChecked(), `${second} stays chosen after a reload`);
  } finally {
    await c.context.close();
  }
});

// Deterministic: the page's WebSocket is routed through the test, which keeps exactly one live tick of
// the symbol from the page; the producer's next tick names it as previousSequence (the local run has one
// producer environment, so its ticks chain across runs), and the page must count that as a gap.
test('a tick the page did not get is shown as a gap on its row, in words, and breaks its price line', async () => {
  const symbol = (ready.symbols ?? ['AMZN'])[0];
  let drop = false;
  let dropped = null;
  const c = await open('#ticker', {
    beforeLoad: (page) => page.routeWebSocket(/\/graphql\/realtime/, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => server.send(m));
      server.onMessage((m) => {
        if (drop) {
          let tick = null;
          try { tick = JSON.parse(String(m))?.payload?.data?.onTick ?? null; } catch { /* not JSON: pass it on */ }
          if (tick?.symbol === symbol) { drop = false; dropped = tick.sequence; return; }
        }
        ws.send(m);
      });
    }),
  });
  try {
    const row = c.page.locator(`tr[data-symbol="${symbol}"]`);
    const attribute = (name) => c.page.waitForFunction(([s, a]) => document.querySelector(`tr[data-symbol="${s}"]`)?.getAttribute(a), [symbol, name], { timeout: 70_000 });
    await attribute('data-sequence');
    // A live tick first, so the row has a baseline the stream delivered.
    const shown = Number(await row.getAttribute('data-sequence'));
    await c.page.waitForFunction(([s, n]) => Number(document.querySelector(`tr[data-symbol="${s}"]`)?.getAttribute('data-sequence')) > n, [symbol, shown], { timeout: 70_000 });
    const before = Number(await row.getAttribute('data-gaps'));
    drop = true;
    await c.page.waitForFunction(([s, n]) => Number(document.querySelector(`tr[data-symbol="${s}"]`)?.getAttribute('data-gaps')) > n, [symbol, before], { timeout: 70_000 });
    assert(dropped !== null, 'a tick was kept from the page');
    assert(Number(await row.getAttribute('data-sequence')) > dropped, `the tick after ${dropped} is shown`);
    assert(Number(await row.getAttribute('data-gaps')) === before + 1, `one gap more than the ${before} before`);
    const said = (await row.locator('td').nth(6).textContent()) ?? '';
    assert(/^\d+ gaps? \(ticks were missed\), last before /.test(said), `the row says it in words: ${said}`);
    await c.page.waitForFunction((s) => document.querySelector(`tr[data-symbol="${s}"] svg line.gap`), symbol, { timeout: 5_000 });
    await c.page.screenshot({ path: join(artifacts, 'ticker-gap.png'), fullPage: true });
  } finally {
    await c.context.close();
  }
});

test('after the connection is cut and restored the page shows current state again', async () => {
  let cut = false;
  const routed = [];
  const a = await open('#movie', {
    beforeLoad: (page) => page.routeWebSocket(/\/graphql\/realtime/, (ws) => {
      if (cut) { ws.close({ code: 4000, reason: 'cut' }); return; }
      ws.connectToServer();
      routed.push(ws);
    }),
  });
  const b = await open('#movie');
  try {
    await waitForMovie(a.page);
    await waitForNextMovie(b.page);
    cut = true;
    routed.splice(0).forEach((ws) => ws.close({ code: 4000, reason: 'cut' }));
    await a.page.locator('[data-testid=connection][data-state=reconnecting]').waitFor({ timeout: 10_000 });
    // While A is cut off: B votes; no event reaches A. A rotation can land between the clicks and
    // the batched vote (MovieNotCurrent, counted nowhere): then B votes again for the new movie.
    const like = b.page.locator('[data-reaction=LIKE]');
    for (let attempt = 1; ; attempt++) {
      const votedFor = await titleOf(b.page);
      for (let i = 0; i < 5; i++) await like.click();
      try {
        await b.page.waitForFunction(() => Number(document.querySelector('[data-testid=count-LIKE]').textContent) >= 5, null, { timeout: 6_000 });
        break;
      } catch (e) {
        if (attempt >= 3 || (await titleOf(b.page)) === votedFor) throw e;
      }
    }
    await a.page.waitForTimeout(1500);
    const likeOnA = await count(a.page, 'LIKE');
    const likeOnB = await count(b.page, 'LIKE');
    const titleOnB = await titleOf(b.page);
    assert(likeOnA < likeOnB || (await titleOf(a.page)) !== titleOnB, 'A did not get events while cut');
    cut = false;
    await a.page.locator('[data-testid=connection][data-state=connected]').waitFor({ timeout: 30_000 });
    // Re-queried after the reconnect: the same movie as B and at least the count B showed then.
    const titleNow = await titleOf(b.page);
    await a.page.locator('#movie-title', { hasText: titleNow }).waitFor({ timeout: 10_000 });
    if (titleNow === titleOnB) {
      await a.page.waitForFunction((n) => Number(document.querySelector('[data-testid=count-LIKE]').textContent) >= n, likeOnB, { timeout: 10_000 });
    }
  } finally {
    await a.context.close(); await b.context.close();
  }
});

test('both views pass the automated accessibility check (axe-core, WCAG 2.1 A and AA)', async () => {
  const a = await open('#movie');
  try {
    await waitForMovie(a.page);
    const movie = await accessibilityViolations(a.page);
    await a.page.goto(WEB + '#ticker');
    await a.page.locator('tr[data-symbol] td svg').first().waitFor({ timeout: 70_000 });
    const ticker = await accessibilityViolations(a.page);
    assert(movie.length === 0 && ticker.length === 0,
      `accessibility violations:\nmovie: ${movie.join('\n')}\nticker: ${ticker.join('\n')}`);
  } finally {
    await a.context.close();
  }
});

// AppSync's error behaviour, injected by the local run (started with --realtime-fault=none): what the
// viewer sees while each fault lasts, and the page recovering without a reload once it clears.
if (ready.realtimeFaultUrl) {
  const faultTest = (name, fn) => test(name, async () => {
    try {
      await fn();
    } finally {
      await fault('none');
    }
  });

  faultTest('an id-less LimitExceededError keeps the connection, is shown, and clears by itself', async () => {
    const a = await open('#movie');
    try {
      await fault('limit-exceeded');
      await badge(a.page, 'degraded', 10_000);
      assert((await detail(a.page)).includes('LimitExceededError: Rate limit exceeded'), await detail(a.page));
      await a.page.screenshot({ path: join(artifacts, 'fault-limit-exceeded.png') });
      await fault('none');
      await badge(a.page, 'connected', 30_000);
    } finally {
      await a.context.close();
    }
  });

  faultTest('a refused API key stops the retries, says what to do, and Try again recovers once it is accepted', async () => {
    const a = await open('#movie');
    try {
      await fault('unauthorized');
      await badge(a.page, 'unauthorized', 10_000);
      const said = await detail(a.page);
      assert(said.includes('UnauthorizedException') && said.includes('API key'), said);
      await a.page.getByTestId('connection-retry').waitFor({ state: 'visible', timeout: 5_000 });
      await a.page.screenshot({ path: join(artifacts, 'fault-unauthorized.png') });
      // Still refused: no quick retries (the next is 5 minutes away) and still says so.
      await a.page.waitForTimeout(3_000);
      await badge(a.page, 'unauthorized', 1_000);
      await fault('none');
      await a.page.getByTestId('connection-retry').click();
      await badge(a.page, 'connected', 30_000);
    } finally {
      await a.context.close();
    }
  });

  faultTest('a start refused with an error is shown and retried until it is accepted', async () => {
    await fault('start-error');
    const a = await open('#movie', { until: 'degraded' });
    try {
      await a.page.locator('[data-testid=vote-error]', { hasText: 'MaxSubscriptionsReachedError' })
        .or(a.page.locator('[data-testid=chat-error]', { hasText: 'MaxSubscriptionsReachedError' }))
        .first().waitFor({ timeout: 10_000 });
      await a.page.screenshot({ path: join(artifacts, 'fault-start-error.png') });
      await fault('none');
      await badge(a.page, 'connected', 40_000);
      assert((await a.page.getByTestId('vote-error').textContent()) === '', 'the feed error is cleared once live');
    } finally {
      await a.context.close();
    }
  });

  faultTest('a start_ack that never comes is given up after 15 s and the start sent again', async () => {
    await fault('drop-start-ack');
    const a = await open('#movie', { until: 'connecting' });
    try {
      await badge(a.page, 'degraded', 30_000);
      assert((await detail(a.page)).includes('no start_ack within 15 s'), await detail(a.page));
      await a.page.screenshot({ path: join(artifacts, 'fault-drop-start-ack.png') });
      await fault('none');
      await badge(a.page, 'connected', 40_000);
    } finally {
      await a.context.close();
    }
  });

  faultTest('a late start_ack within its wait only delays Live', async () => {
    await fault('delay-start-ack', 3_000);
    const a = await open('#movie', { until: 'connecting' });
    try {
      await badge(a.page, 'connected', 20_000);
    } finally {
      await a.context.close();
    }
  });
}

let failed = 0;
for (const t of tests) {
  const began = Date.now();
  try {
    await t.fn();
    console.log(`ok   ${t.name} (${Date.now() - began} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name}: ${e.stack ?? e}`);
  }
}
await browser.close();
const serious = problems.filter((p) => !/WebSocket connection .* failed|ERR_|status of 4\d\d/.test(p));
for (const p of problems) console.log(`note ${p}`);
if (serious.length) { failed++; console.log(`FAIL the page logged errors: ${serious.join(' | ')}`); }
console.log(`${tests.length - Math.min(failed, tests.length)} of ${tests.length} browser tests passed; screenshots in ${artifacts}`);
process.exit(failed ? 1 : 0);
