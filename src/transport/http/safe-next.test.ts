import { describe, expect, it } from 'vitest';
import { safeNextPath } from './safe-next.ts';

describe('safeNextPath', () => {
  it('keeps same-origin relative paths, with their query and fragment', () => {
    for (const p of ['/', '/tasks/list?status=open&q=boiler', '/system-setup/frvs#top', '/a//b', '/tasks/list?q=%C3%A9t%C3%A9', '/outbox?x=a%20b']) {
      expect(safeNextPath(p), p).toBe(p);
    }
  });

  it('percent-encodes what a Location header cannot carry, keeping what was encoded already', () => {
    expect(safeNextPath('/€')).toBe('/%E2%82%AC');
    expect(safeNextPath('/café?q=a b&r=😀')).toBe('/caf%C3%A9?q=a%20b&r=%F0%9F%98%80');
    expect(safeNextPath('/caf%C3%A9')).toBe('/caf%C3%A9');
  });

  it('sends everything else home', () => {
    const hostile = [
      '//example.com', '/\\example.com', '\\\\example.com', '/\t/example.com', '/\n/x', '/\r\n/x', '/%09/example.com', '/%0a/x', '/%0d%0aSet-Cookie:x=1',
      '/%2F/example.com', '/%2f%2fexample.com', '/%5Cexample.com', '/%255C%255Cexample.com', '/%25252F%25252Fexample.com',
      'https://example.com', 'javascript:alert(1)', 'http:/example.com', 'example.com', '', ' /x', '/\u0000x', '/\u0085x',
      '/%E0%A4%A', '/\ud800x', `/${'x'.repeat(3000)}`, 42, null, undefined, ['/x'],
    ];
    for (const p of hostile) expect(safeNextPath(p), JSON.stringify(p)).toBe('/');
  });

  it('uses the fallback it is given', () => {
    expect(safeNextPath('//evil', '/tasks/list')).toBe('/tasks/list');
  });
});
