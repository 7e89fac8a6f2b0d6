import type { FailureFacts } from '../domain/failures/policy.ts';
import { isGraphFailure } from './ports/graph-errors.ts';

/** The facts the failure policy decides on, from whatever a step threw (a Graph failure, or our own). */
export function failureFacts(err: unknown): FailureFacts {
  if (isGraphFailure(err)) {
    const retryAfterMs = (err as { retryAfterMs?: number }).retryAfterMs;
    return { kind: err.kind, message: err.message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: 'internal', message: (err as Error)?.message ?? String(err) };
}
