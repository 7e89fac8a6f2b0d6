import type { FastifyInstance } from 'fastify';

// Set on every response, pages and API alike. The CSP has no 'unsafe-inline': GOV.UK Frontend is
// started from /assets/app.js, never from an inline <script>.
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    // onRequest (not onSend) so the headers are there even when a later hook fails or replies early.
    reply.headers(SECURITY_HEADERS);
  });
}
