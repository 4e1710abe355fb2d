/** A small client for carve's public HTTP API over plain fetch, as any script of a reseller would write it. */

/** An RFC 9457 problem detail as carve answers it. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  code?: string;
  fields?: { field: string; message: string }[];
  [extension: string]: unknown;
}

/** A request the API refused (or answered with something that is not JSON). */
export class ApiProblemError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly problem: Problem,
  ) {
    const fields = problem.fields?.map((f) => `${f.field} ${f.message}`).join('; ');
    super(`${method} ${path} answered HTTP ${problem.status}${problem.code ? ` ${problem.code}` : ''}: ${problem.detail ?? problem.title ?? 'no detail'}${fields ? ` (${fields})` : ''}`);
  }
}

export interface RequestOptions {
  /** Whose request; defaults to the client's token. */
  token?: string;
  body?: unknown;
  /** Sent as Idempotency-Key: a retry with the same key gets the first answer instead of a second effect. */
  idempotencyKey?: string;
}

const NETWORK_ATTEMPTS = 4;
const IN_PROGRESS_ATTEMPTS = 20;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class CarveApi {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  /** With another caller's token: the same API, seen as that customer. */
  as(token: string): CarveApi {
    return new CarveApi(this.baseUrl, token);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** A document the API renders (an SVG graph, a PDF invoice): its bytes and content type. */
  async document(path: string): Promise<{ contentType: string; body: Buffer }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${this.token}` } });
    } catch (error) {
      throw new ApiProblemError('GET', path, { status: 0, title: 'No answer', detail: `no answer from ${this.baseUrl} (${(error as Error).message}); is carve running?` });
    }
    const body = Buffer.from(await response.arrayBuffer());
    if (!response.ok) {
      let problem: Problem = { status: response.status, detail: body.toString('utf8').slice(0, 200) };
      try {
        problem = { ...(JSON.parse(body.toString('utf8')) as Problem), status: response.status };
      } catch {
        // Not a problem body: the start of the text says enough.
      }
      throw new ApiProblemError('GET', path, problem);
    }
    return { contentType: response.headers.get('content-type') ?? '', body };
  }

  post<T>(path: string, body: unknown, idempotencyKey: string): Promise<T> {
    return this.request<T>('POST', path, { body, idempotencyKey });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  patch<T>(path: string, body: unknown, idempotencyKey: string): Promise<T> {
    return this.request<T>('PATCH', path, { body, idempotencyKey });
  }

  delete<T>(path: string, idempotencyKey: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, { body, idempotencyKey });
  }

  /**
   * Retries only what cannot repeat an effect: a request that never got an answer (with its
   * idempotency key, or a read), and 409 idempotency_key_in_progress, which asks for it.
   */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? this.token}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const retryable = method === 'GET' || method === 'PUT' || options.idempotencyKey !== undefined;
    let networkTries = 0;
    let inProgressTries = 0;
    for (;;) {
      let response: Response;
      try {
        response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      } catch (error) {
        networkTries += 1;
        if (!retryable || networkTries >= NETWORK_ATTEMPTS) {
          const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
          throw new ApiProblemError(method, path, { status: 0, title: 'No answer', detail: `no answer from ${this.baseUrl} (${cause}); is carve running?` });
        }
        await pause(250 * 2 ** networkTries);
        continue;
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        throw new ApiProblemError(method, path, { status: response.status, title: 'Not JSON', detail: text.slice(0, 200) });
      }
      if (response.ok) return parsed as T;
      const problem = { ...(typeof parsed === 'object' && parsed !== null ? parsed : {}), status: response.status } as Problem;
      if (problem.code === 'idempotency_key_in_progress' && inProgressTries < IN_PROGRESS_ATTEMPTS) {
        inProgressTries += 1;
        await pause(500);
        continue;
      }
      throw new ApiProblemError(method, path, problem);
    }
  }
}
