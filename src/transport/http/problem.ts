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
  request.log.error({ err }, 'unhandled error');
  return problem('internal', 500, errorStatus.internal.title, 'An unexpected error occurred; it has been logged');
}
