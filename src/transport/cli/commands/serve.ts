// `housing365 serve` (web UI, API and Graph webhooks) and `housing365 worker` (background jobs): the two
// halves of `housing365 start`, to run apart — one or more web processes behind a proxy and any number of
// workers, all on one PostgreSQL (docs/deploying.md). Both are stateless: kill one, start another.
import { createLogger } from '../../../logger.ts';
import { startSystem, type Roles } from '../../../runtime.ts';
import { loadConfig, parse, UsageError, type Command } from '../cli-kit.ts';
import { secureDataDir, stopOwnedEmbeddedServerNow } from '../../../cli-session.ts';

const SHUTDOWN_LIMIT_MS = 10_000;
/** Past this, give up draining: stop the embedded PostgreSQL by signal and exit, within SHUTDOWN_LIMIT_MS. */
const DRAIN_LIMIT_MS = 7_500;

export async function runUntilSignal(roles: Roles): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  const { changed } = await secureDataDir(config.dataDir);
  if (changed) logger.info({ dataDir: config.dataDir, changed }, 'data directory: made files 0600 and folders 0700');
  // Signals are taken from the start: one that comes while the system is still starting (a process
  // manager stopping us at once, or a test that stops as soon as "running at" is printed) is kept and
  // acted on as soon as the start has finished — never the default action, which would leave the
  // embedded PostgreSQL running without its owner.
  let signalled: ((signal: string) => void) | undefined;
  let early: string | undefined;
  const take = (signal: string) => (signalled ? signalled(signal) : (early ??= signal));
  process.once('SIGINT', () => take('SIGINT'));
  process.once('SIGTERM', () => take('SIGTERM'));
  // Under `npm start` npm is our parent (the script `exec`s node, so npm's forwarded SIGTERM reaches
  // us). Should npm go without telling us — killed with SIGKILL, or an npm or shell that does not
  // forward the signal — we would run on orphaned, with the database server: stop when it goes.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      take('npm exited');
    }, 500);
    watch.unref();
  }
  const system = await startSystem(config, logger, console.log, roles);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal} received: shutting down (at most ${SHUTDOWN_LIMIT_MS / 1000} s)`);
      const timer = setTimeout(() => {
        console.error('shutdown took too long; exiting');
        // Never leave our database server behind.
        void (config.databaseUrl ? Promise.resolve() : stopOwnedEmbeddedServerNow(config.dataDir)).finally(() => process.exit(1));
      }, DRAIN_LIMIT_MS);
      timer.unref();
      system
        .stop()
        .then(() => console.log('housing365 stopped'))
        .catch((err) => logger.error({ err }, 'shutdown failed'))
        .finally(resolve);
    };
    signalled = onSignal;
    if (early) onSignal(early);
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the web UI, API and Graph webhooks only (jobs run in `housing365 worker` processes)',
  usage: 'housing365 serve   (PORT, HOST, DATABASE_URL, PUBLIC_BASE_URL … from the environment)',
  async run(argv) {
    const { values } = parse(argv, {}, this.usage);
    if (values.help) return void console.log(`usage: ${this.usage}`);
    await runUntilSignal({ web: true, jobs: false, jobPoolSize: 2 });
  },
};

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run background jobs only (polls, outboxes, subscriptions); start as many as you need',
  usage: 'housing365 worker [--job-connections N]   (pg-boss connections, default 4)',
  async run(argv) {
    const { values } = parse(argv, { 'job-connections': { type: 'string' } }, this.usage);
    if (values.help) return void console.log(`usage: ${this.usage}`);
    const n = values['job-connections'] === undefined ? 4 : Number(values['job-connections']);
    if (!Number.isInteger(n) || n < 2 || n > 100) throw new UsageError('--job-connections must be a whole number from 2 to 100');
    await runUntilSignal({ web: false, jobs: true, jobPoolSize: n });
  },
};
