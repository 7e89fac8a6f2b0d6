/**
 * Email templates in Liquid (LiquidJS): logic-light, no code execution, no file access
 * (`{% include %}` / `{% render %}` find nothing: the template store is an empty in-memory map),
 * with time and memory caps. HTML bodies escape every merge field (`{{ x | raw }}` opts out);
 * subjects and text bodies do not.
 */
import { Liquid } from 'liquidjs';
import { sampleData, withDocumentedDefaults } from './merge-fields.ts';

export interface TemplateSource {
  subject: string;
  html: string;
  text: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface TemplateProblem {
  field: 'subject' | 'html' | 'text';
  line?: number;
  column?: number;
  message: string;
}

const limits = { parseLimit: 200_000, renderLimit: 1_000, memoryLimit: 10_000_000 };
const base = { strictFilters: true, strictVariables: true, ownPropertyOnly: true, templates: {}, ...limits };
const plainEngine = new Liquid(base);
const htmlEngine = new Liquid({ ...base, outputEscape: 'escape' });

const engineFor = (field: TemplateProblem['field']) => (field === 'html' ? htmlEngine : plainEngine);
const fieldLabel: Record<TemplateProblem['field'], string> = { subject: 'Subject', html: 'HTML body', text: 'Plain-text body' };

function problemOf(field: TemplateProblem['field'], e: unknown): TemplateProblem {
  const err = e as { message?: string; token?: { getPosition?: () => [number, number] } };
  const pos = err.token?.getPosition?.();
  // LiquidJS appends ", line:2, col:5" to its messages; we report the position separately.
  const message = String(err.message ?? e).replace(/,\s*line:\d+,\s*col:\d+\s*$/, '').replace(/^undefined variable: /, 'unknown merge field: ');
  return { field, line: pos?.[0], column: pos?.[1], message };
}

export function describeProblem(p: TemplateProblem): string {
  return `${fieldLabel[p.field]}${p.line ? `, line ${p.line}${p.column ? ` column ${p.column}` : ''}` : ''}: ${p.message}`;
}

/**
 * Syntax errors, unknown filters and merge fields that are not documented — each with the line it
 * is on. Checked by rendering with the sample data under strict variables.
 */
export async function validateTemplate(t: TemplateSource): Promise<TemplateProblem[]> {
  const problems: TemplateProblem[] = [];
  const sample = sampleData();
  for (const field of ['subject', 'html', 'text'] as const) {
    const engine = engineFor(field);
    try {
      const parsed = engine.parse(t[field]);
      await engine.render(parsed, sample);
    } catch (e) {
      problems.push(problemOf(field, e));
    }
  }
  if (!t.subject.trim()) problems.push({ field: 'subject', message: 'the subject is empty' });
  if (!t.html.trim() && !t.text.trim()) problems.push({ field: 'text', message: 'give an HTML body, a plain-text body, or both' });
  return problems;
}

export class TemplateRenderError extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map(describeProblem).join('; '));
    this.name = 'TemplateRenderError';
  }
}

/** Renders with the caller's data; documented fields it leaves out render empty. */
export async function renderTemplate(t: TemplateSource, data: Record<string, unknown>): Promise<RenderedEmail> {
  const scope = withDocumentedDefaults(data);
  const out: Partial<RenderedEmail> = {};
  const problems: TemplateProblem[] = [];
  for (const field of ['subject', 'html', 'text'] as const) {
    try {
      out[field] = t[field] ? await engineFor(field).parseAndRender(t[field], scope) : '';
    } catch (e) {
      problems.push(problemOf(field, e));
    }
  }
  if (problems.length) throw new TemplateRenderError(problems);
  // A subject is one line (a newline in a header would end it).
  return { subject: out.subject!.replace(/\s*[\r\n]+\s*/g, ' ').trim(), html: out.html!, text: out.text! };
}

export async function previewTemplate(t: TemplateSource): Promise<RenderedEmail> {
  return renderTemplate(t, sampleData());
}
