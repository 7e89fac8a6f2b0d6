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

// HSTS is the TLS proxy's to send (docs/security.md); housing365 adds it too whenever it knows the
// request came over https (a trusted proxy's X-Forwarded-Proto), so a proxy that forgets is covered.
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    // onRequest (not onSend) so the headers are there even when a later hook fails or replies early.
    reply.headers(SECURITY_HEADERS);
    if (request.protocol === 'https') reply.header('strict-transport-security', STRICT_TRANSPORT_SECURITY);
  });
}
