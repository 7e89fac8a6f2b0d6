import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebFixture, type WebFixture } from './web-client.ts';

// Every request in this test comes from 127.0.0.1, as it does behind a reverse proxy on the same
// machine: the address must not open /metrics, only the scrape token does.

const SCRAPE_TOKEN = 'prometheus-scrape-token-for-tests-0123456789';
let f: WebFixture;
beforeAll(async () => {
  f = await startWebFixture();
});
afterAll(async () => f?.close());

const scrape = (headers: Record<string, string> = {}) => fetch(`${f.baseUrl}/metrics`, { headers });

describe('/metrics', () => {
  it('does not exist until a scrape token is configured, even for loopback callers and admins', async () => {
    f.t.ctx.config.metricsToken = undefined;
    for (const headers of <Array<Record<string, string>>>[{}, { authorization: `Bearer ${f.adminToken}` }]) {
      const res = await scrape(headers);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('answers 401 without the scrape token, with a wrong one, or with an API token', async () => {
    f.t.ctx.config.metricsToken = SCRAPE_TOKEN;
    for (const headers of <Array<Record<string, string>>>[{}, { authorization: `Bearer ${SCRAPE_TOKEN}-not` }, { authorization: `Bearer ${f.adminToken}` }, { authorization: SCRAPE_TOKEN }]) {
      const res = await scrape(headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain('housing365_http_request_duration_seconds');
    }
  });

  it('serves Prometheus metrics with the scrape token, including request durations by route', async () => {
    f.t.ctx.config.metricsToken = SCRAPE_TOKEN;
    await fetch(`${f.baseUrl}/healthz`);
    const res = await scrape({ authorization: `Bearer ${SCRAPE_TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('housing365_http_request_duration_seconds_bucket');
    expect(text).toMatch(/route="\/healthz"/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
