/** A database, the emulator (Graph + SMTP door) with the demo tenant, and a licensed, switched-on inbound flow. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { fetch } from 'undici';
import { startEmulator, type Emulator } from '../../emulator/src/index.ts';
import { createDispatcher, createGraphGateway } from '../../src/adapters/graph/index.ts';
import { demoDomain, demoMailboxes, demoSeed, demoGraphSettings } from '../../src/adapters/graph/demo-tenant.ts';
import { createTestContext, testLicence, type TestContext } from '../helpers/db.ts';
import { installLicence } from '../../src/app/licence.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addFrv } from '../../src/app/frvs.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { syncInbox } from '../../src/app/inbound/sync-inbox.ts';
import { configuredInboxes } from '../../src/app/inbound/poll-inboxes.ts';
import { listEventQueries, runEventQuery } from '../../src/app/tasks/event-queries.ts';
import { createJobGroup, createJobType, saveEventType } from '../../src/app/tasks/setup.ts';
import type { Principal } from '../../src/app/context.ts';
import { makeTeam, makeUser } from '../tasks/helpers.ts';

export { demoMailboxes, demoDomain };

export interface InboundWorld {
  t: TestContext;
  emulator: Emulator;
  graph: ReturnType<typeof createGraphGateway>;
  smtp: nodemailer.Transporter;
  asbOfficer: Principal;
  complaintsOfficer: Principal;
  outsider: Principal;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Sends through the SMTP door and waits until the message is in the mailbox (delivery is asynchronous). */
  mail(m: nodemailer.SendMailOptions): Promise<void>;
  /** One sync of an inbox (ASB / COMPLAINTS). */
  sync(code: string): ReturnType<typeof syncInbox>;
  /** The default event query, run now. */
  raiseEvents(): ReturnType<typeof runEventQuery>;
  stop(): Promise<void>;
}

export async function startInboundWorld(): Promise<InboundWorld> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'h365-inbound-world-'));
  const [t, emulator] = await Promise.all([createTestContext({ dataDir }), startEmulator({ seed: demoSeed(), quiet: true, notificationsAllowHttp: true })]);
  const graph = createGraphGateway(demoGraphSettings(emulator, { baseBackoffMs: 20, maxBackoffMs: 200 }));
  const ctx = t.ctx;
  ctx.graph = graph;
  await installLicence(ctx, SYSTEM_ACTOR, testLicence(t.licencePrivateKey));
  for (const [k, v] of [['INBOX_SERVER', demoDomain], ['EMO_EMAILADDR', demoMailboxes.noreply], ['OUTLOOK365', 'Y'], ['EMAILIN_OUTLOOK365', 'Y'], ['EMI_POLL', '1']] as const) await setParameter(ctx, SYSTEM_ACTOR, k, v);
  for (const code of ['ASB', 'COMPLAINTS']) await addFrv(ctx, SYSTEM_ACTOR, { domain: 'EXCHANGE_INBOX', code, description: `${code} inbox` });
  for (const code of ['PDF', 'PNG', 'JPG', 'DOCX', 'TXT']) await addFrv(ctx, SYSTEM_ACTOR, { domain: 'EMAIL_ATT_FILETYPE', code, description: code });
  const asbOfficer = await makeUser(ctx, 'asb.officer');
  const complaintsOfficer = await makeUser(ctx, 'complaints.officer');
  const outsider = await makeUser(ctx, 'outsider');
  const asbTeam = await makeTeam(ctx, 'ASB_TEAM', [asbOfficer]);
  const cmpTeam = await makeTeam(ctx, 'COMPLAINTS_TEAM', [complaintsOfficer]);
  await makeTeam(ctx, 'OTHER', [outsider]);
  const group = await createJobGroup(ctx, SYSTEM_ACTOR, { code: 'ASB', name: 'ASB', restricted: true, teamIds: [asbTeam] });
  const asbType = await createJobType(ctx, SYSTEM_ACTOR, { code: 'EMAIL_ASB', name: 'ASB inbox', jobGroupId: group.id, defaultTeamId: asbTeam });
  const cmpType = await createJobType(ctx, SYSTEM_ACTOR, { code: 'EMAIL_COMPLAINTS', name: 'Complaints inbox', defaultTeamId: cmpTeam });
  await saveEventType(ctx, SYSTEM_ACTOR, { code: 'EML_ASB', description: 'ASB inbox', jobTypeId: asbType.id });
  await saveEventType(ctx, SYSTEM_ACTOR, { code: 'EML_COMPLAINTS', description: 'Complaints inbox', jobTypeId: cmpType.id });

  const dispatcher = createDispatcher(emulator.caCertPem);
  const smtp = nodemailer.createTransport({ host: emulator.smtp.host, port: emulator.smtp.port, secure: false, ignoreTLS: true });
  const inboxes = async () => (await configuredInboxes(ctx)).inboxes;
  const queryId = (await listEventQueries(ctx)).find((q) => q.name === 'Inbound emails')!.id;
  return {
    t, emulator, graph, smtp, asbOfficer, complaintsOfficer, outsider,
    async admin(method, p, body) {
      const res = await fetch(`${emulator.adminUrl}${p}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), dispatcher });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async mail(m) {
      const count = () => Object.values(emulator.state.users).reduce((n, u) => n + Object.keys(u.mailbox.messages).length, 0);
      const n0 = count();
      await smtp.sendMail(m);
      for (let i = 0; i < 200 && count() === n0; i++) await new Promise((r) => setTimeout(r, 25));
    },
    async sync(code) {
      const inbox = (await inboxes()).find((i) => i.code === code)!;
      return syncInbox(ctx, inbox, { gateway: graph.mail, requestCount: () => graph.stats.requests, pageSize: 20 });
    },
    raiseEvents: () => runEventQuery(ctx, queryId),
    async stop() {
      smtp.close();
      await graph.close();
      await dispatcher?.close();
      await emulator.stop();
      await t.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
