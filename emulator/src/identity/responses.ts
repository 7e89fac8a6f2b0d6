/** What the identity endpoints answer with, and Entra's error body (AADSTS codes). */
import type { EmulatorState } from '../contracts.ts';
import { newGuid } from '../ids.ts';
import type { TokenService } from './tokens.ts';

export interface HttpResult {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface IdentityDeps {
  state(): EmulatorState;
  origin: string;
  tokens: TokenService;
  nowMs(): number;
}

export const json = (status: number, body: unknown, extra: Record<string, string> = {}): HttpResult => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache', ...extra },
  body: JSON.stringify(body),
});

export function aadError(status: number, error: string, code: number, message: string): HttpResult {
  const traceId = newGuid();
  const correlationId = newGuid();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
