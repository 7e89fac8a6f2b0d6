import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WorkflowFileError, generateWorkflowFile, parseWorkflowFile } from './workflow-file.ts';

const template = readFileSync(new URL('../../../templates/workflow/atcarep.wft', import.meta.url), 'utf8');

describe('workflow files (guide §2.2.5)', () => {
  it('reads the shipped template as the ATCAREP "Repair Authorisations" workflow', () => {
    expect(parseWorkflowFile(template)).toEqual({ code: 'ATCAREP', name: 'Repair Authorisations', openName: 'Repair Authorisations', pendingName: 'Repair Authorisations Pending', completeName: 'Repair Authorisations Complete' });
  });

  it('applies the guide\'s find-and-replace', () => {
    const text = generateWorkflowFile(template, 'emailasb', 'Inbound Emails for ASB');
    expect(parseWorkflowFile(text)).toEqual({ code: 'EMAILASB', name: 'Inbound Emails for ASB', openName: 'Inbound Emails for ASB', pendingName: 'Inbound Emails for ASB Pending', completeName: 'Inbound Emails for ASB Complete' });
  });

  it('refuses a code over 8 characters, a missing section and a line that is not key = value, naming the line', () => {
    expect(() => generateWorkflowFile(template, 'ABCDEFGHI', 'x')).toThrow(/maximum of 8 characters/);
    expect(() => parseWorkflowFile(template.replace('[status pending]', '[status waiting]'))).toThrow(/no \[status pending\] section/);
    expect(() => parseWorkflowFile(template.replace('format = 1', 'format = 1\nthis is wrong'))).toThrow(/^Line 8: expected/);
    expect(() => parseWorkflowFile('MZ\u0000')).toThrow(WorkflowFileError);
  });
});
