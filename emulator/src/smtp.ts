/**
 * The SMTP door: mail from the outside world. An RFC 5322 message to a tenant address lands in
 * that mailbox's Inbox with its headers, Message-ID, threading, bodies and attachments. Unknown
 * recipients get 550; a message that cannot be parsed is still delivered (raw text body) rather
 * than crashing the door, and input with no header block is delivered as Exchange does (see
 * deliverSmtp). The source is kept as bytes: `$value` returns exactly what came in.
 */
import { SMTPServer } from 'smtp-server';
import type { Core } from './core.ts';
import { newInternetMessageId } from './ids.ts';
import { parseMime, type ParsedInbound } from './mail/mime.ts';
import { deliver, isoNow } from './mail/send.ts';
import { findUserByAddress } from './state.ts';

export const maxSmtpMessageBytes = 150 * 1024 * 1024;

export function createSmtpServer(core: Core): SMTPServer {
  return new SMTPServer({
    name: 'graph-emulator.localhost',
    banner: 'graph-emulator SMTP door',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxSmtpMessageBytes,
    // stop() must not wait 30 s for an idle client connection
    closeTimeout: 1000,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!findUserByAddress(core.state, address.address)) {
        const e = new Error(`5.1.1 <${address.address}>: Recipient address rejected: user unknown in this tenant`) as Error & { responseCode: number };
        e.responseCode = 550;
        callback(e);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => callback(e));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          const e = new Error('5.3.4 Message size exceeds fixed maximum message size') as Error & { responseCode: number };
          e.responseCode = 552;
          callback(e);
          return;
        }
        deliverSmtp(core, raw, session.envelope.mailFrom ? session.envelope.mailFrom.address : '', session.envelope.rcptTo.map((r) => r.address))
          .then(() => callback())
          .catch((e) => {
            core.log(`smtp delivery failed: ${(e as Error).message}`);
            const err = new Error('4.3.0 Temporary delivery failure') as Error & { responseCode: number };
            err.responseCode = 451;
            callback(err);
          });
      });
    },
  });
}

/** RFC 5322 §2.2: the input starts with a header field (printable ASCII name but colon, then a colon). */
export function hasHeaderBlock(raw: Buffer): boolean {
  const first = raw.subarray(0, 1000).toString('latin1').split(/\r?\n/, 1)[0];
  return /^[!-9;-~]+:/.test(first);
}

export async function deliverSmtp(core: Core, raw: Buffer, mailFrom: string, rcptTo: string[]): Promise<void> {
  const nowIso = isoNow(core);
  const empty = (content: string): ParsedInbound => ({
    subject: '', toRecipients: [], ccRecipients: [], bccRecipients: [], replyTo: [], references: [],
    body: { contentType: 'text', content }, internetMessageHeaders: [], attachments: [], importance: 'normal',
  });
  let p: ParsedInbound;
  let mime = raw;
  const headerless = !hasHeaderBlock(raw);
  if (headerless) {
    // No header block (garbage bytes, bare text): Exchange still delivers it — the whole input is
    // the body, the envelope sender is shown as From, and its transport adds the trace fields a
    // message must have (Message-ID, Date). Nothing says who wrote it: that is for the reader to see.
    p = empty(raw.toString('utf8'));
    p.internetMessageId = newInternetMessageId('smtp.graph-emulator.localhost');
    p.internetMessageHeaders = [{ name: 'Message-ID', value: p.internetMessageId }, { name: 'Date', value: new Date(nowIso).toUTCString().replace('GMT', '+0000') }];
    mime = Buffer.concat([Buffer.from(p.internetMessageHeaders.map((h) => `${h.name}: ${h.value}\r\n`).join('') + '\r\n', 'latin1'), raw]);
  } else {
    try {
      p = await parseMime(raw, nowIso);
    } catch (e) {
      core.log(`smtp: unparseable message delivered as text: ${(e as Error).message}`);
      p = empty(raw.toString('utf8'));
    }
  }
  // no From header: Exchange falls back on the envelope sender; a null sender (<>) leaves it empty
  const from = p.from ?? (mailFrom ? { emailAddress: { name: mailFrom, address: mailFrom } } : undefined);
  deliver(core, undefined, {
    subject: p.subject,
    body: p.body,
    from,
    sender: p.sender ?? from,
    toRecipients: p.toRecipients,
    ccRecipients: p.ccRecipients,
    bccRecipients: [],
    replyTo: p.replyTo,
    importance: p.importance,
    internetMessageId: p.internetMessageId ?? newInternetMessageId('smtp.graph-emulator.localhost'),
    customHeaders: [],
    mimeHeaders: p.internetMessageHeaders,
    inReplyTo: p.inReplyTo,
    references: p.references,
    attachments: p.attachments,
    // the bytes as they came: 8-bit MIME is not text in any one charset
    mime,
  }, { saveToSentItems: false, via: 'smtp', envelopeRecipients: rcptTo });
}
