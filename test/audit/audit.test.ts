import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient, startWebFixture, type WebFixture } from '../http/web-client.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addFrv } from '../../src/app/frvs.ts';
import { auditCsv, searchAudit } from '../../src/app/audit.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';

let f: WebFixture;

beforeAll(async () => {
  f = await startWebFixture();
});
afterAll(async () => f?.close());

describe('audit trail', () => {
  it('records a parameter change with before and after, and who made it', async () => {
    await setParameter(f.t.ctx, { username: 'alice' }, 'EMI_POLL', '5');
    await setParameter(f.t.ctx, { username: 'alice' }, 'EMI_POLL', '10');
    const [latest] = await searchAudit(f.t.ctx, OPERATOR_VIEWER, { entityType: 'parameter', entityId: 'EMI_POLL' });
    expect(latest).toMatchObject({ actor: 'alice', action: 'parameter.set', before: { value: '5' }, after: { value: '10' } });
  });

  it('does not record a refused change', async () => {
    const before = (await searchAudit(f.t.ctx, OPERATOR_VIEWER, { entityId: 'EMI_POLL' })).length;
    await setParameter(f.t.ctx, { username: 'alice' }, 'EMI_POLL', 'abc').catch(() => {});
    expect((await searchAudit(f.t.ctx, OPERATOR_VIEWER, { entityId: 'EMI_POLL' })).length).toBe(before);
  });

  it('records sign-ins and refused sign-ins with the source address, never the password', async () => {
    const c = new WebClient(f.baseUrl);
    const page = await (await c.get('/sign-in')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    await c.postForm('/sign-in', { username: 'oscar', password: 'not the password', _csrf: csrf });
    const events = await searchAudit(f.t.ctx, OPERATOR_VIEWER, { entityType: 'session' });
    const refused = events.find((e) => e.action === 'signin.failed' && e.actor === 'oscar');
    expect(refused?.sourceIp).toBe('127.0.0.1');
    expect(JSON.stringify(events)).not.toContain('not the password');
  });

  it('exports CSV that a spreadsheet cannot execute', async () => {
    await addFrv(f.t.ctx, { username: 'alice' }, { domain: 'EMAIL_ATT_FILETYPE', code: 'PDF', description: '=HYPERLINK("http://evil")' });
    const csv = await auditCsv(f.t.ctx, OPERATOR_VIEWER, { entityType: 'frv' });
    expect(csv.split('\r\n')[0]).toBe('id,at,actor,action,entity_type,entity_id,summary,before,after,source_ip');
    expect(csv).toContain('frv.add');
    expect(csv).not.toMatch(/,=HYPERLINK/);
  });

  it('serves the audit page and CSV to admins only, and the API to admin tokens only', async () => {
    const admin = new WebClient(f.baseUrl);
    await admin.signIn('alice', f.adminPassword);
    const officer = new WebClient(f.baseUrl);
    await officer.signIn('oscar', f.officerPassword);
    const page = await admin.get('/system-setup/audit?entityType=parameter');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('EMI_POLL: 5 → 10');
    expect((await officer.get('/system-setup/audit')).status).toBe(403);
    const csv = await admin.get('/system-setup/audit.csv');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="housing365-audit-/);
    const api = await fetch(`${f.baseUrl}/api/v1/audit?entityType=parameter&limit=1`, { headers: { authorization: `Bearer ${f.adminToken}` } });
    expect(((await api.json()) as { events: unknown[] }).events).toHaveLength(1);
    const denied = await fetch(`${f.baseUrl}/api/v1/audit`, { headers: { authorization: `Bearer ${f.officerToken}` } });
    expect(denied.status).toBe(403);
  });
});
