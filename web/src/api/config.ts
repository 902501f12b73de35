/** Where the API is and how to call it: read at runtime from /config.json. */
export interface WebConfig {
  readonly graphqlUrl: string;
  readonly realtimeUrl: string;
  readonly apiKey: string;
  readonly region: string;
  /** The symbols the producer publishes, offered in the ticker view. */
  readonly symbols: readonly string[];
}

export const DEFAULT_SYMBOLS = ['AMZN', 'AAPL', 'MSFT', 'GOOGL', 'NVDA'] as const;

/** A config.json that is not usable; the message names the bad key. */
export class ConfigError extends Error {}

function url(raw: Record<string, unknown>, key: string, schemes: string[]): string {
  const value = raw[key];
  if (typeof value !== 'string' || value === '') {
    throw new ConfigError(`config.json: '${key}' is missing`);
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`config.json: '${key}' is not a URL: ${value}`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new ConfigError(`config.json: '${key}' must use ${schemes.join(' or ')}, got ${parsed.protocol}`);
  }
  return value;
}

/** Validates a parsed config.json. */
export function parseConfig(raw: unknown): WebConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError('config.json: expected a JSON object');
  }
  const r = raw as Record<string, unknown>;
  const apiKey = r['apiKey'];
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new ConfigError("config.json: 'apiKey' is missing");
  }
  const region = r['region'];
  if (typeof region !== 'string' || region === '') {
    throw new ConfigError("config.json: 'region' is missing");
  }
  let symbols: string[] = [...DEFAULT_SYMBOLS];
  if (r['symbols'] !== undefined) {
    const s = r['symbols'];
    if (!Array.isArray(s) || s.length === 0 || !s.every((x) => typeof x === 'string' && /^[A-Z][A-Z0-9.-]{0,9}$/.test(x))) {
      throw new ConfigError("config.json: 'symbols' must be a non-empty array of ticker symbols");
    }
    symbols = s as string[];
  }
  return {
    graphqlUrl: url(r, 'graphqlUrl', ['http:', 'https:']),
    realtimeUrl: url(r, 'realtimeUrl', ['ws:', 'wss:']),
    apiKey,
    region,
    symbols,
  };
}

/** Fetches and validates /config.json (never cached, so a redeploy's endpoints apply at once). */
export async function loadConfig(fetchFn: typeof fetch = fetch, path = '/config.json'): Promise<WebConfig> {
  const response = await fetchFn(path, { cache: 'no-store' });
  if (!response.ok) {
    throw new ConfigError(`${path}: HTTP ${response.status}`);
  }
  return parseConfig(await response.json());
}
