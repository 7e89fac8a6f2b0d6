/**
 * Templates shipped with housing365 (the guide's "standard DTI templates" for outbound email).
 * They are used as they are until an admin edits them; "reset" returns to these.
 */
import type { TemplateSource } from './render.ts';

export interface ShippedTemplate extends TemplateSource {
  code: string;
  description: string;
}

const signOff = {
  html: '<p>Yours sincerely,<br>{{ organisation.name }}</p>\n<p>Please do not reply to this email. Call us on {{ organisation.phone }} if you need to talk to us.</p>',
  text: 'Yours sincerely,\n{{ organisation.name }}\n\nPlease do not reply to this email. Call us on {{ organisation.phone }} if you need to talk to us.',
};

export const SHIPPED_TEMPLATES: readonly ShippedTemplate[] = Object.freeze([
  {
    code: 'APPT_CONFIRM',
    description: 'Appointment confirmation',
    subject: 'Your appointment on {{ appointment.date }} at {{ appointment.start }} ({{ appointment.reference }})',
    html: `<p>Dear {{ tenant.name }},</p>
<p>We have booked your {{ appointment.type }} appointment:</p>
<ul>
  <li>Date: {{ appointment.date }}</li>
  <li>Time: {{ appointment.start }} to {{ appointment.end }}</li>
  <li>Where: {{ appointment.location }}</li>
{% if appointment.officer != "" %}  <li>With: {{ appointment.officer }}</li>
{% endif %}</ul>
<p>Your reference is {{ appointment.reference }}. If this time does not suit you, please call us.</p>
${signOff.html}`,
    text: `Dear {{ tenant.name }},

We have booked your {{ appointment.type }} appointment:

  Date:  {{ appointment.date }}
  Time:  {{ appointment.start }} to {{ appointment.end }}
  Where: {{ appointment.location }}
{% if appointment.officer != "" %}  With:  {{ appointment.officer }}
{% endif %}
Your reference is {{ appointment.reference }}. If this time does not suit you, please call us.

${signOff.text}`,
  },
  {
    code: 'APPT_MOVED',
    description: 'Appointment moved',
    subject: 'Your appointment has moved to {{ appointment.date }} at {{ appointment.start }} ({{ appointment.reference }})',
    html: `<p>Dear {{ tenant.name }},</p>
<p>Your {{ appointment.type }} appointment on {{ appointment.previous_date }} at {{ appointment.previous_start }} has moved.</p>
<p>The new time is <strong>{{ appointment.date }}, {{ appointment.start }} to {{ appointment.end }}</strong> at {{ appointment.location }}.</p>
{% if appointment.reason != "" %}<p>Reason: {{ appointment.reason }}</p>
{% endif %}<p>Your reference is still {{ appointment.reference }}. We are sorry for any inconvenience.</p>
${signOff.html}`,
    text: `Dear {{ tenant.name }},

Your {{ appointment.type }} appointment on {{ appointment.previous_date }} at {{ appointment.previous_start }} has moved.

The new time is {{ appointment.date }}, {{ appointment.start }} to {{ appointment.end }} at {{ appointment.location }}.
{% if appointment.reason != "" %}Reason: {{ appointment.reason }}
{% endif %}
Your reference is still {{ appointment.reference }}. We are sorry for any inconvenience.

${signOff.text}`,
  },
  {
    code: 'APPT_CANCELLED',
    description: 'Appointment cancelled',
    subject: 'Your appointment on {{ appointment.date }} is cancelled ({{ appointment.reference }})',
    html: `<p>Dear {{ tenant.name }},</p>
<p>We have cancelled your {{ appointment.type }} appointment on {{ appointment.date }} at {{ appointment.start }}.</p>
{% if appointment.reason != "" %}<p>Reason: {{ appointment.reason }}</p>
{% endif %}<p>Please call us to book a new time, quoting {{ appointment.reference }}.</p>
${signOff.html}`,
    text: `Dear {{ tenant.name }},

We have cancelled your {{ appointment.type }} appointment on {{ appointment.date }} at {{ appointment.start }}.
{% if appointment.reason != "" %}Reason: {{ appointment.reason }}
{% endif %}
Please call us to book a new time, quoting {{ appointment.reference }}.

${signOff.text}`,
  },
  {
    code: 'EMAIL_ACK',
    description: 'Acknowledgement of an inbound email',
    subject: 'We have received your email: {{ email.subject }} [{{ email.reference }}]',
    html: `<p>Thank you for your email "{{ email.subject }}", which we received on {{ email.received_at }}.</p>
<p>We have logged it with the reference <strong>{{ email.reference }}</strong> and will reply as soon as we can. Please quote this reference if you contact us about it.</p>
${signOff.html}`,
    text: `Thank you for your email "{{ email.subject }}", which we received on {{ email.received_at }}.

We have logged it with the reference {{ email.reference }} and will reply as soon as we can. Please quote this reference if you contact us about it.

${signOff.text}`,
  },
  {
    code: 'COMPLAINT_ACK',
    description: 'Complaint acknowledgement (stage 1 or 2, Complaint Handling Code 6.2 / 6.11)',
    subject: 'We have logged your complaint at stage {{ complaint.stage }} {{ task.tag }}',
    html: `<p>Thank you for contacting us. We have logged your complaint at <strong>stage {{ complaint.stage }}</strong> of our complaints procedure, received on {{ complaint.received }}.</p>
<p>We will send you our full response by <strong>{{ complaint.respond_by }}</strong>. If we need longer we will tell you why and give you a new date.</p>
<p>Please keep {{ task.tag }} in the subject if you write to us about it.</p>
<p>Yours sincerely,<br>{{ officer.name }}<br>{{ organisation.name }}</p>`,
    text: `Thank you for contacting us. We have logged your complaint at stage {{ complaint.stage }} of our complaints procedure, received on {{ complaint.received }}.

We will send you our full response by {{ complaint.respond_by }}. If we need longer we will tell you why and give you a new date.

Please keep {{ task.tag }} in the subject if you write to us about it.

Yours sincerely,
{{ officer.name }}
{{ organisation.name }}`,
  },
]);

export function shippedTemplate(code: string): ShippedTemplate | undefined {
  return SHIPPED_TEMPLATES.find((t) => t.code === code.toUpperCase());
}
