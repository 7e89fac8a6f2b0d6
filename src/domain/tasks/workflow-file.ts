// Workflow files (.wft, guide §2.2.5). The Task Manager Summary groups tasks by workflow category;
// a category is registered by uploading a workflow file. housing365's format is a small INI-style
// text file (documented in docs/task-manager.md), shipped as templates/workflow/atcarep.wft so the
// guide's find-and-replace recipe works on it unchanged.

export const TEMPLATE_CODE = 'ATCAREP';
export const TEMPLATE_NAME = 'Repair Authorisations';
export const WORKFLOW_CODE = /^[A-Z0-9_]{1,8}$/;
export const WORKFLOW_NAME_MAX = 100;
/** A workflow file is a few hundred bytes; anything much bigger is not one. */
export const WORKFLOW_FILE_MAX_BYTES = 64 * 1024;

export interface WorkflowDefinition {
  code: string;
  name: string;
  openName: string;
  pendingName: string;
  completeName: string;
}

export interface WorkflowFileProblem {
  field: 'code' | 'name' | 'file';
  message: string;
}

export class WorkflowFileError extends Error {
  constructor(readonly problem: WorkflowFileProblem) {
    super(problem.message);
  }
}

export function workflowCodeProblem(code: string): string | null {
  return WORKFLOW_CODE.test(code) ? null : `The workflow code must be 1 to 8 capital letters, digits or _ (guide §2.2.5: "maximum of 8 characters"); '${code}' is not`;
}

export function workflowNameProblem(name: string): string | null {
  if (name.trim() === '') return 'Enter the workflow name, like Inbound Emails for ASB';
  if (/[\r\n]/.test(name)) return 'The workflow name must be one line';
  if ([...name].length > WORKFLOW_NAME_MAX) return `The workflow name must be at most ${WORKFLOW_NAME_MAX} characters`;
  return null;
}

/** The guide's recipe: replace ATCAREP with the code and "Repair Authorisations" (and its Complete / Pending forms) with the name. */
export function generateWorkflowFile(template: string, codeIn: string, nameIn: string): string {
  const code = codeIn.trim().toUpperCase();
  const name = nameIn.trim();
  const codeProblem = workflowCodeProblem(code);
  if (codeProblem) throw new WorkflowFileError({ field: 'code', message: codeProblem });
  const nameProblem = workflowNameProblem(name);
  if (nameProblem) throw new WorkflowFileError({ field: 'name', message: nameProblem });
  return template
    .replaceAll(TEMPLATE_CODE, code)
    .replaceAll(`${TEMPLATE_NAME} Complete`, `${name} Complete`)
    .replaceAll(`${TEMPLATE_NAME} Pending`, `${name} Pending`)
    .replaceAll(TEMPLATE_NAME, name);
}

/** Reads a workflow file; throws WorkflowFileError naming the line at fault. */
export function parseWorkflowFile(text: string): WorkflowDefinition {
  const fail = (message: string, field: WorkflowFileProblem['field'] = 'file'): never => {
    throw new WorkflowFileError({ field, message });
  };
  if (Buffer.byteLength(text) > WORKFLOW_FILE_MAX_BYTES) fail(`A workflow file is at most ${WORKFLOW_FILE_MAX_BYTES / 1024} KB`);
  if (text.includes('\0')) fail('This is not a workflow file: it is not text');
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const section = /^\[([a-z]+(?: [a-z]+)?)\]$/i.exec(line);
    if (section) {
      const key = section[1].toLowerCase();
      if (sections.has(key)) fail(`Line ${i + 1}: section [${key}] appears twice`);
      current = new Map();
      sections.set(key, current);
      return;
    }
    const kv = /^([a-z_]+)\s*=\s*(.*)$/i.exec(line);
    if (!kv) fail(`Line ${i + 1}: expected "[section]" or "key = value", found '${line.slice(0, 60)}'`);
    if (!current) fail(`Line ${i + 1}: '${kv![1]}' is outside any [section]`);
    current!.set(kv![1].toLowerCase(), kv![2].trim());
  });
  const wf = sections.get('workflow') ?? fail('The file has no [workflow] section: is it a housing365 workflow file?');
  const format = wf.get('format');
  if (format !== '1') fail(`Unsupported workflow file format '${format ?? '(missing)'}'; this version reads format 1`);
  const code = (wf.get('code') ?? '').toUpperCase();
  const codeProblem = workflowCodeProblem(code);
  if (codeProblem) fail(codeProblem, 'code');
  const name = wf.get('name') ?? '';
  const nameProblem = workflowNameProblem(name);
  if (nameProblem) fail(nameProblem, 'name');
  const summary = (status: string) => {
    const s = sections.get(`status ${status}`)?.get('summary') ?? fail(`The file has no [status ${status}] section with a summary`);
    const p = workflowNameProblem(s);
    if (p) fail(`[status ${status}] summary: ${p}`, 'name');
    return s;
  };
  return { code, name, openName: summary('open'), pendingName: summary('pending'), completeName: summary('complete') };
}
