import { describe, expect, it } from 'vitest';
import { SHIPPED_TEMPLATES } from './defaults.ts';
import { describeProblem, previewTemplate, renderTemplate, validateTemplate } from './render.ts';

describe('email templates', () => {
  it('ships defaults that validate and preview', async () => {
    for (const t of SHIPPED_TEMPLATES) {
      expect(await validateTemplate(t), t.code).toEqual([]);
      const p = await previewTemplate(t);
      expect(p.subject).not.toMatch(/[{}\n]/);
      expect(p.text).toContain('Housing Organisation');
    }
  });

  it('escapes merge fields in HTML but not in text, and keeps the subject on one line', async () => {
    const r = await renderTemplate({ subject: 'Re: {{ email.subject }}\n', html: '<p>{{ tenant.name }}</p>', text: '{{ tenant.name }}' }, { tenant: { name: 'Tom <script>' }, email: { subject: 'a\nb' } });
    expect(r.html).toBe('<p>Tom &lt;script&gt;</p>');
    expect(r.text).toBe('Tom <script>');
    expect(r.subject).toBe('Re: a b');
  });

  it('renders documented fields the caller left out as empty', async () => {
    const r = await renderTemplate({ subject: 'x{{ appointment.reason }}y', html: '', text: 't' }, {});
    expect(r.subject).toBe('xy');
  });

  it('points at the line and column of a syntax error, an unknown filter and an unknown merge field', async () => {
    const problems = await validateTemplate({
      subject: 'Hello {{ tenant.nam }}',
      html: '<p>ok</p>\n<p>{{ tenant.name | shout }}</p>',
      text: 'line one\nline two\n{% if tenant.name %}never closed',
    });
    expect(problems.map((p) => [p.field, p.line])).toEqual([['subject', 1], ['html', 2], ['text', 3]]);
    expect(problems[0].message).toMatch(/tenant\.nam|nam/);
    expect(describeProblem(problems[1])).toMatch(/^HTML body, line 2 column \d+: .*shout/);
  });

  it('cannot read files or run code', async () => {
    const problems = await validateTemplate({ subject: 's', html: "{% include '/etc/passwd' %}", text: '{{ "x" | constructor }}' });
    expect(problems).toHaveLength(2);
    const r = renderTemplate({ subject: 's', html: '{% render "../../package.json" %}', text: '' }, {});
    await expect(r).rejects.toThrow();
  });

  it('stops a runaway loop', async () => {
    const r = renderTemplate({ subject: 's', html: '', text: '{% for i in (1..100000000) %}{{ i }}{% endfor %}' }, {});
    await expect(r).rejects.toThrow();
  });
});

describe('Task Manager reply fields', () => {
  it('accepts a reply template using the task fields and renders the data Task Manager passes', async () => {
    const t = { subject: '{{ subject }}', html: '', text: 'Dear customer,\n{{ officer.name }} replied about {{ task.tag }} ({{ email.from }}).' };
    expect(await validateTemplate(t)).toEqual([]);
    const r = await renderTemplate(t, { task: { id: 7, title: 'Leak', tag: '[Task 7]' }, officer: { name: 'Alex Jones' }, email: { from: 'a@b.org', subject: 'Leak', received: 'x' }, subject: 'RE: Leak [Task 7]' });
    expect(r).toEqual({ subject: 'RE: Leak [Task 7]', html: '', text: 'Dear customer,\nAlex Jones replied about [Task 7] (a@b.org).' });
  });
});
