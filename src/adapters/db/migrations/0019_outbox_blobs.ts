import { sql, type Kysely } from 'kysely';

// Outbound attachments leave the database (issue 14 §13): their bytes go to the blob store
// (adapters/blobs) as they arrive, the row keeps the blob's SHA-256, and the outbox reads them back a
// range at a time when it sends. `content` stays for rows queued before this migration.
// `send_requested_at`: when the outbox last asked Graph to send the recorded draft. After a lost
// answer the draft may be out of sight — gone from Drafts, its Sent Items copy not there yet — and the
// retry must wait for the copy rather than make a second draft (docs/outbound-email.md).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE email_outbox_attachments ADD COLUMN blob_sha256 text;
    ALTER TABLE email_outbox_attachments ALTER COLUMN content DROP NOT NULL;
    ALTER TABLE email_outbox_attachments ADD CONSTRAINT email_outbox_attachments_bytes CHECK (content IS NOT NULL OR blob_sha256 IS NOT NULL);
    ALTER TABLE email_outbox ADD COLUMN send_requested_at timestamptz;
  `.execute(db);
}
