/**
 * `graph-emulator --seed FILE.json [--port 0] [--smtp-port 0] [--state-dir DIR] [--allow-http-notifications]`
 * Prints one JSON line on stdout when ready; logs go to stderr; exits 0 on SIGTERM/SIGINT.
 */
import { startEmulator } from './index.ts';

function usage(msg: string): never {
  process.stderr.write(`graph-emulator: ${msg}\nusage: graph-emulator --seed FILE.json [--port 0] [--smtp-port 0] [--state-dir DIR] [--allow-http-notifications]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { seed?: string; port: number; smtpPort: number; stateDir?: string; allowHttp?: boolean } {
  const out: { seed?: string; port: number; smtpPort: number; stateDir?: string; allowHttp?: boolean } = { port: 0, smtpPort: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    const port = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) usage(`${flag}: not a port: ${v}`);
      return n;
    };
    switch (flag) {
      case '--seed': out.seed = value(); break;
      case '--port': out.port = port(value()); break;
      case '--smtp-port': out.smtpPort = port(value()); break;
      case '--state-dir': out.stateDir = value(); break;
      // Graph notifies https URLs only; this lets subscriptions use http:// receivers (local development).
      case '--allow-http-notifications': out.allowHttp = true; break;
      case '--help': case '-h': usage('help'); break;
      default: usage(`unknown argument ${a}`);
    }
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
if (!args.seed) usage('--seed is required');

// Who launched us, read before the ready line goes out: the moment a caller sees that line it may
// stop the launcher, and a parent read after that could already be the re-parenting init.
const parent = process.ppid;

try {
  const emu = await startEmulator({ seed: args.seed, port: args.port, smtpPort: args.smtpPort, stateDir: args.stateDir, notificationsAllowHttp: args.allowHttp });
  process.stdout.write(JSON.stringify({ graphBaseUrl: emu.graphBaseUrl, authority: emu.authority, caCertPath: emu.caCertPath, smtp: emu.smtp }) + '\n');
  process.stderr.write(`[graph-emulator] ready: ${emu.graphBaseUrl} (admin ${emu.adminUrl}, smtp ${emu.smtp.host}:${emu.smtp.port})\n`);
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[graph-emulator] ${sig}: stopping\n`);
    const t = setTimeout(() => process.exit(0), 5000);
    t.unref();
    emu.stop().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`[graph-emulator] stop failed: ${(e as Error).message}\n`);
        process.exit(0);
      },
    );
  };
  // One bad request must not take the tenant down in the middle of someone's fault suite.
  process.on('uncaughtException', (e) => process.stderr.write(`[graph-emulator] uncaught: ${e.stack ?? e}\n`));
  process.on('unhandledRejection', (e) => process.stderr.write(`[graph-emulator] unhandled rejection: ${(e as Error)?.stack ?? e}\n`));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // `npx graph-emulator` puts npm and a shell between the caller and us; npm ends on SIGTERM
  // without passing it on. When our launcher goes away we are re-parented: stop then too.
  setInterval(() => {
    if (process.ppid !== parent) stop('launcher exited');
  }, 500).unref();
} catch (e) {
  process.stderr.write(`graph-emulator: ${(e as Error).message}\n`);
  process.exit(1);
}
