// A separate OS process for the cross-process slot test: one Graph client (with the shared mailbox slots
// when SLOTS=db, else the in-process limiter only) that fires N requests at one mailbox at once, when
// told "go" on stdin, and prints the statuses it got as JSON.
import { createGraphGateway } from '../../src/adapters/graph/index.ts';
import { MailboxSlots } from '../../src/adapters/graph/mailbox-slots.ts';
import { createSlotDb } from '../../src/adapters/db/mailbox-slots.ts';
import { demoApp } from '../../src/adapters/graph/demo-tenant.ts';

const env = process.env;
const slotDb = env.SLOTS === 'db' ? createSlotDb(env.DATABASE_URL!) : undefined;
const slots = slotDb ? new MailboxSlots(slotDb.db) : undefined;
const graph = createGraphGateway({
  tenantId: env.EMU_TENANT!,
  clientId: demoApp.clientId,
  clientSecret: demoApp.clientSecret,
  authorityHost: env.EMU_ORIGIN!,
  graphBaseUrl: env.EMU_GRAPH!,
  caPem: env.EMU_CA!,
  transport: { limiter: slots, maxRetries: 0 },
});
await graph.checkToken();
const mailbox = env.MAILBOX!;
const n = Number(env.REQUESTS ?? 12);
process.stdout.write('ready\n');
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const statuses = await Promise.all(
  Array.from({ length: n }, async () => {
    try {
      return (await graph.transport.json({ method: 'GET', path: `/users/${mailbox}/messages?$top=1&$select=id`, mailbox })).status;
    } catch (err) {
      return (err as { status?: number }).status ?? -1;
    }
  }),
);
process.stdout.write(`${JSON.stringify({ statuses })}\n`);
await slots?.close();
await slotDb?.close();
await graph.close();
process.exit(0);
