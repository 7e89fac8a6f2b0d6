import type { z } from 'zod';
import { AppError } from '../errors.ts';

/** Parses input with a use case's schema, or throws a validation AppError naming every bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const fields = r.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
    throw new AppError('validation', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
  }
  return r.data;
}
