import { ApiError } from '../api/graphql';

/** Why a request failed, in words a viewer can act on; AppSync's errorType is kept visible. */
export function describe(e: unknown): string {
  if (e instanceof ApiError) {
    const hint = HINTS[e.errorType];
    return hint ? `${hint} (${e.errorType}: ${e.message})` : `${e.errorType}: ${e.message}`;
  }
  return e instanceof Error ? e.message : String(e);
}

const HINTS: Record<string, string> = {
  MovieNotCurrent: 'the movie changed before the vote arrived',
  Throttled: 'too many votes at this moment; they were not counted, try again',
  VoteCountOutOfRange: 'a vote carries 1 to 100 clicks',
  InvalidMessage: 'the handle (1-32) or message (1-500 characters) is not allowed',
  Network: 'the API cannot be reached',
};
