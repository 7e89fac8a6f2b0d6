/**
 * The SMTP door: mail from the outside world. An RFC 5322 message to a tenant address lands in
 * that mailbox's Inbox with its headers, Message-ID, threading, bodies and attachments. Unknown
 * recipients get 550; a message that cannot be parsed is still delivered (raw text body) rather
 * than crashing the door.
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

export async function deliverSmtp(core: Core, raw: Buffer, mailFrom: string, rcptTo: string[]): Promise<void> {
  const nowIso = isoNow(core);
  let p: ParsedInbound;
  try {
    p = await parseMime(raw, nowIso);
  } catch (e) {
    core.log(`smtp: unparseable message delivered as text: ${(e as Error).message}`);
    p = {
      subject: '', toRecipients: [], ccRecipients: [], bccRecipients: [], replyTo: [], references: [],
      body: { contentType: 'text', content: raw.toString('utf8') }, internetMessageHeaders: [], attachments: [], importance: 'normal',
    };
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
    mime: raw.toString('utf8'),
  }, { saveToSentItems: false, via: 'smtp', envelopeRecipients: rcptTo });
}
