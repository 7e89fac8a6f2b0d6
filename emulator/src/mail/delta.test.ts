// Message delta over the store, without HTTP: paging while the folder changes, log compaction,
// and tokens from before a compaction.
import { describe, expect, it } from 'vitest';
import type { RouteContext, UserState } from '../contracts.ts';
import { createClock } from '../clock.ts';
import { createUser, wellKnownFolder } from '../state.ts';
import { messageDelta } from './delta.ts';
import { addMessage, deleteMessage, messageChanged } from './store.ts';

const secret = Buffer.from('test-secret');
const now = '2026-01-01T00:00:00Z';
const noEmit = () => {};

function ctxFor(user: UserState, url: string, pageSize = 10): RouteContext {
  const u = new URL(url, 'https://localhost');
  return {
    user, path: u.pathname, query: u.searchParams, prefer: new Map([['odata.maxpagesize', String(pageSize)]]),
    preferImmutableIds: true, graphBaseUrl: 'https://localhost/v1.0', applyPreference: () => {}, clock: createClock(),
  } as unknown as RouteContext;
}

function page(user: UserState, url: string, pageSize = 10): { value: any[]; next?: string; delta?: string } {
  const folder = wellKnownFolder(user, 'inbox');
  const r = messageDelta(ctxFor(user, url, pageSize), folder, secret).body as Record<string, any>;
  const strip = (l?: string) => l?.replace('https://localhost/v1.0', '');
  return { value: r.value, next: strip(r['@odata.nextLink']), delta: strip(r['@odata.deltaLink']) };
}

function round(user: UserState, url: string, pageSize = 10, between?: (pageNo: number) => void) {
  const items: any[] = [];
  let next: string | undefined = url;
  for (let n = 0; ; n++) {
    const p = page(user, next!, pageSize);
    items.push(...p.value);
    if (p.delta) return { items, delta: p.delta };
    between?.(n);
    next = p.next;
  }
}

function mailbox() {
  const user = createUser({ userPrincipalName: 'a@x.example' });
  const inbox = wellKnownFolder(user, 'inbox');
  const add = (subject: string) => addMessage(user, inbox, { subject }, now, noEmit, 'x.example');
  return { user, inbox, add };
}

const base = '/users/a/mailFolders/inbox/messages/delta';

describe('message delta over the change log', () => {
  it('picks up changes made while a round is being paged, and ends idle', () => {
    const { user, add } = mailbox();
    const msgs = Array.from({ length: 30 }, (_, i) => add(`m${i}`));
    const r = round(user, base, 10, (n) => {
      if (n !== 0) return;
      msgs[0].isRead = true; // already returned on page 1
      messageChanged(user, msgs[0], now, noEmit);
      add('late');
    });
    const ids = r.items.map((m) => m.id);
    expect(new Set(ids).size).toBe(31);
    expect(ids.filter((id) => id === msgs[0].immutableId)).toHaveLength(2);
    expect(r.items.filter((m) => m.id === msgs[0].immutableId).at(-1).isRead).toBe(true);
    expect(round(user, r.delta).items).toEqual([]);
  });

  it('compacts a log of repeated updates and still serves tokens from before', () => {
    const { user, inbox, add } = mailbox();
    const a = add('a');
    const b = add('b');
    const r1 = round(user, base);
    for (let i = 0; i < 3000; i++) {
      a.isRead = i % 2 === 0;
      messageChanged(user, a, now, noEmit);
    }
    expect(inbox.log.length).toBeLessThan(1500); // superseded entries dropped
    deleteMessage(user, b, now, noEmit);
    const r2 = round(user, r1.delta);
    expect(r2.items).toEqual([
      expect.objectContaining({ id: a.immutableId, isRead: false }),
      { '@odata.type': '#microsoft.graph.message', id: b.immutableId, '@removed': { reason: 'deleted' } },
    ]);
  });

  it('syncs a 20,000-message folder in pages of 1,000 and then returns only the newcomer', () => {
    const { user, add } = mailbox();
    for (let i = 0; i < 20_000; i++) add(`m${i}`);
    const first = round(user, base, 1000);
    expect(first.items).toHaveLength(20_000);
    add('one more');
    const inc = round(user, first.delta, 1000);
    expect(inc.items.map((m) => m.subject)).toEqual(['one more']);
  });
});
