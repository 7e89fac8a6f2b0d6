import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../../../app/context.ts';
import { requireApiRole } from '../auth.ts';
import { sendProblem, validationProblem, zodFieldProblems } from '../problem.ts';

export const API_PREFIX = '/api/v1';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One API operation, declared once: the same zod schemas validate the request at run time and
 * describe it in /openapi.json, so the document cannot drift from the code.
 */
export interface ApiOperation<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: Method;
  /** OpenAPI-style path under /api/v1, e.g. "/parameters/{name}". */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  role: 'officer' | 'admin';
  params?: P;
  query?: Q;
  body?: B;
  /** Problem statuses particular to this operation (e.g. 409 when the code is taken), for the document. */
  problems?: Record<number, string>;
  /** Request body cap for this operation when it must exceed the server's default (attachments). */
  bodyLimit?: number;
  /** Success status and body; a null schema means no body (204). */
  status: number;
  response: R | null;
  handler: (input: {
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    principal: Principal;
    request: FastifyRequest;
  }) => Promise<z.input<R> | void>;
}

// Schemas are kept loosely typed here: each operation is checked where it is declared.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation = ApiOperation<any, any, any, any>;

/** Collects operations as they are registered; /openapi.json is built from this list. */
export class ApiCatalogue {
  readonly operations: AnyOperation[] = [];

  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
    app: FastifyInstance,
    op: ApiOperation<P, Q, B, R>,
  ): void {
    this.operations.push(op as AnyOperation);
    app.route({
      method: op.method,
      url: API_PREFIX + op.path.replace(/\{(\w+)\}/g, ':$1'),
      preHandler: requireApiRole(op.role),
      ...(op.bodyLimit ? { bodyLimit: op.bodyLimit } : {}),
      handler: async (request, reply) => {
        const parts: Array<['params' | 'query' | 'body', z.ZodType | undefined, unknown]> = [
          ['params', op.params, request.params],
          ['query', op.query, request.query],
          ['body', op.body, request.body],
        ];
        const parsed: Record<string, unknown> = {};
        const problems = [];
        for (const [where, schema, raw] of parts) {
          if (!schema) continue;
          const result = schema.safeParse(raw ?? (where === 'body' ? undefined : {}));
          if (result.success) parsed[where] = result.data;
          else problems.push(...zodFieldProblems(result.error));
        }
        if (problems.length > 0) return sendProblem(reply, validationProblem(problems));
        const result = await op.handler({
          params: parsed.params as z.output<P>,
          query: parsed.query as z.output<Q>,
          body: parsed.body as z.output<B>,
          principal: request.principal!,
          request,
        });
        if (op.response === null) return reply.code(op.status).send();
        return reply.code(op.status).send(result);
      },
    });
  }
}
