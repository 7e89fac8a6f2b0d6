import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../app/context.ts';
import { mayReadMetrics } from './health.ts';

const from = (remoteAddress: string, authVia: FastifyRequest['authVia'] = null, role?: Principal['role']) =>
  ({
    socket: { remoteAddress } as FastifyRequest['socket'],
    authVia,
    principal: role ? { kind: authVia === 'token' ? 'token' : 'user', id: 1, username: 'x', displayName: 'X', role } : null,
  }) as Pick<FastifyRequest, 'socket' | 'authVia' | 'principal'>;

describe('who may read /metrics', () => {
  it('lets loopback callers in without credentials', () => {
    for (const ip of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(mayReadMetrics(from(ip))).toBe(true);
  });

  it('needs an admin API token from anywhere else', () => {
    expect(mayReadMetrics(from('10.1.2.3'))).toBe(false);
    expect(mayReadMetrics(from('10.1.2.3', 'token', 'officer'))).toBe(false);
    expect(mayReadMetrics(from('10.1.2.3', 'session', 'admin'))).toBe(false);
    expect(mayReadMetrics(from('10.1.2.3', 'token', 'admin'))).toBe(true);
  });
});
