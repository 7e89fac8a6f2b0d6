/**
 * Task List at 100,000 tasks: the first page, a page deep into the list (keyset), a filtered page and
 * the count, for an officer (team member), an administrator and a member of a restricted group.
 *
 *   npx tsx bench/inbound-task-list.ts [--tasks 100000]
 *
 * PostgreSQL: DATABASE_URL when set, else an embedded server in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { createDb, migrateToLatest } from '../src/adapters/db/database.ts';
import { openEmbedded } from '../src/adapters/db/embedded.ts';
import { parseConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { AppContext, Principal } from '../src/app/context.ts';
import { addTeamMember, createTeam, createUser } from '../src/app/users.ts';
import { createJobGroup, createJobType } from '../src/app/tasks/setup.ts';
import { listTasks } from '../src/app/tasks/tasks.ts';

const i = process.argv.indexOf('--tasks');
const total = i > 0 ? Number(process.argv[i + 1]) : 100_000;
const work = mkdtempSync(join(tmpdir(), 'h365-bench-'));
const embedded = process.env.DATABASE_URL ? undefined : await openEmbedded(join(work, 'var'), { own: true });
const serverUrl = process.env.DATABASE_URL ?? embedded!.url;
const dbName = `h365_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
await admin.end();
const url = new URL(serverUrl);
url.pathname = `/${dbName}`;
const { db } = createDb(url.toString(), { poolSize: 4 });
await migrateToLatest(db);
const ctx: AppContext = { db, config: { ...parseConfig({ HOUSING365_DATA_DIR: work }), databaseUrl: url.toString() }, logger: createLogger({ level: 'silent', pretty: false }), licencePublicKeys: [], now: () => new Date() };
const actor = { username: 'bench' };
const person = async (username: string, role: 'admin' | 'officer'): Promise<Principal> => {
  const { user } = await createUser(ctx, actor, { username, displayName: username, role, password: 'bench password 123' });
  return { kind: 'user', id: user.id, username, displayName: username, role };
};
const officer = await person('officer', 'officer');
const asbOfficer = await person('asb', 'officer');
const boss = await person('boss', 'admin');
const teams = [];
for (let t = 0; t < 10; t++) teams.push((await createTeam(ctx, actor, { code: `TEAM${t}`, name: `Team ${t}` })).id);
await addTeamMember(ctx, actor, teams[0], officer.id);
await addTeamMember(ctx, actor, teams[9], asbOfficer.id);
const group = await createJobGroup(ctx, actor, { code: 'ASB', name: 'ASB', restricted: true, teamIds: [teams[9]] });
const types = [];
for (let t = 0; t < 10; t++) types.push((await createJobType(ctx, actor, { code: `T${t}`, name: `Type ${t}`, defaultTeamId: teams[t], jobGroupId: t === 9 ? group.id : null })).id);

let t0 = performance.now();
await sql`
  INSERT INTO tm_tasks (job_type_id, title, status, team_id, inbox, created_at, updated_at)
  SELECT (${sql.raw(`ARRAY[${types.join(',')}]`)})[1 + g % 10], 'Task ' || g, (ARRAY['open','pending','complete'])[1 + (g / 7) % 3],
         (${sql.raw(`ARRAY[${teams.join(',')}]`)})[1 + g % 10], 'INBOX' || (g % 10), now() - (g || ' seconds')::interval, now()
    FROM generate_series(1, ${total}) g`.execute(db);
await sql`ANALYZE tm_tasks`.execute(db);
const loadSeconds = (performance.now() - t0) / 1000;

const time = async (fn: () => Promise<unknown>, runs = 5) => {
  await fn();
  const t = performance.now();
  for (let r = 0; r < runs; r++) await fn();
  return (performance.now() - t) / runs;
};
const rows: string[] = [];
for (const [who, p] of [['officer (1 team)', officer], ['admin', boss], ['restricted-group member', asbOfficer]] as const) {
  const first = await listTasks(ctx, p, { limit: 50 });
  // A cursor about 90% of the way down this viewer's list.
  let cursor = first.next;
  const deep = await sql<{ created_at: Date; id: number }>`SELECT created_at, id FROM tm_tasks ORDER BY created_at DESC, id DESC OFFSET ${Math.floor(total * 0.9)} LIMIT 1`.execute(db);
  if (deep.rows[0]) cursor = Buffer.from(`${deep.rows[0].created_at.toISOString()}|${deep.rows[0].id}`).toString('base64url');
  const msFirst = await time(() => listTasks(ctx, p, { limit: 50 }));
  const msDeep = await time(() => listTasks(ctx, p, { limit: 50, cursor: cursor ?? undefined }));
  const msFiltered = await time(() => listTasks(ctx, p, { limit: 50, status: ['pending'], inbox: 'INBOX3' }));
  rows.push(`| ${who} | ${first.total}${first.totalCapped ? '+' : ''} | ${msFirst.toFixed(1)} | ${msDeep.toFixed(1)} | ${msFiltered.toFixed(1)} |`);
}
console.log(`\n${total} tasks (loaded in ${loadSeconds.toFixed(1)} s), 10 teams, one restricted job group; ${process.platform} ${process.arch}, Node ${process.version}; mean of 5 runs, each including the capped count\n`);
console.log('| viewer | tasks visible (count capped at 1,000) | first page ms | page at 90% ms | status+inbox filter ms |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);

await db.destroy();
const drop = new pg.Client({ connectionString: serverUrl });
await drop.connect();
await drop.query(`drop database if exists ${dbName} with (force)`);
await drop.end();
await embedded?.stop();
rmSync(work, { recursive: true, force: true });
t0 = 0;
