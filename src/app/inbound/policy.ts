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
