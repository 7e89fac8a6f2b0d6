/** private_key_jwt client authentication: the assertion must be signed by the app's registered certificate. */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { AppState } from '../contracts.ts';
import { aadError, type HttpResult, type IdentityDeps } from './responses.ts';

export async function checkClientAssertion(d: IdentityDeps, issuer: string, app: AppState, assertion: string, tid: string): Promise<HttpResult | undefined> {
  if (!app.certificatePem) {
    return aadError(401, 'invalid_client', 700027, `Client assertion failed signature validation. The application '${app.clientId}' has no certificate credentials registered.`);
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(assertion) as Record<string, unknown>;
  } catch {
    return aadError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
  }
  const cert = new X509Certificate(app.certificatePem);
  const sha1 = createHash('sha1').update(cert.raw).digest('base64url');
  const sha256 = createHash('sha256').update(cert.raw).digest('base64url');
  const t1 = typeof header.x5t === 'string' ? header.x5t.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') : undefined;
  const t256 = typeof header['x5t#S256'] === 'string' ? (header['x5t#S256'] as string).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') : undefined;
  if (!(t1 === sha1 || t256 === sha256)) {
    return aadError(401, 'invalid_client', 700027, `Client assertion failed signature validation. The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${t256 ?? t1 ?? ''}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`);
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(assertion, createPublicKey(app.certificatePem), { algorithms: ['RS256', 'PS256'], currentDate: new Date(d.nowMs()), clockTolerance: 300 }));
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_JWT_EXPIRED') return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
    return aadError(401, 'invalid_client', 7000274, 'Key was found, but use of the key to verify the signature failed.');
  }
  if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
    return aadError(401, 'invalid_client', 700021, 'Client assertion application identifier doesn\'t match \'client_id\' parameter.');
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const okAud = aud.some((a) => typeof a === 'string' && (a.toLowerCase().startsWith(d.origin.toLowerCase() + '/') && /\/oauth2\/(v2\.0\/)?token$/i.test(a) || a === issuer));
  if (!okAud) return aadError(401, 'invalid_client', 50013, `Assertion failed signature validation. [Reason - The audience '${String(payload.aud)}' in the client assertion does not match the token endpoint of tenant '${tid}'.]`);
  return undefined;
}
