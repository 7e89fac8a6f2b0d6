// Calendar state and delta tokens survive a restart with --state-dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { asb as upn, startHarness, type Harness } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'calendar-persistence-'));
const harnesses: Harness[] = [];

afterAll(async () => {
  for (const h of harnesses) await h.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('calendar persistence', () => {
  it('keeps events, the default calendar id and calendarView delta tokens across a restart', async () => {
    const first = await startHarness({ stateDir: dir, smtpPort: false });
    harnesses.push(first);
    const client = first.graph();
    const calendar = await client.api(`/users/${upn}/calendar`).get();
    const created = await client.api(`/users/${upn}/events`).post({
      subject: 'Before restart',
      start: { dateTime: '2026-05-01T10:00:00', timeZone: 'GMT Standard Time' },
      end: { dateTime: '2026-05-01T11:00:00', timeZone: 'GMT Standard Time' },
    });
    const sync = await client.api(`/users/${upn}/calendarView/delta`).query({ startDateTime: '2026-05-01T00:00:00Z', endDateTime: '2026-06-01T00:00:00Z' }).get();
    expect(sync.value.map((e: { id: string }) => e.id)).toEqual([created.id]);
    const deltaPathAndQuery = new URL(sync['@odata.deltaLink']).pathname + new URL(sync['@odata.deltaLink']).search;
    await first.stop();
    harnesses.pop();

    const second = await startHarness({ stateDir: dir, smtpPort: false });
    harnesses.push(second);
    const again = second.graph();
    expect((await again.api(`/users/${upn}/calendar`).get()).id).toBe(calendar.id);
    expect((await again.api(`/users/${upn}/events/${created.id}`).get()).subject).toBe('Before restart');
    await again.api(`/users/${upn}/events/${created.id}`).patch({ subject: 'After restart' });
    const next = await again.api(`${second.emu.origin}${deltaPathAndQuery}`).get();
    expect(next.value).toHaveLength(1);
    expect(next.value[0]).toMatchObject({ id: created.id, subject: 'After restart' });
  });
});
