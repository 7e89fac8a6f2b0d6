/** A migrated database + the emulator + a licensed, switched-on outbound email flow. */
import { createTestContext, testLicence, type TestContext } from '../helpers/db.ts';
import { installLicence } from '../../src/app/licence.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { demoDomain, demoMailboxes, startHarness, type Harness } from '../graph/harness.ts';

export interface EmailWorld {
  t: TestContext;
  h: Harness;
  stop(): Promise<void>;
}

export async function startEmailWorld(opts: { switchOn?: boolean } = {}): Promise<EmailWorld> {
  const [t, h] = await Promise.all([createTestContext(), startHarness()]);
  t.ctx.graph = h.gateway();
  await installLicence(t.ctx, SYSTEM_ACTOR, testLicence(t.licencePrivateKey));
  await setParameter(t.ctx, SYSTEM_ACTOR, 'INBOX_SERVER', demoDomain);
  await setParameter(t.ctx, SYSTEM_ACTOR, 'EMO_EMAILADDR', demoMailboxes.noreply);
  if (opts.switchOn !== false) {
    await setParameter(t.ctx, SYSTEM_ACTOR, 'OUTLOOK365', 'Y');
    await setParameter(t.ctx, SYSTEM_ACTOR, 'EMAILOUT_OUTLOOK365', 'Y');
  }
  return {
    t,
    h,
    async stop() {
      await h.stop();
      await t.cleanup();
    },
  };
}

/** How many copies with this subject arrived in a tenant mailbox's Inbox. */
export async function arrived(h: Harness, mailbox: string, subject: string): Promise<number> {
  return (await h.messages(mailbox)).filter((m) => m.subject === subject).length;
}
