import {
  asMessage, asMovie, asReview, asReviewBoard, M_SEND_MESSAGE, M_VOTE, Q_MOVIE_STATE, REACTIONS, SYSTEM_AUTHORS,
  S_CURRENT_MOVIE, S_MESSAGE, S_REVIEWS, type Api, type Message, type Movie, type Reaction,
} from '../api/operations';
import { el, text } from './dom';
import { describe } from './errors';
import { clearLiveErrors, liveError, onLiveAgain } from './status';
import { ReviewBoard, VoteBatcher } from './reviews';

// Plain text glyphs every system font has (colour emoji fonts are not everywhere, and the page
// loads no fonts of its own).
const LABELS: Record<Reaction, { label: string; icon: string }> = {
  LOVE: { label: 'Love', icon: '\u2665' },
  LIKE: { label: 'Like', icon: '\u2191' },
  MEH: { label: 'Meh', icon: '\u223C' },
  UNKNOWN: { label: 'Not seen', icon: '?' },
  HATE: { label: 'Hate', icon: '\u2193' },
};

const MAX_MESSAGES = 100;

export interface MovieViewOptions {
  /** How often batched clicks are sent. */
  flushMs?: number;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The second screen: the current movie, five reaction buttons with live counts, the
 * leaderboard and the chat. Everything arrives through {@link Api}, so the view runs in tests
 * against a fake.
 */
export class MovieView {
  readonly root: HTMLElement;
  private readonly board = new ReviewBoard();
  private readonly batcher = new VoteBatcher();
  private readonly ownIds = new Set<string>();
  private readonly seenIds = new Set<string>();
  private movie: Movie | null = null;
  private readonly stops: (() => void)[] = [];
  private flushTimer: ReturnType<typeof setInterval> | null = null;
  private readonly flushMs: number;
  private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null;

  private readonly poster = el('img', { class: 'poster', alt: '', hidden: true });
  private readonly title = el('h2', { id: 'movie-title' }, 'Waiting for the first movie\u2026');
  private readonly release = el('p', { class: 'release' });
  private readonly overview = el('p', { class: 'overview' });
  private readonly buttons = new Map<Reaction, { button: HTMLButtonElement; count: HTMLElement; pending: HTMLElement }>();
  private readonly leaders = el('tbody');
  private readonly voteError = el('p', { class: 'error', role: 'alert', 'data-testid': 'vote-error' });
  private readonly chatError = el('p', { class: 'error', role: 'alert', 'data-testid': 'chat-error' });
  private readonly messages = el('ol', { class: 'messages', 'aria-live': 'polite', 'aria-label': 'Chat messages' });
  private readonly handle = el('input', { id: 'chat-handle', name: 'handle', maxlength: '32', required: true, autocomplete: 'nickname' });
  private readonly draft = el('input', { id: 'chat-text', name: 'text', maxlength: '500', required: true, autocomplete: 'off' });

  constructor(private readonly api: Api, options: MovieViewOptions = {}) {
    this.flushMs = options.flushMs ?? 400;
    this.storage = options.storage ?? (typeof localStorage !== 'undefined' ? localStorage : null);
    this.handle.value = this.storage?.getItem('chat-handle') ?? '';

    const reactions = el('div', { class: 'reactions', role: 'group', 'aria-label': 'Your reaction' });
    for (const reaction of REACTIONS) {
      const { label, icon } = LABELS[reaction];
      const count = el('span', { class: 'count', 'data-testid': `count-${reaction}` }, '0');
      const pending = el('span', { class: 'pending', 'aria-hidden': 'true' });
      // The accessible name is the visible text and a hidden word: "Love 3 votes" (WCAG 2.5.3, label in name).
      const button = el('button', { type: 'button', class: 'reaction', 'data-reaction': reaction, disabled: true },
        el('span', { class: 'icon', 'aria-hidden': 'true' }, icon), el('span', { class: 'label' }, label), ' ', count,
        el('span', { class: 'visually-hidden' }, ' votes'), pending);
      button.addEventListener('click', () => this.click(reaction));
      this.buttons.set(reaction, { button, count, pending });
      reactions.append(button);
    }

    const form = el('form', { class: 'chat-form', 'aria-label': 'Send a message' },
      el('label', { for: 'chat-handle' }, 'Your handle'), this.handle,
      el('label', { for: 'chat-text' }, 'Message'), this.draft,
      el('button', { type: 'submit' }, 'Send'));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.send();
    });

    this.root = el('section', { class: 'view movie-view', 'aria-labelledby': 'movie-heading' },
      el('h1', { id: 'movie-heading', class: 'visually-hidden' }, 'Now showing'),
      el('article', { class: 'movie' }, this.poster, el('div', { class: 'details' }, this.title, this.release, this.overview)),
      reactions, this.voteError,
      el('div', { class: 'columns' },
        el('section', { class: 'leaderboard', 'aria-labelledby': 'leaders-heading' },
          el('h2', { id: 'leaders-heading' }, 'Leaderboard'),
          el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Reaction'),
            el('th', { scope: 'col' }, 'Top movie'), el('th', { scope: 'col' }, 'Votes'))), this.leaders)),
        el('section', { class: 'chat', 'aria-labelledby': 'chat-heading' },
          el('h2', { id: 'chat-heading' }, 'Chat'), this.messages, form, this.chatError)));
    this.renderCounts();
  }

  /** Subscribes and loads the current state (again after every reconnect: there is no replay). */
  start(): void {
    this.stops.push(
      this.api.subscribe(S_CURRENT_MOVIE, {}, {
        next: (d) => { const m = asMovie(d['onCurrentMovie']); if (m) this.showMovie(m); },
        error: (m) => liveError(this.voteError, `Live movie updates unavailable: ${m}`),
      }),
      // One message per broadcast with all five reviews; each is applied only if newer (version) than shown.
      this.api.subscribe(S_REVIEWS, {}, {
        next: (d) => {
          let changed = false;
          for (const r of asReviewBoard(d['onReviews']) ?? []) changed = this.board.apply(r) || changed;
          if (changed) this.renderCounts();
        },
        error: (m) => liveError(this.voteError, `Live counts unavailable: ${m}`),
      }),
      this.api.subscribe(S_MESSAGE, {}, {
        next: (d) => {
          const m = asMessage(d['onMessage']);
          if (m && !SYSTEM_AUTHORS.has(m.author)) this.showMessage(m);
        },
        error: (m) => liveError(this.chatError, `Live chat unavailable: ${m}`),
      }),
      onLiveAgain(this.api, (whole) => {
        if (whole) clearLiveErrors(this.root);
        void this.refresh();
      }),
    );
    this.flushTimer = setInterval(() => void this.flush(), this.flushMs);
    void this.refresh();
  }

  stop(): void {
    this.stops.splice(0).forEach((s) => s());
    if (this.flushTimer) clearInterval(this.flushTimer);
  }

  /** Reads the current movie and counts. */
  async refresh(): Promise<void> {
    try {
      const data = await this.api.request<{ currentMovie: unknown; reviews: unknown[] }>(Q_MOVIE_STATE);
      const movie = asMovie(data.currentMovie);
      if (movie) this.showMovie(movie);
      for (const raw of data.reviews ?? []) {
        const r = asReview(raw);
        if (r) this.board.apply(r);
      }
      this.renderCounts();
    } catch (e) {
      text(this.voteError, `Could not load the current movie: ${describe(e)}`);
    }
  }

  private showMovie(movie: Movie): void {
    const current = this.movie;
    if (current && current.rotation != null && movie.rotation != null && movie.rotation < current.rotation) return;
    if (current && current.id === movie.id && current.rotation === movie.rotation) return;
    this.movie = movie;
    this.board.setMovie(movie.id);
    text(this.title, movie.title);
    text(this.release, movie.releaseDate ? `Released ${movie.releaseDate}` : 'Release date unknown');
    text(this.overview, movie.overview ?? '');
    if (movie.posterUrl && /^https?:\/\//.test(movie.posterUrl)) {
      this.poster.src = movie.posterUrl;
      this.poster.alt = `Poster of ${movie.title}`;
      this.poster.hidden = false;
    } else {
      this.poster.hidden = true;
      this.poster.removeAttribute('src');
    }
    text(this.voteError, '');
    this.renderCounts();
  }

  private click(reaction: Reaction): void {
    if (!this.movie) return;
    this.batcher.click(this.movie.id, reaction);
    this.renderCounts();
  }

  /** Sends what was clicked since the last flush: one bounded vote per reaction. */
  async flush(): Promise<void> {
    const batches = this.batcher.take();
    if (batches.length === 0) return;
    this.renderCounts();
    await Promise.all(batches.map(async (b) => {
      try {
        const data = await this.api.request<{ vote: unknown }>(M_VOTE, { ...b });
        const r = asReview(data.vote);
        if (r && this.board.apply(r)) this.renderCounts();
      } catch (e) {
        text(this.voteError, `${b.count} ${LABELS[b.reaction].label} vote${b.count === 1 ? '' : 's'} not counted: ${describe(e)}`);
      }
    }));
  }

  private async send(): Promise<void> {
    const author = this.handle.value.trim();
    const body = this.draft.value;
    if (!author || !body.trim()) {
      text(this.chatError, 'Choose a handle and write a message first.');
      return;
    }
    this.storage?.setItem('chat-handle', author);
    try {
      const data = await this.api.request<{ sendMessage: unknown }>(M_SEND_MESSAGE, { author, text: body });
      const m = asMessage(data.sendMessage);
      text(this.chatError, '');
      this.draft.value = '';
      if (m) {
        this.ownIds.add(m.id);
        this.showMessage(m);
      }
    } catch (e) {
      text(this.chatError, `Message not sent: ${describe(e)}`);
    }
  }

  private showMessage(m: Message): void {
    const own = this.ownIds.has(m.id);
    if (this.seenIds.has(m.id)) {
      // The broadcast can arrive before our own mutation's answer: mark it once we know.
      if (own) [...this.messages.children].find((c) => c.getAttribute('data-id') === m.id)?.classList.add('own');
      return;
    }
    this.seenIds.add(m.id);
    const time = new Date(m.sentAt);
    const item = el('li', { class: own ? 'message own' : 'message', 'data-id': m.id },
      el('span', { class: 'author' }, m.author),
      el('span', { class: 'text' }, m.text),
      el('time', { datetime: m.sentAt }, Number.isNaN(time.getTime()) ? '' : time.toLocaleTimeString()));
    this.messages.append(item);
    while (this.messages.children.length > MAX_MESSAGES) this.messages.firstElementChild?.remove();
    item.scrollIntoView?.({ block: 'nearest' });
  }

  private renderCounts(): void {
    for (const [reaction, { button, count, pending }] of this.buttons) {
      const n = this.board.count(reaction);
      text(count, String(n));
      const p = this.batcher.pendingFor(reaction);
      text(pending, p > 0 ? `+${p}` : '');
      button.disabled = !this.movie;
    }
    this.leaders.replaceChildren(...this.board.leaderboard().map((row) => el('tr', {},
      el('th', { scope: 'row' }, `${LABELS[row.reaction].icon} ${LABELS[row.reaction].label}`),
      el('td', {}, row.title ?? '\u2014'),
      el('td', {}, String(row.count)))));
  }
}
