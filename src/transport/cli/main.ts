import { paramsCommand } from './commands/params.ts';
import { pollCommand } from './commands/poll.ts';
import { workflowCommand } from './commands/workflow.ts';
import { tasksCommand } from './commands/tasks.ts';
import { frvCommand } from './commands/frv.ts';
import { licenceCommand } from './commands/licence.ts';
import { teamsCommand, usersCommand } from './commands/users.ts';
import { tokensCommand } from './commands/tokens.ts';
import { migrateCommand, startCommand } from './commands/start.ts';
import { serveCommand, workerCommand } from './commands/serve.ts';
import { resyncCommand } from './commands/resync.ts';
import { signinCommand } from './commands/signin.ts';
import { bookingsCommand } from './commands/bookings.ts';
import { diariesCommand } from './commands/diaries.ts';
import { reasonsCommand } from './commands/reasons.ts';
import { calendarsCommand } from './commands/calendars.ts';
import { emailCommand } from './commands/email.ts';
import { templatesCommand } from './commands/templates.ts';
import { doctorCommand } from './commands/doctor.ts';
import { complaintsCommand } from './commands/complaints.ts';
import { reportError, type Command } from './cli-kit.ts';
import { PRIVATE_UMASK } from '../../cli-session.ts';

// Files housing365 makes (data directory, logs it writes, keys it exports) are its OS user's alone.
process.umask(PRIVATE_UMASK);

const commands: Command[] = [pollCommand, workflowCommand, tasksCommand, startCommand, serveCommand, workerCommand, resyncCommand, migrateCommand, paramsCommand, frvCommand, licenceCommand, usersCommand, teamsCommand, tokensCommand, signinCommand, diariesCommand, bookingsCommand, reasonsCommand, calendarsCommand, emailCommand, templatesCommand, doctorCommand, complaintsCommand];

function help(): void {
  console.log('usage: housing365 <command> [options]   (each command has --help)\n');
  for (const c of commands) console.log(`  ${c.name.padEnd(10)} ${c.summary}`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help();
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`housing365: unknown command "${name}"; run housing365 --help`);
    return 64;
  }
  try {
    return (await command.run(rest)) ?? 0;
  } catch (err) {
    return reportError(err);
  }
}

process.exitCode = await main(process.argv.slice(2));
