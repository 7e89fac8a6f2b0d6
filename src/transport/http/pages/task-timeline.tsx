import { displaySafeName } from '../../../domain/text/bidi.ts';
import type { TaskDetails, TaskEmail, TaskSentEmail } from '../../../app/tasks/task-details.ts';
import { formatBytes } from '../../../domain/inbound/attachment-policy.ts';
import { Tag } from './components.tsx';
import { whenIn } from './task-page-kit.tsx';

// The case's conversation on the task page (issue 17 §3): every inbound and outbound message in
// order — received or sent, who, what — each body at full width in its sandboxed frame (sized by
// app.css: no inline style, which the page's CSP blocks), attachments per message with their verdict;
// saved images and PDFs open in the page (preview route in task-email.tsx), others download.

/** Types the preview route serves inline; everything else is a download. */
export const PREVIEWABLE: Record<string, string> = { PNG: 'image/png', JPG: 'image/jpeg', JPEG: 'image/jpeg', GIF: 'image/gif', PDF: 'application/pdf' };

type Item = { kind: 'in'; at: Date; e: TaskEmail } | { kind: 'out'; at: Date; o: TaskSentEmail };

export function timelineItems(d: Pick<TaskDetails, 'emails' | 'sent'>): Item[] {
  const items: Item[] = [...d.emails.map((e) => ({ kind: 'in' as const, at: e.receivedAt, e })), ...d.sent.map((o) => ({ kind: 'out' as const, at: o.at, o }))];
  return items.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export function Timeline({ d, images }: { d: TaskDetails; images: boolean }): JSX.Element {
  const t = d.task;
  const zone = d.timeZone;
  return (
    <section aria-labelledby="conversation-heading">
      <h2 class="govuk-heading-m" id="conversation-heading">Conversation</h2>
      <p class="govuk-body-s">{`Times in ${zone}.`}</p>
      <ol class="app-conversation">
        {timelineItems(d).map((it, i) =>
          it.kind === 'in' ? (
            <li class="app-message app-message--in" aria-labelledby={`email-${it.e.id}-heading`}>
              <h3 class="govuk-heading-s" id={`email-${it.e.id}-heading`}>
                <Tag text="Received" colour="blue" />{' '}
                <span safe>{`${i + 1}. From ${it.e.fromAddress ? displaySafeName(`${it.e.fromName ? `${it.e.fromName} ` : ''}<${it.e.fromAddress}>`) : '(no sender)'}`}</span>
              </h3>
              <dl class="govuk-summary-list govuk-summary-list--no-border">
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Received</dt><dd class="govuk-summary-list__value"><time datetime={it.e.receivedAt.toISOString()}>{whenIn(it.e.receivedAt, zone)}</time></dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">To</dt><dd class="govuk-summary-list__value" safe>{displaySafeName(it.e.to.map((r) => r.address).join(', ')) || '—'}</dd></div>
                {it.e.cc.length ? <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Cc</dt><dd class="govuk-summary-list__value" safe>{displaySafeName(it.e.cc.map((r) => r.address).join(', '))}</dd></div> : ''}
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Subject</dt><dd class="govuk-summary-list__value" safe>{it.e.subject || '(no subject)'}</dd></div>
                {it.e.senderFlag ? <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Check</dt><dd class="govuk-summary-list__value"><Tag text="Different sender" colour="yellow" /> <span safe>{it.e.senderFlag}</span></dd></div> : ''}
                {it.e.threadReason ? <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Joined because</dt><dd class="govuk-summary-list__value" safe>{it.e.threadReason}</dd></div> : ''}
              </dl>
              {it.e.bodyHtml !== null ? (
                <>
                  <iframe class="app-email-frame" title={`Body of message ${i + 1}`} sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer" src={`/tasks/${t.id}/emails/${it.e.id}/body${images ? '?images=show' : ''}`}></iframe>
                  <p class="govuk-body-s">{images ? <a class="govuk-link" href={`/tasks/${t.id}`}>Hide remote images</a> : <a class="govuk-link" href={`/tasks/${t.id}?images=show`}>Show remote images</a>}</p>
                </>
              ) : ''}
              <details class="govuk-details" open={it.e.bodyHtml === null}>
                <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Text version</span></summary>
                <div class="govuk-details__text"><pre class="app-email-text" safe>{it.e.bodyText ?? ''}</pre></div>
              </details>
              <Attachments taskId={t.id} e={it.e} n={i + 1} />
            </li>
          ) : (
            <li class="app-message app-message--out" aria-labelledby={`sent-${it.o.id}-heading`}>
              <h3 class="govuk-heading-s" id={`sent-${it.o.id}-heading`}>
                <Tag text={it.o.status === 'sent' ? 'Sent' : `Outbox: ${it.o.status}`} colour={it.o.status === 'sent' ? 'green' : it.o.status === 'dead' ? 'red' : 'grey'} />{' '}
                <span safe>{`${i + 1}. ${it.o.isReply ? 'Reply' : 'Email'} from ${it.o.from ?? 'the organisation'} by ${it.o.createdBy}`}</span>
              </h3>
              <dl class="govuk-summary-list govuk-summary-list--no-border">
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{it.o.sentAt ? 'Sent' : 'Queued'}</dt><dd class="govuk-summary-list__value"><time datetime={it.at.toISOString()}>{whenIn(it.at, zone)}</time></dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">To</dt><dd class="govuk-summary-list__value" safe>{displaySafeName(it.o.to.join(', '))}</dd></div>
                <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Subject</dt><dd class="govuk-summary-list__value" safe>{it.o.subject}</dd></div>
              </dl>
              <pre class="app-email-text" safe>{it.o.text ?? (it.o.html ? it.o.html.replace(/<[^>]*>/g, ' ').replace(/\s{2,}/g, ' ').trim() : '')}</pre>
              {it.o.attachments.length ? (
                <ul class="govuk-list">{it.o.attachments.map((a) => <li safe>{`${displaySafeName(a.name)} (${formatBytes(a.size)})`}</li>)}</ul>
              ) : ''}
              <p class="govuk-body-s"><a class="govuk-link" href={`/outbox/${it.o.id}`}>In the outbox</a></p>
            </li>
          ),
        )}
      </ol>
    </section>
  );
}

function Attachments({ taskId, e, n }: { taskId: number; e: TaskEmail; n: number }): JSX.Element {
  if (!e.attachments.length) return <></>;
  return (
    <>
      <h4 class="govuk-heading-s">{`Attachments of message ${n}`}</h4>
      <ul class="govuk-list">
        {e.attachments.map((a) => {
          const type = a.detectedType ? PREVIEWABLE[a.detectedType] : undefined;
          const preview = a.blobSha256 && type && a.kind !== 'inline' ? `/tasks/${taskId}/attachments/${a.id}/preview` : undefined;
          return (
            <li class={a.rejectedReason ? 'app-attachment--rejected' : 'app-attachment'}>
              {a.blobSha256 ? <a class="govuk-link" href={`/tasks/${taskId}/attachments/${a.id}`} safe>{displaySafeName(a.name)}</a> : <strong safe>{displaySafeName(a.name)}</strong>}
              {' '}<span class="govuk-body-s" safe>{`(${a.kind === 'reference' ? 'cloud link' : formatBytes(a.size)}${a.kind === 'inline' ? ', inline image' : ''}${a.detectedType ? `, ${a.detectedType}` : ''})`}</span>
              {a.rejectedReason ? <><br /><Tag text="Not saved" colour="red" /> <span class="govuk-body-s" safe>{displaySafeName(a.rejectedReason)}</span></> : a.blobSha256 ? <> <Tag text="Saved" colour="green" /></> : ''}
              {preview ? (
                <details class="govuk-details app-preview">
                  <summary class="govuk-details__summary"><span class="govuk-details__summary-text" safe>{`Preview ${displaySafeName(a.name)}`}</span></summary>
                  <div class="govuk-details__text">
                    {type === 'application/pdf'
                      ? <iframe class="app-preview-frame" title={`Preview of ${displaySafeName(a.name)}`} src={preview} referrerpolicy="no-referrer"></iframe>
                      : <img class="app-preview-image" src={preview} alt={`Preview of ${displaySafeName(a.name)}`} />}
                  </div>
                </details>
              ) : ''}
            </li>
          );
        })}
      </ul>
    </>
  );
}
