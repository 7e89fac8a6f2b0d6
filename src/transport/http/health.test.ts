import { describe, expect, it } from 'vitest';
import { metricsAccess } from './health.ts';

const TOKEN = 'a-scrape-token-of-enough-length-0123456789';

describe('who may read /metrics', () => {
  it('serves nobody when no scrape token is configured', () => {
    expect(metricsAccess(undefined, undefined)).toBe('not_configured');
    expect(metricsAccess(undefined, `Bearer ${TOKEN}`)).toBe('not_configured');
  });

  it('needs the configured scrape token as a bearer token', () => {
    expect(metricsAccess(TOKEN, `Bearer ${TOKEN}`)).toBe('ok');
    expect(metricsAccess(TOKEN, `bearer ${TOKEN}`)).toBe('ok');
    for (const h of [undefined, '', 'Bearer', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer h365_admin_api_token']) {
      expect(metricsAccess(TOKEN, h), String(h)).toBe('refused');
    }
  });
});
