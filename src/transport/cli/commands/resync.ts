// `housing365 resync --inbox ASB | --calendar addr`: a full resync of one inbox or calendar now, with a
// progress line (Graph gives no total for a delta read, so the bar counts up). Safe to run while
// workers run: the inbox lock / calendar lease keeps runs apart, and Graph's per-mailbox slots are shared.
import { resync, type ResyncProgress } from '../../../app/notifications/resync.ts';
import { parse, UsageError, withGraphContext, type Command } from '../cli-kit.ts';

const SPIN = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';

/** One line, redrawn in place on a terminal: a bar that fills per 50 items, the counts and the time. */
export function progressLine(p: ResyncProgress, tick: number): string {
  const width = 20;
  const filled = Math.min(width, Math.floor((p.items % 50) / (50 / width)));
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  return `${SPIN[tick % SPIN.length]} [${bar}] ${p.items} item(s), ${p.requests} Graph request(s), ${(p.elapsedMs / 1000).toFixed(1)} s`;
}

export const resyncCommand: Command = {
  name: 'resync',
  summary: 'Read one inbox or Outlook calendar again from scratch (reconciled by id: nothing is duplicated)',
  usage: 'housing365 resync --inbox CODE | --calendar ADDRESS',
  async run(argv) {
    const { values } = parse(argv, { inbox: { type: 'string' }, calendar: { type: 'string' } }, this.usage);
    if (values.help) return void console.log(`usage: ${this.usage}`);
    if (!values.inbox === !values.calendar) throw new UsageError(`give exactly one of --inbox or --calendar\nusage: ${this.usage}`);
    // The resync leases Graph's per-mailbox slots from the same table as every running worker (on
    // DATABASE_URL's server or the embedded one alike), so together they never exceed 4 in flight.
    return withGraphContext(
      async (ctx) => {
        const tty = process.stdout.isTTY;
        let tick = 0;
        const r = await resync(ctx, values.inbox ? { inbox: values.inbox } : { calendar: values.calendar! }, (p) => {
          const line = progressLine(p, tick++);
          if (tty) process.stdout.write(`\r${line}`);
          else if (tick % 8 === 1) console.log(line);
        });
        if (tty) process.stdout.write('\n');
        console.log(r.summary);
        return r.ok ? 0 : 1;
      },
      { sharedSlots: true },
    );
  },
};
