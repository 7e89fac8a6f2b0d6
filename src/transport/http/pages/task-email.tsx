import { PREVIEWABLE } from './task-timeline.tsx';
import sanitizeHtml from 'sanitize-html';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../../app/context.ts';
import { getTaskDetails, openTaskAttachment } from '../../../app/tasks/task-details.ts';
import { attachmentDisposition } from '../../../domain/text/bidi.ts';
import { requirePageUser } from '../auth.ts';

// Inbound HTML mail is hostile input. It is sanitised (sanitize-html: no script, no event handlers,
// no forms, no iframes, no javascript: URLs) and then served on its own URL under a CSP that allows
// no script at all and carries the `sandbox` directive, inside an <iframe sandbox> on the Task
// Details page. Inline (cid:) images are embedded as data: URLs; remote images are dropped unless the
// user asks for them (they are how senders track when mail is read).
// Why not a same-origin attachment URL for cid: images: the frame is sandboxed without
// allow-same-origin, so its origin is opaque and Chromium sends no SameSite=Lax session cookie on its
// image requests (tried: the frame's CSP 'self' lets the request go, the cookie stays behind) — the
// URL would need a capability token shared by every web process. data: needs neither.


export const EMAIL_FRAME_CSP = (remoteImages: boolean) =>
  "default-src 'none'; " +
  `img-src data:${remoteImages ? ' https: http:' : ''}; ` +
  "style-src 'unsafe-inline'; font-src data:; " +
  "sandbox allow-popups allow-popups-to-escape-sandbox; frame-ancestors 'self'; form-action 'none'; base-uri 'none'";

const INLINE_IMAGE_MAX = 2 * 1024 * 1024;

// Inline styles keep their look but never load anything: no url(), no expression(), no javascript:.
const SAFE_VALUE = [/^(?!.*(url\s*\(|expression\s*\(|javascript:|@import)).*$/i];
const STYLE_PROPS = [
  'color', 'background-color', 'font', 'font-family', 'font-size', 'font-style', 'font-weight', 'text-align', 'text-decoration', 'text-indent', 'text-transform',
  'margin', 'margin-top', 'margin-bottom', 'margin-left', 'margin-right', 'padding', 'padding-top', 'padding-bottom', 'padding-left', 'padding-right',
  'border', 'border-top', 'border-bottom', 'border-left', 'border-right', 'border-collapse', 'border-color', 'border-style', 'border-width',
  'width', 'height', 'max-width', 'min-width', 'display', 'vertical-align', 'line-height', 'white-space', 'list-style-type',
];
const ALLOWED_STYLES = { '*': Object.fromEntries(STYLE_PROPS.map((p) => [p, SAFE_VALUE])) };

export function sanitizeEmailHtml(html: string, opts: { inline: Map<string, string>; remoteImages: boolean }): { html: string; blockedImages: number } {
  let blockedImages = 0;
  const clean = sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'span', 'del', 'ins', 'sub', 'sup', 'u', 's', 'small', 'big', 'hr', 'colgroup', 'col'],
    allowedAttributes: {
      '*': ['style', 'align', 'valign', 'dir', 'lang', 'title', 'width', 'height', 'bgcolor', 'color'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height', 'style'],
      td: ['colspan', 'rowspan', 'style', 'align', 'valign', 'width', 'bgcolor'],
      th: ['colspan', 'rowspan', 'style', 'align', 'valign', 'width', 'bgcolor'],
      table: ['border', 'cellpadding', 'cellspacing', 'width', 'style', 'bgcolor', 'align'],
      font: ['color', 'face', 'size'],
      ol: ['start', 'type'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['data', 'cid', 'http', 'https'] },
    allowProtocolRelative: false,
    allowedStyles: ALLOWED_STYLES,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
      img: (tagName, attribs) => {
        const src = attribs.src ?? '';
        if (/^cid:/i.test(src)) {
          const data = opts.inline.get(src.slice(4).replace(/^<|>$/g, '').toLowerCase());
          return data ? { tagName, attribs: { ...attribs, src: data } } : { tagName: 'span', attribs: {}, text: attribs.alt ?? '' };
        }
        if (/^data:image\/(png|jpeg|gif|webp|bmp);/i.test(src)) return { tagName, attribs };
        if (/^https?:/i.test(src) && opts.remoteImages) return { tagName, attribs: { ...attribs, referrerpolicy: 'no-referrer' } };
        blockedImages++;
        return { tagName: 'span', attribs: {}, text: attribs.alt ? `[image: ${attribs.alt}]` : '' };
      },
    },
    allowedAttributesByTag: undefined,
  } as sanitizeHtml.IOptions);
  return { html: clean, blockedImages };
}

async function streamToDataUri(stream: NodeJS.ReadableStream, type: string): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > INLINE_IMAGE_MAX) return undefined;
    parts.push(chunk as Buffer);
  }
  return `data:${type};base64,${Buffer.concat(parts).toString('base64')}`;
}

const IMAGE_MIME: Record<string, string> = { PNG: 'image/png', JPG: 'image/jpeg', GIF: 'image/gif', BMP: 'image/bmp', WEBP: 'image/webp' };

export function registerTaskEmailFrame(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { id: string; emailId: string }; Querystring: { images?: string } }>(
    '/tasks/:id/emails/:emailId/body',
    { preHandler: requirePageUser() },
    async (request, reply) => {
      const taskId = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : -1;
      const d = await getTaskDetails(ctx, request.principal!, taskId);
      const email = d.emails.find((e) => String(e.id) === request.params.emailId);
      const remoteImages = request.query.images === 'show';
      let body = '<p>This email has no HTML body.</p>';
      if (email?.bodyHtml) {
        const inline = new Map<string, string>();
        for (const a of email.attachments) {
          if (!a.contentId || !a.blobSha256 || !a.detectedType || !IMAGE_MIME[a.detectedType]) continue;
          const { stream } = await openTaskAttachment(ctx, request.principal!, taskId, a.id);
          const uri = await streamToDataUri(stream, IMAGE_MIME[a.detectedType]);
          if (uri) inline.set(a.contentId.replace(/^<|>$/g, '').toLowerCase(), uri);
        }
        body = sanitizeEmailHtml(email.bodyHtml, { inline, remoteImages }).html;
      } else if (!email) {
        return reply.code(404).type('text/plain; charset=utf-8').header('content-security-policy', EMAIL_FRAME_CSP(false)).send('Not found');
      }
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', EMAIL_FRAME_CSP(remoteImages))
        .header('x-frame-options', 'SAMEORIGIN')
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .send(`<!DOCTYPE html><html><head><meta charset="utf-8"><base target="_blank"></head><body style="font-family: Arial, sans-serif; margin: 8px">${body}</body></html>`);
    },
  );

  // Preview in the page (issue 17 §3): only a SAVED attachment whose content is an image or a PDF
  // (checked by its bytes on arrival: detectedType), served as that type with nosniff, under a CSP that
  // allows no script and no network. Images carry the `sandbox` directive too; a PDF does not, because
  // Chromium's viewer shows nothing in a sandboxed document — the viewer runs no script from the file.
  app.get<{ Params: { id: string; attId: string } }>('/tasks/:id/attachments/:attId/preview', { preHandler: requirePageUser() }, async (request, reply) => {
    const num = (s: string) => (/^\d{1,15}$/.test(s) ? Number(s) : -1);
    const { attachment, stream } = await openTaskAttachment(ctx, request.principal!, num(request.params.id), num(request.params.attId));
    const type = attachment.detectedType ? PREVIEWABLE[attachment.detectedType] : undefined;
    if (!type) {
      stream.destroy();
      return reply.code(415).type('application/problem+json').header('content-security-policy', "default-src 'none'; sandbox").send({ type: 'about:blank', title: 'No preview', status: 415, detail: `${attachment.name} is not an image or a PDF: download it instead`, errors: [{ field: 'attId', message: 'not previewable' }] });
    }
    return reply
      .type(type)
      .header('content-disposition', attachmentDisposition(attachment.name).replace(/^attachment/, 'inline'))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', type === 'application/pdf' ? "default-src 'none'; object-src 'self'; frame-ancestors 'self'" : "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'self'")
      .header('cache-control', 'private, no-store')
      .header('content-length', String(attachment.size))
      .send(stream);
  });

  app.get<{ Params: { id: string; attId: string } }>('/tasks/:id/attachments/:attId', { preHandler: requirePageUser() }, async (request, reply) => {
    const num = (s: string) => (/^\d{1,15}$/.test(s) ? Number(s) : -1);
    const { attachment, stream } = await openTaskAttachment(ctx, request.principal!, num(request.params.id), num(request.params.attId));
    // Always a download, never rendered by the browser: the bytes are the sender's, not ours. The name
    // is the sender's too: no bidi control reaches the saved file's name (domain/text/bidi.ts).
    return reply
      .type('application/octet-stream')
      .header('content-disposition', attachmentDisposition(attachment.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .header('content-length', String(attachment.size))
      .send(stream);
  });
}
