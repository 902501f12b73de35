/**
 * The operations the page runs, their result types, and checks that an event is complete: AppSync
 * delivers to subscribers only the fields the triggering mutation selected, so a sender that
 * selected fewer fields produces events with nulls, which the views skip instead of rendering.
 */
export const REACTIONS = ['LOVE', 'LIKE', 'MEH', 'UNKNOWN', 'HATE'] as const;
export type Reaction = (typeof REACTIONS)[number];

/** The resolver's bound on one vote's count. */
export const MAX_VOTE_COUNT = 100;

export interface Movie {
  id: string;
  title: string;
  overview: string | null;
  posterUrl: string | null;
  releaseDate: string | null;
  startedAt: string;
  rotation: number | null;
}

export interface Review {
  reaction: Reaction;
  movieId: string | null;
  count: number;
  topMovieId: string | null;
  topMovieTitle: string | null;
  topCount: number;
  /** Per-row version from the review broadcaster; absent where the API does not have it yet. */
  version?: number | null;
}

export interface Message {
  id: string;
  author: string;
  text: string;
  sentAt: string;
}

export interface Tick {
  symbol: string;
  price: number;
  open: number;
  high: number;
  low: number;
  volume: number;
  timestamp: string;
  sequence: number;
  /**
   * The sequence of the tick the producer emitted before this one for the symbol; null when unknown (its
   * first tick in a fresh producer environment, a canary tick, an older backend or sender).
   */
  previousSequence: number | null;
}

const MOVIE = 'id title overview posterUrl releaseDate startedAt rotation';
const REVIEW = 'reaction movieId count topMovieId topMovieTitle topCount version';
const MESSAGE = 'id author text sentAt';
const TICK = 'symbol price open high low volume timestamp sequence previousSequence';

export const Q_MOVIE_STATE = `query MovieState { currentMovie { ${MOVIE} } reviews { ${REVIEW} } }`;
export const M_VOTE = `mutation Vote($movieId: ID!, $reaction: Reaction!, $count: Int!) { vote(movieId: $movieId, reaction: $reaction, count: $count) { ${REVIEW} } }`;
export const M_SEND_MESSAGE = `mutation SendMessage($author: String!, $text: String!) { sendMessage(author: $author, text: $text) { ${MESSAGE} } }`;
export const Q_LATEST_TICKS = `query LatestTicks($symbols: [String!]!) { latestTicks(symbols: $symbols) { ${TICK} } }`;
export const S_CURRENT_MOVIE = `subscription OnCurrentMovie { onCurrentMovie { ${MOVIE} } }`;
/** Every reaction's review in one message, at most once per reviewBroadcastMillis (the review broadcaster). */
export const S_REVIEWS = `subscription OnReviews { onReviews { reviews { ${REVIEW} } publishedAt } }`;
export const S_MESSAGE = `subscription OnMessage { onMessage { ${MESSAGE} } }`;
export const S_TICK = `subscription OnTick($symbol: String!) { onTick(symbol: $symbol) { ${TICK} } }`;

type Rec = Record<string, unknown>;
const isObj = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
const optStr = (v: unknown) => v === null || v === undefined || typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function asMovie(v: unknown): Movie | null {
  if (!isObj(v) || !str(v['id']) || !str(v['title']) || !str(v['startedAt'])) return null;
  if (!optStr(v['overview']) || !optStr(v['posterUrl']) || !optStr(v['releaseDate'])) return null;
  const rotation = v['rotation'];
  if (rotation !== null && rotation !== undefined && !num(rotation)) return null;
  return {
    id: v['id'],
    title: v['title'],
    overview: (v['overview'] as string | null | undefined) ?? null,
    posterUrl: (v['posterUrl'] as string | null | undefined) ?? null,
    releaseDate: (v['releaseDate'] as string | null | undefined) ?? null,
    startedAt: v['startedAt'],
    rotation: (rotation as number | null | undefined) ?? null,
  };
}

/** The reviews of an onReviews message that are complete; an incomplete one is skipped, the rest kept. */
export function asReviewBoard(v: unknown): Review[] | null {
  if (!isObj(v) || !Array.isArray(v['reviews'])) return null;
  return v['reviews'].map(asReview).filter((r): r is Review => r !== null);
}

export function asReview(v: unknown): Review | null {
  if (!isObj(v) || !REACTIONS.includes(v['reaction'] as Reaction)) return null;
  if (!num(v['count']) || !num(v['topCount']) || !optStr(v['movieId'])) return null;
  if (!optStr(v['topMovieId']) || !optStr(v['topMovieTitle'])) return null;
  const version = v['version'];
  if (version !== null && version !== undefined && !num(version)) return null;
  return {
    reaction: v['reaction'] as Reaction,
    movieId: (v['movieId'] as string | null | undefined) ?? null,
    count: v['count'],
    topMovieId: (v['topMovieId'] as string | null | undefined) ?? null,
    topMovieTitle: (v['topMovieTitle'] as string | null | undefined) ?? null,
    topCount: v['topCount'],
    version: (version as number | null | undefined) ?? null,
  };
}

/**
 * The authors of `system verify`'s and the scheduled canary's chat round trips (CheckSettings in
 * lambdas/system-checks): each proves the broadcast reaches a subscriber, and is not for the
 * audience, so the page does not show them. Anyone may chat under these names; they only hide
 * their own messages.
 */
export const SYSTEM_AUTHORS: ReadonlySet<string> = new Set(['system-verify', 'system-canary']);

export function asMessage(v: unknown): Message | null {
  if (!isObj(v) || !str(v['id']) || !str(v['author']) || !str(v['text']) || !str(v['sentAt'])) return null;
  return { id: v['id'], author: v['author'], text: v['text'], sentAt: v['sentAt'] };
}

export function asTick(v: unknown): Tick | null {
  if (!isObj(v) || !str(v['symbol']) || !str(v['timestamp'])) return null;
  for (const k of ['price', 'open', 'high', 'low', 'volume', 'sequence']) {
    if (!num(v[k])) return null;
  }
  const previous = v['previousSequence'];
  if (previous !== null && previous !== undefined && !num(previous)) return null;
  return {
    symbol: v['symbol'],
    price: v['price'] as number,
    open: v['open'] as number,
    high: v['high'] as number,
    low: v['low'] as number,
    volume: v['volume'] as number,
    timestamp: v['timestamp'],
    sequence: v['sequence'] as number,
    previousSequence: (previous as number | null | undefined) ?? null,
  };
}

/** What the views need from the API: testable with a fake, no network. */
export interface Api {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  subscribe(
    query: string,
    variables: Record<string, unknown>,
    handlers: { next(data: Record<string, unknown>): void; error(message: string): void },
  ): () => void;
  onState(listener: (state: import('./realtime').ConnectionState) => void): () => void;
}
