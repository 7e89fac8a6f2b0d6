// One error type with a code; one map from code to HTTP status and CLI exit code (STYLE.md).
export type ErrorCode =
  | 'validation'
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_licensed'
  | 'disabled'
  | 'config'
  | 'internal';

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[];
  constructor(code: ErrorCode, message: string, fields: FieldProblem[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }

  static validation(field: string, message: string): AppError {
    return new AppError('validation', message, [{ field, message }]);
  }
}

export const errorStatus: Record<ErrorCode, { http: number; exit: number; title: string }> = {
  validation: { http: 422, exit: 2, title: 'Invalid input' },
  bad_request: { http: 400, exit: 2, title: 'Bad request' },
  not_found: { http: 404, exit: 3, title: 'Not found' },
  conflict: { http: 409, exit: 4, title: 'Conflict' },
  unauthenticated: { http: 401, exit: 5, title: 'Sign-in required' },
  forbidden: { http: 403, exit: 5, title: 'Forbidden' },
  not_licensed: { http: 403, exit: 6, title: 'Not licensed' },
  disabled: { http: 409, exit: 6, title: 'Switched off' },
  config: { http: 500, exit: 7, title: 'Configuration error' },
  internal: { http: 500, exit: 1, title: 'Internal error' },
};
