import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('the security settings in the environment', () => {
  it('takes a metrics scrape token and the trusted proxies', () => {
    const c = parseConfig({ HOUSING365_METRICS_TOKEN: 'a'.repeat(32), HOUSING365_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' });
    expect(c.metricsToken).toBe('a'.repeat(32));
    expect(c.trustProxy).toBe('127.0.0.1,10.0.0.0/8');
  });

  it('leaves /metrics closed and trusts no proxy by default', () => {
    const c = parseConfig({});
    expect(c.metricsToken).toBeUndefined();
    expect(c.trustProxy).toBeUndefined();
  });

  it('refuses a short or spaced scrape token and a proxy list that is not addresses, naming each variable', () => {
    for (const token of ['short', `${'a'.repeat(30)} b`]) {
      expect(() => parseConfig({ HOUSING365_METRICS_TOKEN: token })).toThrow(/HOUSING365_METRICS_TOKEN/);
    }
    try {
      parseConfig({ HOUSING365_METRICS_TOKEN: 'x', HOUSING365_TRUST_PROXY: '127.0.0.1; rm -rf /' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['HOUSING365_METRICS_TOKEN', 'HOUSING365_TRUST_PROXY']);
    }
  });
});
