import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { textRuleGaps, type BodyOf, type Endpoint, type ParamsOf, type QueryOf, type ResponseIn } from '@tremolo/protocol';
import { AppError } from '../errors.ts';
import type { AuthenticatedUser, SessionResolver } from '../auth/session.ts';
import type { Limits } from '../auth/limits.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Auth = 'none' | 'optional' | 'user';
type UserFor<A extends Auth> = A extends 'user' ? AuthenticatedUser : A extends 'optional' ? AuthenticatedUser | null : null;

export interface RouteSpec<
  A extends Auth,
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
  R extends z.ZodType,
> {
  method: Method;
  url: string;
  auth: A;
  summary: string;
  tags: string[];
  body?: B;
  query?: Q;
  params?: P;
  response: R;
  status?: number;
  /** Multipart and other raw bodies are read by the handler itself. */
  rawBody?: boolean;
  /** Content type of a streamed (non-JSON) response, for the API document. */
  binary?: string;
  handler: (ctx: {
    body: B extends z.ZodType ? z.infer<B> : undefined;
    query: Q extends z.ZodType ? z.infer<Q> : undefined;
    params: P extends z.ZodType ? z.infer<P> : undefined;
    user: UserFor<A>;
    req: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<z.input<R>>;
}

export function validationError(error: z.ZodError, where: string): AppError {
  return new AppError(
    'validation_failed',
    `Invalid ${where}: ${error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

function parse<T extends z.ZodType | undefined>(schema: T, value: unknown, where: string) {
  if (!schema) return undefined;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!r.success) throw validationError(r.error, where);
  return r.data;
}

/** The handler of a declared endpoint: typed by the declaration's schemas. */
export type Implementation<E extends Endpoint> = (ctx: {
  params: ParamsOf<E>;
  query: QueryOf<E>;
  body: BodyOf<E>;
  user: UserFor<E['auth']>;
  req: FastifyRequest;
  reply: FastifyReply;
}) => Promise<ResponseIn<E> | FastifyReply>;

const STATE_CHANGING = new Set<Method>(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Registers API routes declared with zod schemas: validates every input at the boundary,
 * resolves the session, enforces CSRF on cookie-authenticated state changes and records the
 * route in the OpenAPI document, so docs and validation never disagree.
 */
export class Router {
  private readonly paths: Record<string, Record<string, unknown>> = {};

  constructor(
    private readonly app: FastifyInstance,
    private readonly sessions: SessionResolver,
    private readonly limits?: Limits,
  ) {}

  private writeGate: ((userId: string, route: string) => Promise<void>) | null = null;

  /**
   * A check run before every state-changing request of a signed-in person (`route` is
   * `METHOD /path`): a module refuses people it has restricted by throwing an AppError.
   */
  setWriteGate(gate: (userId: string, route: string) => Promise<void>): void {
    this.writeGate = gate;
  }

  /** Serves an endpoint declared in the protocol package's `api`. */
  implement<E extends Endpoint>(e: E, handler: Implementation<E>): void {
    this.add({
      method: e.method,
      url: e.path,
      auth: e.auth,
      summary: e.summary,
      tags: [...e.tags],
      body: e.body,
      query: e.query,
      params: e.params,
      response: e.response,
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(e.upload ? { rawBody: true } : {}),
      ...(e.binary !== undefined ? { binary: e.binary } : {}),
      handler: handler as never,
    });
  }

  add<
    A extends Auth,
    B extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    P extends z.ZodType | undefined = undefined,
    R extends z.ZodType = z.ZodType,
  >(spec: RouteSpec<A, B, Q, P, R>): void {
    // Text PostgreSQL cannot store must be refused at the boundary, not by the database as a 500.
    const gaps = (['body', 'query', 'params'] as const).flatMap((where) => {
      const schema = spec[where];
      return schema ? textRuleGaps(schema, where) : [];
    });
    if (gaps.length)
      throw new Error(`${spec.method} ${spec.url}: input strings must use text() from @tremolo/protocol: ${gaps.join(', ')}`);
    this.document(spec);
    this.app.route({
      method: spec.method,
      url: spec.url,
      handler: async (req, reply) => {
        let user: AuthenticatedUser | null = null;
        if (spec.auth !== 'none') {
          user = await this.sessions.resolve(req);
          if (!user && spec.auth === 'user') throw new AppError('unauthenticated', 'Please log in first');
          if (user && STATE_CHANGING.has(spec.method) && req.headers['x-csrf-token'] !== user.csrfToken) {
            throw new AppError('csrf_failed', 'Missing or wrong x-csrf-token header; reload the page');
          }
        }
        if (user && STATE_CHANGING.has(spec.method) && this.writeGate) await this.writeGate(user.id, `${spec.method} ${spec.url}`);
        if (STATE_CHANGING.has(spec.method) && this.limits) {
          // A floor under every state change, per person (or network when logged out) and
          // route, so an action without a limit of its own still cannot be scripted at will.
          await this.limits.consume('writesPerRoute', `${spec.method} ${spec.url}:${user ? user.id : `ip:${req.ip}`}`);
        }
        const params = parse(spec.params, req.params, 'path parameters');
        const query = parse(spec.query, req.query, 'query');
        const body = spec.rawBody ? undefined : parse(spec.body, req.body, 'body');
        const result = await spec.handler({
          body: body as never,
          query: query as never,
          params: params as never,
          user: user as UserFor<A>,
          req,
          reply,
        });
        // Streaming routes (video, images) answer through `reply` themselves, with their own status.
        if (result === reply) return reply;
        reply.code(spec.status ?? 200);
        return result;
      },
    });
  }

  private document(spec: RouteSpec<Auth, z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, z.ZodType>) {
    const openApiPath = spec.url.replace(/:([a-zA-Z]+)/g, '{$1}');
    const toSchema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      if (!schema) continue;
      const js = toSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
      }
    }
    const op: Record<string, unknown> = {
      summary: spec.summary,
      tags: spec.tags,
      parameters,
      responses: {
        [String(spec.status ?? 200)]: spec.binary
          ? { description: 'OK (supports Range requests)', content: { [spec.binary]: { schema: { type: 'string', format: 'binary' } } } }
          : { description: 'OK', content: { 'application/json': { schema: toSchema(spec.response, 'output') } } },
        '4XX': { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: toSchema(spec.body, 'input') } } };
    if (spec.rawBody) op.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object' } } } };
    if (spec.auth === 'user') op.security = [{ session: [] }];
    (this.paths[openApiPath] ??= {})[spec.method.toLowerCase()] = op;
  }

  openApi(errorSchema: z.ZodType): Record<string, unknown> {
    return {
      openapi: '3.1.0',
      info: { title: 'Tremolo API', version: '1' },
      paths: this.paths,
      components: {
        schemas: { Error: z.toJSONSchema(errorSchema) },
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'tremolo_sid' } },
      },
    };
  }
}
