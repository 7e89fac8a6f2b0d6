// The notificationUrl validation handshake.
// https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation
// Graph POSTs `{url}?validationToken={token}` (text/plain) and needs, within 10 s, a 200 with a
// text/plain body equal to the URL-decoded token. Real tokens contain spaces and colons, so a
// receiver that forgets to decode fails here as it would against Graph.
import { GraphError } from '../contracts.ts';
import type { ModuleHost } from '../contracts.ts';
import type { Deliverer } from './delivery.ts';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname.toLowerCase()) || /^127\./.test(url.hostname);
}

/**
 * https only, as Graph ("This URL must make use of the HTTPS protocol", resources/subscription); http
 * (to any host) only when the emulator runs with notificationsAllowHttp, as demo mode and the tests
 * with plain-http receivers do.
 */
export function checkNotificationUrl(raw: unknown, prop: string, allowHttp: boolean): string {
  if (typeof raw !== 'string' || !raw) throw new GraphError(400, 'InvalidRequest', `The '${prop}' property is required.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GraphError(400, 'InvalidRequest', `Invalid '${prop}': '${raw}' is not an absolute URL.`);
  }
  if (url.protocol === 'https:') return raw;
  if (url.protocol === 'http:' && allowHttp) return raw;
  throw new GraphError(400, 'InvalidRequest', `Invalid '${prop}': the URL scheme must be HTTPS.`);
}

export async function validateEndpoint(host: ModuleHost, deliverer: Deliverer, url: string, requestId: string): Promise<void> {
  const token = `Validation: Testing client application reachability for subscription Request-Id: ${requestId}`;
  const target = new URL(url);
  target.searchParams.append('validationToken', token);
  const started = Date.now();
  const timeoutMs = deliverer.config.validationTimeoutMs;
  let status: number | undefined;
  let body = '';
  let contentType = '';
  let error: string | undefined;
  try {
    const res = await host.httpPost(target.toString(), '', { headers: { 'content-type': 'text/plain; charset=utf-8' }, timeoutMs });
    status = res.status;
    body = res.body;
    const ct = res.headers['content-type'];
    contentType = Array.isArray(ct) ? ct.join(',') : (ct ?? '');
  } catch (e) {
    error = (e as Error).message;
  }
  const durationMs = Date.now() - started;
  const record = (ok: boolean, why?: string) => deliverer.record({
    at: new Date().toISOString(), url, kind: 'validation', attempt: 1, count: 0, status, ok, error: why ?? error, durationMs, subscriptionIds: [],
  });
  if (durationMs > timeoutMs || (error && /timeout/i.test(error))) {
    record(false, 'timed out');
    throw new GraphError(400, 'InvalidRequest', 'Subscription validation request timed out.');
  }
  if (status !== 200) {
    record(false);
    throw new GraphError(400, 'ValidationError', 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.');
  }
  if (body !== token || !/^text\/plain/i.test(contentType.trim())) {
    record(false, body !== token ? 'body does not match the token' : `content-type '${contentType}' is not text/plain`);
    throw new GraphError(400, 'ValidationError', 'Subscription validation request failed. Response must exactly match validationToken query parameter.');
  }
  record(true);
}
