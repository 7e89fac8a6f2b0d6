import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { applyTaskManagerDemoDefaults } from '../../src/app/tasks/demo-defaults.ts';
import { listComplaintPolicies } from '../../src/app/complaints/setup.ts';
import { listEventTypes, listJobTypes, listWorkflows } from '../../src/app/tasks/setup.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.cleanup());

describe('Task Manager demo defaults', () => {
  it('sets up the demo inboxes once, and never again', async () => {
    expect(await applyTaskManagerDemoDefaults(t.ctx)).toEqual(['Task Manager ASB', 'Task Manager COMPLAINTS']);
    expect((await listWorkflows(t.ctx)).map((w) => w.code)).toEqual(['EMAILASB', 'EMAILCMP']);
    expect((await listJobTypes(t.ctx)).map((j) => [j.code, j.defaultTeamCode])).toEqual([['EMAIL_ASB', 'INBOUND'], ['EMAIL_COMPLAINTS', 'INBOUND']]);
    expect((await listEventTypes(t.ctx)).map((e) => [e.code, e.jobTypeCode])).toEqual([['EML_ASB', 'EMAIL_ASB'], ['EML_COMPLAINTS', 'EMAIL_COMPLAINTS'], ['EML_NOT', null]]);
    expect((await listComplaintPolicies(t.ctx)).map((p) => [p.jobTypeCode, p.policy.stage1.respondDays, p.policy.stage2.respondDays])).toEqual([['EMAIL_COMPLAINTS', 10, 20]]);
    expect(await applyTaskManagerDemoDefaults(t.ctx)).toEqual([]);
  });
});
