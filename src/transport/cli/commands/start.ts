import { runUntilSignal } from './serve.ts';
import { migrateConfiguredDatabase } from '../../../cli-session.ts';
import { cliLogger, loadConfig, parse, type Command } from '../cli-kit.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'Run housing365: database, migrations, web UI and API, background jobs (what `npm start` runs)',
  usage: 'housing365 start   (settings come from the environment: see README "Configuration")',
  async run(argv) {
    const { values } = parse(argv, {}, this.usage);
    if (values.help) return void console.log(`usage: ${this.usage}`);
    await runUntilSignal({ web: true, jobs: true });
  },
};

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply database migrations and exit (start does this too)',
  usage: 'housing365 migrate',
  async run(argv) {
    const { values } = parse(argv, {}, this.usage);
    if (values.help) return void console.log(`usage: ${this.usage}`);
    const config = loadConfig();
    const applied = await migrateConfiguredDatabase(config, cliLogger());
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  },
};
