import { runDoctor } from '../../../app/email/doctor.ts';
import { loadConfig, parse, withGraphContext, type Command } from '../cli-kit.ts';

export { withGraphContext } from '../cli-kit.ts';

const MARK = { pass: 'ok  ', fail: 'FAIL', warn: 'warn', skip: 'off ' } as const;

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check the Outlook 365 integration end to end (exit 0 only when everything holds)',
  usage: 'housing365 doctor [--json] [--no-probe]   (--no-probe: skip the mailbox and calendar probes)',
  async run(argv) {
    const { values } = parse(argv, { json: { type: 'boolean' }, 'no-probe': { type: 'boolean' } }, this.usage);
    if (values.help) return void console.log(`usage: ${this.usage}`);
    void loadConfig();
    const report = await withGraphContext((ctx) => runDoctor(ctx, { probeMailboxes: !values['no-probe'] }));
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      if (report.endpoints) console.log(`Microsoft 365: ${report.endpoints.mode === 'demo' ? 'demo emulator' : 'tenant'} — Graph ${report.endpoints.graphBaseUrl}, authority ${report.endpoints.authority}`);
      const width = Math.max(...report.checks.map((c) => c.name.length));
      for (const c of report.checks) console.log(`  [${MARK[c.status]}] ${c.area.padEnd(10)} ${c.name.padEnd(width)}  ${c.detail}`);
      console.log(report.ok ? 'All checks pass.' : 'Some checks failed (FAIL above).');
    }
    return report.ok ? 0 : 1;
  },
};
