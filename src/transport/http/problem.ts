import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, errorStatus, type FieldProblem } from '../../errors.ts';

// RFC 9457 problem details: every API error is one of these, naming the field at fault.
export const ProblemSchema = z
  .object({
    type: z.string().describe('A URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof ProblemSchema>;

const PROBLEM_TYPE_BASE = 'https://housing365.invalid/problems/';

export function problem(code: string, status: number, title: string, detail?: string, errors?: FieldProblem[]): Problem {
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(p));
}

/** zod issues → field problems; the field is the dotted path ("value", "members.0.id") or "body". */
export function zodFieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  const name = (path: PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || 'body';
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: name([...i.path, k]), message: `${k} is not a field of this request` }))
      : [{ field: name(i.path), message: i.message }],
  );
}

export function validationProblem(errors: FieldProblem[], detail = 'The request has invalid fields'): Problem {
  return problem('validation', 422, errorStatus.validation.title, detail, errors);
}

/** Any thrown error → a problem body; unknown errors are logged and hidden behind a generic 500. */
export function toProblem(err: unknown, request: FastifyRequest): Problem {
  if (err instanceof AppError) {
    const s = errorStatus[err.code];
    return problem(err.code, s.http, s.title, err.message, err.fields);
  }
  if (err instanceof z.ZodError) return validationProblem(zodFieldProblems(err));
  const fe = err as FastifyError;
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own 4xx: unparseable JSON, body too large, unsupported media type.
    const title = fe.statusCode === 415 ? 'Unsupported media type' : fe.statusCode === 413 ? 'Payload too large' : 'Bad request';
    return problem(fe.code?.toLowerCase() ?? 'bad_request', fe.statusCode, title, fe.message);
  }
  const pgCode = postgresErrorCode(err);
  if (pgCode?.startsWith('22') || pgCode === '54000') {
    // The last line, behind the input guard and the schemas: a value PostgreSQL cannot take (a date
    // that does not exist, a number out of range, text too long for an index) is the caller's fault,
    // not the server's. PostgreSQL's own message is logged, not shown: it may quote other data.
    request.log.warn({ err, sqlstate: pgCode }, 'request refused by the database as invalid data');
    return problem('bad_request', 400, errorStatus.bad_request.title, 'A value in the request is not valid for its field (malformed, out of range or too long)');
  }
  request.log.error({ err }, 'unhandled error');
  return problem('internal', 500, errorStatus.internal.title, 'An unexpected error occurred; it has been logged');
}

/** The SQLSTATE of a PostgreSQL error (pg's DatabaseError carries it as `code`), else undefined. */
function postgresErrorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; severity?: unknown } | null;
  return e && typeof e.code === 'string' && typeof e.severity === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
}
