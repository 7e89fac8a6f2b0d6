import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { createApiToken } from '../../src/app/auth.ts';
import { addFrv } from '../../src/app/frvs.ts';
import { createJobGroup, createJobType, generateWorkflow, saveEventType, uploadWorkflow } from '../../src/app/tasks/setup.ts';
import type { Principal } from '../../src/app/context.ts';
import { makeTeam, makeUser, system } from './helpers.ts';

export const PASSWORD = 'a long enough password';

/** A server with the guide's example set-up: an ASB inbox in a restricted group, a complaints inbox open to its team. */
export interface TaskFixture {
  t: TestContext;
  app: FastifyInstance;
  baseUrl: string;
  dataDir: string;
  admin: Principal;
  asbOfficer: Principal;
  complaintsOfficer: Principal;
  outsider: Principal;
  asbTeam: number;
  complaintsTeam: number;
  adminToken: string;
  close(): Promise<void>;
}

export async function startTaskFixture(): Promise<TaskFixture> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'h365-tasks-'));
  const t = await createTestContext({ dataDir });
  const { ctx } = t;
  const admin = await makeUser(ctx, 'ada', 'admin');
  const asbOfficer = await makeUser(ctx, 'asb.officer');
  const complaintsOfficer = await makeUser(ctx, 'complaints.officer');
  const outsider = await makeUser(ctx, 'outsider');
  const asbTeam = await makeTeam(ctx, 'ASB_TEAM', [asbOfficer]);
  const complaintsTeam = await makeTeam(ctx, 'COMPLAINTS_TEAM', [complaintsOfficer]);
  await makeTeam(ctx, 'OTHER', [outsider]);
  for (const code of ['PDF', 'PNG', 'JPG', 'DOCX', 'TXT']) await addFrv(ctx, system, { domain: 'EMAIL_ATT_FILETYPE', code, description: code });
  await uploadWorkflow(ctx, system, (await generateWorkflow('EMAILASB', 'Inbound Emails for ASB')).text);
  await uploadWorkflow(ctx, system, (await generateWorkflow('EMAILCMP', 'Inbound Emails for Complaints')).text);
  const asbGroup = await createJobGroup(ctx, system, { code: 'ASB', name: 'Anti-social behaviour', restricted: true, teamIds: [asbTeam] });
  const asbType = await createJobType(ctx, system, { code: 'EMAIL_ASB', name: 'ASB inbox', jobGroupId: asbGroup.id, workflowCode: 'EMAILASB', defaultTeamId: asbTeam });
  const cmpType = await createJobType(ctx, system, { code: 'EMAIL_COMPLAINTS', name: 'Complaints inbox', workflowCode: 'EMAILCMP', defaultTeamId: complaintsTeam });
  await saveEventType(ctx, system, { code: 'EML_ASB', description: 'Email to the ASB inbox', jobTypeId: asbType.id });
  await saveEventType(ctx, system, { code: 'EML_COMPLAINTS', description: 'Email to the complaints inbox', jobTypeId: cmpType.id });
  const adminToken = (await createApiToken(ctx, system, { name: 'admin-test', role: 'admin' })).token;
  const app = await buildServer(ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    t, app, baseUrl: `http://127.0.0.1:${port}`, dataDir, admin, asbOfficer, complaintsOfficer, outsider, asbTeam, complaintsTeam, adminToken,
    async close() {
      await app.close();
      await t.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
