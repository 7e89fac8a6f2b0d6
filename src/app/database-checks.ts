import { selectCurrentRole } from '../adapters/db/database-roles.ts';
import type { AppContext } from './context.ts';
import { eventQuerySandboxStatus } from './tasks/event-queries.ts';
import type { DoctorCheck } from './email/doctor.ts';

/**
 * `housing365 doctor` on the database side of the trust boundary (docs/security-sql-and-files.md): the
 * app's own database user should not be a superuser, and admins' event queries need their sandbox role.
 */
export async function databaseChecks(ctx: AppContext): Promise<DoctorCheck[]> {
  const me = await selectCurrentRole(ctx.db);
  const checks: DoctorCheck[] = [
    me.superuser
      ? { area: 'database', name: 'app database user', status: 'warn', detail: `${me.name} is a superuser: connect as a role that owns the housing365 database and nothing more (docs/security-sql-and-files.md)` }
      : me.createrole && me.serverVersion < 160000
        ? { area: 'database', name: 'app database user', status: 'warn', detail: `${me.name} has CREATEROLE, which before PostgreSQL 16 lets it grant itself almost anything: make the event query role yourself and set HOUSING365_EVENT_QUERY_DATABASE_URL (docs/security-sql-and-files.md)` }
        : { area: 'database', name: 'app database user', status: 'pass', detail: `${me.name} is not a superuser` },
  ];
  const sandbox = await eventQuerySandboxStatus(ctx);
  checks.push(sandbox.ok
    ? { area: 'database', name: 'event query sandbox', status: 'pass', detail: `event queries log in as ${sandbox.role} (${sandbox.source}), which may read the guide's views only` }
    : { area: 'database', name: 'event query sandbox', status: 'fail', detail: `event queries cannot run: ${sandbox.problem}` });
  return checks;
}
