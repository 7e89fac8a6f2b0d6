// /api/v1 complaint operations against a real server: bad input is a 4xx problem naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTaskFixture, type TaskFixture } from '../tasks/fixture.ts';
import { insertEmail } from '../tasks/helpers.ts';
import { listEventQueries, runEventQuery } from '../../src/app/tasks/event-queries.ts';

let f: TaskFixture;
let jobTypeId: number;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; type: string; body: any }> {
  const res = await fetch(`${f.baseUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${f.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  f = await startTaskFixture();
  jobTypeId = (await f.t.ctx.db.selectFrom('tm_job_types').select('id').where('code', '=', 'EMAIL_COMPLAINTS').executeTakeFirstOrThrow()).id;
}, 60_000);
afterAll(async () => f?.close());

describe('complaints API', () => {
  it('sets a policy, refusing bad numbers by field; settings and holiday files likewise', async () => {
    const bad = await api('PUT', `/complaint-policies/${jobTypeId}`, { stage1RespondDays: 'ten' });
    expect(bad.status).toBe(422);
    expect(bad.type).toContain('application/problem+json');
    expect(JSON.stringify(bad.body)).toContain('stage1RespondDays');
    expect((await api('PUT', `/complaint-policies/${jobTypeId}`, {})).body).toMatchObject({ jobTypeCode: 'EMAIL_COMPLAINTS', stage1: { acknowledgeDays: 5, respondDays: 10, maxExtensionDays: 10 }, stage2: { respondDays: 20 } });
    expect((await api('PUT', '/complaint-policies/999999', {})).status).toBe(404);
    const nation = await api('PUT', '/complaint-settings', { nation: 'wales' });
    expect(nation.status).toBe(422);
    expect(JSON.stringify(nation.body)).toContain('nation');
    const file = await api('POST', '/complaint-holidays', { text: '{' });
    expect(file.status).toBe(422);
    expect(JSON.stringify(file.body)).toContain('file');
  });

  it('records steps on a complaints@ task; a wrong step, date or filter is a 4xx naming it', async () => {
    const emailId = await insertEmail(f.t.ctx, 'COMPLAINTS', 'The lift has been broken for a month');
    await runEventQuery(f.t.ctx, (await listEventQueries(f.t.ctx)).find((q) => q.name === 'Inbound emails')!.id);
    const taskId = (await f.t.ctx.db.selectFrom('tm_tasks').select('id').where('email_id', '=', emailId).executeTakeFirstOrThrow()).id;
    const c = await api('GET', `/tasks/${taskId}/complaint`);
    expect(c.body).toMatchObject({ state: 'stage1_new', current: { kind: 'acknowledge' }, nextSteps: ['stage1_acknowledged', 'closed'] });
    expect(c.body.deadlines[0].basis).toMatchObject({ rule: 'stage1.acknowledge', clause: '6.2', days: 5 });

    expect((await api('POST', `/tasks/${taskId}/complaint/steps`, { step: 'bogus' })).status).toBe(422);
    const conflict = await api('POST', `/tasks/${taskId}/complaint/steps`, { step: 'escalated' });
    expect(conflict.status).toBe(409);
    const acked = await api('POST', `/tasks/${taskId}/complaint/steps`, { step: 'stage1_acknowledged' });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ state: 'stage1_acknowledged', current: { kind: 'respond', state: 'on_time' } });
    const badDate = await api('POST', `/tasks/${taskId}/complaint/steps`, { step: 'stage1_extended', newDate: '2026-02-30', reason: 'x' });
    expect(badDate.status).toBe(422);
    expect(JSON.stringify(badDate.body)).toContain('newDate');

    const list = await api('GET', '/complaints');
    expect(list.body.complaints.map((x: { taskId: number }) => x.taskId)).toContain(taskId);
    expect((await api('GET', '/complaints?due=late')).status).toBe(422);
    expect((await api('GET', '/complaints/performance?year=last')).status).toBe(422);
    const perf = await api('GET', `/complaints/performance?year=${new Date().getUTCFullYear()}&period=calendar`);
    expect(perf.body.stage1.received).toBeGreaterThanOrEqual(1);
    expect((await api('GET', '/tasks/999999/complaint')).status).toBe(404);
  });
});
