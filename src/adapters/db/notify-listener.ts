import pg from 'pg';
import type { Logger } from '../../logger.ts';

const RECONNECT_MS = 5_000;

/**
 * One connection that LISTENs on `channel` and hands each NOTIFY's payload to `onPayload`; a dropped
 * connection is re-opened every 5 s (a NOTIFY sent meanwhile is lost: callers must not depend on it).
 * `settings` are the pg connection settings of the database to listen on. `listening` resolves once
 * the first LISTEN is in place (a NOTIFY sent before that is not seen).
 */
export function listenForNotifications(settings: pg.ClientConfig, channel: string, logger: Logger, onPayload: (payload: string) => void): { stop(): void; listening: Promise<void> } {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let listened!: () => void;
  const listening = new Promise<void>((resolve) => (listened = resolve));
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client({ ...settings, application_name: 'housing365-wake' });
    client = c;
    let failed = false;
    const again = () => {
      if (failed) return;
      failed = true;
      c.end().catch(() => {});
      if (!stopped) retry = setTimeout(connect, RECONNECT_MS);
    };
    c.on('notification', (msg) => onPayload(msg.payload ?? ''));
    c.on('error', (err) => {
      if (!stopped) logger.warn({ err: err.message }, 'job wake-up connection lost; reconnecting (jobs still run on polling meanwhile)');
      again();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      listened();
      if (stopped) await c.end();
    } catch (err) {
      if (!stopped) logger.warn({ err: (err as Error).message }, 'job wake-up connection failed; retrying (jobs still run on polling meanwhile)');
      again();
    }
  };
  void connect();
  return {
    listening,
    stop() {
      stopped = true;
      clearTimeout(retry);
      client?.end().catch(() => {});
    },
  };
}
