/**
 * Queries and mutations over HTTP with the API key, as AppSync takes them
 * (POST {query, variables}, header x-api-key). GraphQL errors become an {@link ApiError}
 * carrying AppSync's errorType (e.g. MovieNotCurrent), so a view can say why.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    /** AppSync's errorType, or 'Network' / 'HTTP <status>' when the request itself failed. */
    readonly errorType: string,
  ) {
    super(message);
  }
}

export interface GraphqlResponse<T> {
  data?: T | null;
  errors?: { message?: string; errorType?: string }[];
}

export class GraphqlClient {
  constructor(
    private readonly graphqlUrl: string,
    private readonly apiKey: string,
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  /** Runs one operation; resolves with data, rejects with an ApiError naming AppSync's errorType. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchFn(this.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
        body: JSON.stringify({ query, variables }),
      });
    } catch (e) {
      throw new ApiError(`the API is unreachable (${(e as Error).message})`, 'Network');
    }
    let body: GraphqlResponse<T>;
    try {
      body = (await response.json()) as GraphqlResponse<T>;
    } catch {
      throw new ApiError(`the API answered HTTP ${response.status} without JSON`, `HTTP ${response.status}`);
    }
    const first = body.errors?.[0];
    if (first) {
      throw new ApiError(first.message ?? 'unknown error', first.errorType ?? 'GraphQLError');
    }
    if (!response.ok || body.data == null) {
      throw new ApiError(`the API answered HTTP ${response.status}`, `HTTP ${response.status}`);
    }
    return body.data;
  }
}
