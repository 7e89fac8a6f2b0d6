import { sql, type Kysely } from 'kysely';

// Admins write event queries (guide §2.2.4) in SQL. They run read-only with a time-out, but as the
// application's database user they could still read any table — password hashes, sessions — and, on
// the embedded server where that user is a superuser, files on the server. So they run as a role that
// can read the guide's three views and nothing else (views read their tables with their owner's rights).
//
// Creating a role needs CREATEROLE or superuser. Where the database user has neither, the role is not
// made and event queries run as the application user; `housing365 doctor` and the event query page say so.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'housing365_event_query') THEN
        BEGIN
          CREATE ROLE housing365_event_query NOLOGIN NOINHERIT;
        EXCEPTION WHEN OTHERS THEN
          -- another database on this server made it at the same moment, or we may not create roles
          NULL;
        END;
      END IF;
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'housing365_event_query') THEN
        BEGIN
          EXECUTE format('GRANT USAGE ON SCHEMA %I TO housing365_event_query', current_schema());
          GRANT SELECT ON exchange_emails, fwf_events, fwf_event_types TO housing365_event_query;
          IF NOT pg_has_role(current_user, 'housing365_event_query', 'MEMBER') THEN
            EXECUTE format('GRANT housing365_event_query TO %I', current_user);
          END IF;
        EXCEPTION WHEN OTHERS THEN
          NULL;
        END;
      END IF;
    END $$;
  `.execute(db);
}
