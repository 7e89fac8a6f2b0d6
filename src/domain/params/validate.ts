// Validation of the 15 system parameters: by datatype and by meaning, one message per failure that
// names the parameter and the rule it broke (the UI shows it inline, the CLI prints it, the API
// returns it as the problem's field message).
import { PARAMETER_NAMES, getParameterDefinition, type ParameterDefinition } from './definitions.ts';
import { crossParameterProblems, type ParameterProblem } from './cross-parameter.ts';
import { domainOf, normaliseDomain, parseEmailAddress } from './email.ts';
import { ianaToWindowsZone, isGraphTimeZone, suggestGraphTimeZone } from '../time/zones.ts';

// The app layer imports everything about parameter values from here.
export { crossParameterProblems, fromAddressMismatch, FLOW_RULES, type FlowRule, type ParameterProblem } from './cross-parameter.ts';
export { effectiveValues } from './values.ts';

export interface ValidationContext {
  /** Current stored values of all parameters (after defaults). */
  values: Record<string, string | null>;
  codeExists(table: 'appointment_reasons', code: string): boolean;
  /** Names from pg_timezone_names, passed in by the app layer. */
  postgresTimeZones: ReadonlySet<string>;
}

/**
 * `warnings` (on success) are cross-parameter problems that this change creates: the value is
 * valid and is saved, but something will not run until another parameter is set. Callers show them;
 * they are never silently dropped.
 */
export type ValidationResult =
  | { ok: true; value: string | null; warnings?: ParameterProblem[] }
  | { ok: false; message: string };

// Poll intervals: whole minutes (the guide's unit), at least 1; at most a day (our bound, not the
// guide's) — a longer interval is almost certainly seconds typed as minutes, and mail would sit
// unread for days.
export const POLL_MINUTES_MAX = 1440;

// EMAIL_ATT_FILESIZE is in GB, as the guide says. Graph itself cannot carry an attachment over
// 150 MB (the upload-session limit: https://learn.microsoft.com/graph/outlook-large-attachments),
// so any value above 0.15 means "whatever Outlook delivers". The upper bound only catches typos
// (MB entered as GB, e.g. 5000).
export const ATTACHMENT_GB_MAX = 1000;
export const GRAPH_ATTACHMENT_LIMIT_GB = 0.15;

// OUTLOOK365_MOVE_VIOL_EMAIL: the guide's "text value – maximum 255 characters".
export const MOVE_VIOL_EMAIL_MAX = 255;

type Ok = Extract<ValidationResult, { ok: true }>;
const ok = (value: string | null): Ok => ({ ok: true, value });
const fail = (message: string): ValidationResult => ({ ok: false, message });

export function validateParameter(name: string, raw: string | null | undefined, ctx: ValidationContext): ValidationResult {
  const key = name.trim().toUpperCase();
  const def = getParameterDefinition(key);
  if (!def) {
    return fail(`${name} is not a system parameter; the parameters are ${PARAMETER_NAMES.join(', ')}`);
  }
  const text = raw ?? '';
  let result: ValidationResult;
  if (text.trim() === '') {
    result = def.required
      ? fail(`${def.name} is required and cannot be cleared${def.defaultValue !== null ? ` (the guide's default is ${def.defaultValue})` : ''}`)
      : ok(null);
  } else {
    result = validateValue(def, text, ctx);
  }
  if (!result.ok) return result;
  const warnings = newProblems(ctx.values, def.name, result.value);
  if (def.name === 'EMAIL_ATT_FILESIZE' && result.value !== null && Number(result.value) > GRAPH_ATTACHMENT_LIMIT_GB) {
    warnings.push({
      parameter: def.name,
      message: `EMAIL_ATT_FILESIZE is ${result.value} GB, but Outlook 365 carries no attachment over 150 MB (0.15 GB), so 150 MB is the effective limit`,
    });
  }
  return warnings.length > 0 ? { ok: true, value: result.value, warnings } : result;
}

function validateValue(def: ParameterDefinition, text: string, ctx: ValidationContext): ValidationResult {
  switch (def.name) {
    case 'EMI_POLL':
    case 'CALI_POLL':
      return validatePollMinutes(def.name, text);
    case 'EMAIL_ATT_FILESIZE':
      return validateFileSizeGb(text);
    case 'EMO_EMAILADDR':
      return validateFromAddress(text, ctx.values.INBOX_SERVER ?? null);
    case 'INBOX_SERVER':
      return validateInboxServer(text, ctx.values.EMO_EMAILADDR ?? null);
    case 'OUTLOOK365_MOVE_VIOL_EMAIL':
      return validateSubject(text);
    case 'OUTLOOK365_TIMEZONE':
      return validateGraphTimeZone(text);
    case 'OUTLOOK365_ORACLE_TIMEZONE':
      return validateDatabaseTimeZone(text, ctx.postgresTimeZones);
  }
  switch (def.datatype) {
    case 'YesNo':
      return validateYesNo(def.name, text);
    case 'Coded':
      return validateCoded(def, text, ctx);
    case 'Numeric':
      return validatePositiveNumber(def.name, text);
    case 'Text':
      return ok(text.trim());
  }
}

function validateYesNo(name: string, text: string): ValidationResult {
  const v = text.trim().toUpperCase();
  if (v === 'Y' || v === 'N') return ok(v);
  return fail(`${name} must be Y or N; '${text.trim()}' is neither`);
}

function validatePollMinutes(name: string, text: string): ValidationResult {
  const v = text.trim();
  if (!/^[0-9]+$/.test(v) || Number(v) < 1) {
    return fail(`${name} must be a whole number of minutes, 1 or more; '${v}' is not`);
  }
  const n = Number(v);
  if (n > POLL_MINUTES_MAX) {
    return fail(`${name} must be at most ${POLL_MINUTES_MAX} minutes (one day); ${n} is too long`);
  }
  return ok(String(n));
}

function validateFileSizeGb(text: string): ValidationResult {
  const v = text.trim();
  const normalised = normaliseDecimal(v);
  if (normalised === undefined || Number(normalised) <= 0) {
    return fail(`EMAIL_ATT_FILESIZE must be a number of gigabytes greater than 0, such as 0.5; '${v}' is not`);
  }
  if (Number(normalised) > ATTACHMENT_GB_MAX) {
    return fail(`EMAIL_ATT_FILESIZE is in GB and must be at most ${ATTACHMENT_GB_MAX}; ${normalised} is too large`);
  }
  return ok(normalised);
}

function validatePositiveNumber(name: string, text: string): ValidationResult {
  const v = text.trim();
  const normalised = normaliseDecimal(v);
  if (normalised === undefined || Number(normalised) <= 0) {
    return fail(`${name} must be a positive number; '${v}' is not`);
  }
  return ok(normalised);
}

/**
 * '0.50' → '0.5', '.5' → '0.5', '007' → '7', '2.0' → '2'. Done on the digits rather than through
 * Number#toString, which would turn 0.0000001 into '1e-7'. Undefined when not a plain decimal.
 */
export function normaliseDecimal(v: string): string | undefined {
  const m = /^([0-9]*)(?:\.([0-9]*))?$/.exec(v);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
  const whole = m[1].replace(/^0+(?=[0-9])/, '') || '0';
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

function validateFromAddress(text: string, inboxServer: string | null): ValidationResult {
  const v = text.trim();
  const parts = parseEmailAddress(v);
  if (!parts) return fail(`EMO_EMAILADDR must be an email address such as housing@housingorganisation.co.uk; '${v}' is not`);
  const server = inboxServer ? normaliseDomain(inboxServer) : undefined;
  if (server && parts.domain !== server) {
    return fail(
      `EMO_EMAILADDR must have the same domain as INBOX_SERVER (${server}), the organisation's Outlook 365 domain; '${v}' is in ${parts.domain}`,
    );
  }
  return ok(`${parts.local}@${parts.domain}`);
}

function validateInboxServer(text: string, fromAddress: string | null): ValidationResult {
  const v = text.trim();
  const domain = normaliseDomain(v);
  if (!domain) {
    const hint = /[^@\s]@/.test(v) ? ' (enter only the part after the @)' : '';
    return fail(`INBOX_SERVER must be a domain name such as housingorganisation.co.uk or @housingorganisation.co.uk${hint}; '${v}' is not`);
  }
  const fromDomain = fromAddress ? domainOf(fromAddress) : undefined;
  if (fromDomain && fromDomain !== domain) {
    return fail(
      `INBOX_SERVER cannot be ${domain} while EMO_EMAILADDR is ${fromAddress}: EMO_EMAILADDR must have the same domain as INBOX_SERVER; change EMO_EMAILADDR first`,
    );
  }
  return ok(domain);
}

function validateSubject(text: string): ValidationResult {
  const v = text.trim();
  if (/[\r\n\u2028\u2029]/.test(v)) {
    return fail('OUTLOOK365_MOVE_VIOL_EMAIL is the subject of an email and must be a single line');
  }
  if (/[\u0000-\u001f\u007f]/.test(v)) {
    return fail('OUTLOOK365_MOVE_VIOL_EMAIL must not contain control characters such as tabs');
  }
  const length = [...v].length;
  if (length > MOVE_VIOL_EMAIL_MAX) {
    return fail(`OUTLOOK365_MOVE_VIOL_EMAIL must be at most ${MOVE_VIOL_EMAIL_MAX} characters; this is ${length}`);
  }
  return ok(v);
}

function validateGraphTimeZone(text: string): ValidationResult {
  const v = text.trim();
  if (isGraphTimeZone(v)) return ok(v);
  const sameButCase = suggestGraphTimeZone(v);
  if (sameButCase) {
    return fail(`OUTLOOK365_TIMEZONE is case sensitive: did you mean '${sameButCase}'?`);
  }
  const windows = ianaToWindowsZone(v);
  if (windows) {
    return fail(`OUTLOOK365_TIMEZONE: Microsoft Graph does not accept the IANA name '${v}'; use its Windows name '${windows}'`);
  }
  return fail(
    `OUTLOOK365_TIMEZONE must be a Windows time-zone name such as 'GMT Standard Time', or an IANA name that Microsoft Graph accepts such as 'Europe/London'; '${v}' is neither`,
  );
}

function validateDatabaseTimeZone(text: string, zones: ReadonlySet<string>): ValidationResult {
  const v = text.trim();
  if (zones.has(v)) return ok(v);
  const lower = v.toLowerCase();
  for (const z of zones) {
    if (z.toLowerCase() === lower) {
      return fail(`OUTLOOK365_ORACLE_TIMEZONE is case sensitive: did you mean '${z}'?`);
    }
  }
  return fail(
    `OUTLOOK365_ORACLE_TIMEZONE must be a time zone the database knows (pg_timezone_names), such as 'Europe/London'; '${v}' is not one`,
  );
}

function validateCoded(def: ParameterDefinition, text: string, ctx: ValidationContext): ValidationResult {
  const v = text.trim();
  const table = def.codedTable ?? 'appointment_reasons';
  if (ctx.codeExists(table, v)) return ok(v);
  const upper = v.toUpperCase();
  if (upper !== v && ctx.codeExists(table, upper)) return ok(upper);
  return fail(`${def.name} must name an existing appointment reason code; '${v}' is not one`);
}

function newProblems(before: Record<string, string | null>, name: string, value: string | null): ParameterProblem[] {
  const had = new Set(crossParameterProblems(before).map((p) => p.message));
  return crossParameterProblems({ ...before, [name]: value }).filter((p) => !had.has(p.message));
}
