import path from 'node:path';
import { createFsBlobStore } from '../../adapters/blobs/fs-blob-store.ts';
import type { BlobStore } from '../../adapters/blobs/blob-store.ts';
import { maxAttachmentBytes } from '../../domain/inbound/attachment-policy.ts';
import { activeFrvCodes } from '../frvs.ts';
import { parameterValues } from '../parameters.ts';
import type { AppContext } from '../context.ts';

export interface InboundPolicy {
  /** Active EMAIL_ATT_FILETYPE codes. */
  allowed: string[];
  /** EMAIL_ATT_FILESIZE in bytes. */
  maxBytes: number;
  /** Addresses we send from: mail from them coming back is ours, not a resident's. */
  ownAddresses: string[];
  inboxServer: string | null;
}

/** Read once per run: an FRV or parameter change applies from the next run, without a restart. */
export async function loadInboundPolicy(ctx: AppContext): Promise<InboundPolicy> {
  const [values, allowed] = await Promise.all([parameterValues(ctx), activeFrvCodes(ctx, 'EMAIL_ATT_FILETYPE')]);
  const own = values.EMO_EMAILADDR?.trim().toLowerCase();
  return { allowed, maxBytes: maxAttachmentBytes(values.EMAIL_ATT_FILESIZE), ownAddresses: own ? [own] : [], inboxServer: values.INBOX_SERVER ?? null };
}

const stores = new Map<string, BlobStore>();

/** The attachment store: the filesystem under the data directory (one per data dir, per process). */
export function blobStoreOf(ctx: AppContext): BlobStore {
  const root = path.join(ctx.config.dataDir, 'blobs');
  let s = stores.get(root);
  if (!s) stores.set(root, (s = createFsBlobStore(root)));
  return s;
}

/** No staging file lives longer than a sync run (its deadline is 10 minutes): older ones were left by a crash. */
export const STALE_STAGING_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 10 * 60_000;
const lastSweep = new Map<string, number>();

/**
 * Sweeps staging files a crash or kill left behind: at the first inbox run of a process (start-up)
 * and then at most every 10 minutes. Best effort; never fails a run.
 */
export async function sweepStaleStaging(ctx: AppContext, now = Date.now()): Promise<number> {
  const root = path.join(ctx.config.dataDir, 'blobs');
  const last = lastSweep.get(root);
  if (last !== undefined && now - last < SWEEP_EVERY_MS) return 0;
  lastSweep.set(root, now);
  const removed = await blobStoreOf(ctx).sweepStaging(STALE_STAGING_MS, now).catch(() => 0);
  if (removed > 0) ctx.logger.info({ removed }, 'removed stale attachment staging files');
  return removed;
}
