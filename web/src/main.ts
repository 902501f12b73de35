import './style.css';
import { loadConfig } from './api/config';
import { GraphqlClient } from './api/graphql';
import type { Api } from './api/operations';
import { RealtimeClient } from './api/realtime';
import { el, text } from './views/dom';
import { MovieView } from './views/movie';
import { connectionBadge } from './views/status';
import { TickerView } from './views/ticker';

async function main(root: HTMLElement): Promise<void> {
  const config = await loadConfig();
  const http = new GraphqlClient(config.graphqlUrl, config.apiKey);
  const realtime = new RealtimeClient({ realtimeUrl: config.realtimeUrl, graphqlUrl: config.graphqlUrl, apiKey: config.apiKey });
  const api: Api = {
    request: (q, v) => http.request(q, v),
    subscribe: (q, v, h) => realtime.subscribe(q, v, h),
    onState: (l) => realtime.onState(l),
  };
  const movie = new MovieView(api);
  const ticker = new TickerView(api, config.symbols);

  const tabs = new Map([['movie', movie.root], ['ticker', ticker.root]] as const);
  const nav = el('nav', { 'aria-label': 'Experiences' });
  const links = new Map<string, HTMLAnchorElement>();
  for (const [name, label] of [['movie', 'Second screen'], ['ticker', 'Market ticker']] as const) {
    const a = el('a', { href: `#${name}`, 'data-view': name }, label);
    links.set(name, a);
    nav.append(a);
  }
  const show = () => {
    const current = location.hash === '#ticker' ? 'ticker' : 'movie';
    for (const [name, view] of tabs) view.hidden = name !== current;
    for (const [name, a] of links) {
      if (name === current) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  };
  window.addEventListener('hashchange', show);
  root.replaceChildren(
    el('header', {}, el('p', { class: 'brand' }, 'Realtime Refarch'), nav, connectionBadge(realtime)),
    el('main', {}, movie.root, ticker.root));
  show();
  movie.start();
  ticker.start();
}

const root = document.getElementById('app')!;
main(root).catch((e: unknown) => {
  root.replaceChildren(el('p', { class: 'error', role: 'alert' }));
  text(root.firstElementChild!, `The page cannot start: ${(e as Error).message}`);
});
