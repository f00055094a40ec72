import type { BodyOf, Endpoint, ErrorCode, ResponseIn } from '@tremolo/protocol';

/** A refusal the fake server sends instead of a body: the server's error shape, with its status. */
export class Refusal {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly message: string,
    readonly issues?: { path: string; message: string }[],
    readonly retryAfterSec?: number,
  ) {}
}

export function refuse(status: number, code: ErrorCode, message: string, issues?: { path: string; message: string }[]): Refusal {
  return new Refusal(status, code, message, issues);
}

interface FakeRequest<E extends Endpoint> {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The request body as the real server would see it: parsed by the endpoint's body schema. */
  body: BodyOf<E>;
}

type Handler<E extends Endpoint> = (req: FakeRequest<E>) => ResponseIn<E> | Refusal | Promise<ResponseIn<E> | Refusal>;

interface Route {
  endpoint: Endpoint;
  pattern: RegExp;
  names: string[];
  handler: Handler<Endpoint>;
}

export interface SeenCall {
  endpoint: Endpoint | null;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/**
 * Stands in for the Tremolo server at the network boundary (`fetch`): each handler is bound to an
 * endpoint of the protocol, so its answers are typed by the endpoint's response schema, and every
 * request body is validated by the endpoint's schema as the real server does (a 400 with the
 * issues by field). An answer off the contract is kept in `mistakes`, which fails the test.
 */
export class FakeServer {
  readonly calls: SeenCall[] = [];
  readonly mistakes: string[] = [];
  private readonly routes: Route[] = [];

  /** Answers an endpoint; a later `on` for the same endpoint replaces the earlier one. */
  on<E extends Endpoint>(endpoint: E, handler: Handler<NoInfer<E>>): this {
    const names: string[] = [];
    const source = endpoint.path.replace(/:([a-zA-Z]+)/g, (_m, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.unshift({ endpoint, pattern: new RegExp(`^${source}$`), names, handler: handler as unknown as Handler<Endpoint> });
    return this;
  }

  /** The calls made to one endpoint, oldest first. */
  callsTo(endpoint: Endpoint): SeenCall[] {
    return this.calls.filter((c) => c.endpoint === endpoint);
  }

  readonly fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const raw: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    for (const route of this.routes) {
      if (route.endpoint.method !== method) continue;
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      const e = route.endpoint;
      this.calls.push({ endpoint: e, method, path: url.pathname, query: url.searchParams, body: raw });
      let body: unknown = undefined;
      if (e.body) {
        const parsed = e.body.safeParse(raw);
        // As the real server does (validationError in server/src/platform/http/route.ts).
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
          const message = `Invalid body: ${issues.map((i) => `${i.path || '(root)'} ${i.message}`).join('; ')}`;
          return json(400, { error: { code: 'validation_failed', message, issues } });
        }
        body = parsed.data;
      }
      const params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
      const answer = await route.handler({ params, query: url.searchParams, body: body as never });
      if (answer instanceof Refusal) {
        const error = { code: answer.code, message: answer.message, ...(answer.issues ? { issues: answer.issues } : {}) };
        const headers: Record<string, string> = answer.retryAfterSec !== undefined ? { 'retry-after': String(answer.retryAfterSec) } : {};
        return json(answer.status, { error }, headers);
      }
      const checked = e.response.safeParse(answer);
      if (!checked.success) this.mistakes.push(`${method} ${e.path} answered off its contract: ${checked.error.message}`);
      return json(e.status ?? 200, answer);
    }
    this.calls.push({ endpoint: null, method, path: url.pathname, query: url.searchParams, body: raw });
    return json(404, { error: { code: 'not_found', message: `No such route: ${method} ${url.pathname}` } });
  };
}

function json(status: number, payload: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json', ...headers } });
}
