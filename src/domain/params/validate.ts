// Validation of the 15 system parameters: by datatype and by meaning, one message per failure that
// names the parameter and the rule it broke (the UI shows it inline, the CLI prints it, the API
// returns it as the problem's field message).
import { PARAMETERS, PARAMETER_NAMES, getParameterDefinition, type ParameterDefinition } from './definitions.ts';
import { domainOf, normaliseDomain, parseEmailAddress } from './email.ts';
import { ianaToWindowsZone, isGraphTimeZone, suggestGraphTimeZone } from '../time/zones.ts';

export interface ValidationContext {
  /** Current stored values of all parameters (after defaults). */
  values: Record<string, string | null>;
  codeExists(table: 'appointment_reasons', code: string): boolean;
  /** Names from pg_timezone_names, passed in by the app layer. */
  postgresTimeZones: ReadonlySet<string>;
}

export interface ParameterProblem {
  parameter: string;
  message: string;
}

/**
 * `warnings` (on success) are cross-parameter problems that this change creates: the value is
 * valid and is saved, but something will not run until another parameter is set. Callers show them;
 * they are never silently dropped.
 */
export type ValidationResult =
  | { ok: true; value: string | null; warnings?: ParameterProblem[] }
  | { ok: false; message: string };

// Poll intervals: at least a minute (the guide's unit); at most a day — a longer interval is almost
// certainly a typo for seconds or hours, and Graph's delta tokens for mail and calendar views are not
// guaranteed to survive much longer between uses.
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

/** Stored values with the guide's defaults applied for anything unset (null or empty). */
export function effectiveValues(stored: Record<string, string | null>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const d of PARAMETERS) {
    const v = stored[d.name];
    out[d.name] = v === undefined || v === null || v === '' ? d.defaultValue : v;
  }
  return out;
}

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
  // eslint-disable-next-line no-control-regex
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

// ---------------------------------------------------------------------------------------------
// Cross-parameter rules

interface FlowRule {
  switchName: string;
  /** How the guide's section titles name the flow. */
  label: string;
  needs: string[];
}

// What each direction needs besides its switch, from the guide: §2.1 (EMO_EMAILADDR "needs to be
// populated"), §2.2.2 (INBOX_SERVER, EMI_POLL), §2.3 (diaries' calendar addresses are validated
// against INBOX_SERVER) and §2.4 ("All these parameters need to be configured").
export const FLOW_RULES: readonly FlowRule[] = [
  { switchName: 'EMAILOUT_OUTLOOK365', label: 'Outbound email', needs: ['EMO_EMAILADDR'] },
  { switchName: 'EMAILIN_OUTLOOK365', label: 'Inbound email', needs: ['INBOX_SERVER', 'EMI_POLL'] },
  { switchName: 'APPTOUT_OUTLOOK365', label: 'Outbound appointments', needs: ['INBOX_SERVER'] },
  {
    switchName: 'APPTIN_OUTLOOK365',
    label: 'Inbound appointments',
    needs: ['CALI_POLL', 'APPT_OUTLOOK365_CANCEL_RSN', 'APPT_OUTLOOK365_MOVE_RSN', 'OUTLOOK365_MOVE_VIOL_EMAIL', 'EMO_EMAILADDR'],
  },
];

const isSet = (v: string | null | undefined): v is string => v !== null && v !== undefined && v.trim() !== '';

/** Every cross-parameter problem in a set of values (defaults applied first). */
export function crossParameterProblems(values: Record<string, string | null>): ParameterProblem[] {
  const v = effectiveValues(values);
  const problems: ParameterProblem[] = [];
  for (const rule of FLOW_RULES) {
    if (v[rule.switchName] !== 'Y') continue;
    for (const needed of rule.needs) {
      if (!isSet(v[needed])) {
        problems.push({
          parameter: needed,
          message: `${rule.switchName} is Y but ${needed} is not set: ${rule.label.toLowerCase()} needs it`,
        });
      }
    }
    if (v.OUTLOOK365 !== 'Y') {
      problems.push({
        parameter: 'OUTLOOK365',
        message: `${rule.switchName} is Y but ${rule.label.toLowerCase()} will not run until OUTLOOK365 is Y`,
      });
    }
  }
  const mismatch = fromAddressMismatch(v);
  if (mismatch) problems.push({ parameter: 'EMO_EMAILADDR', message: mismatch });
  return problems;
}

/** The EMO_EMAILADDR / INBOX_SERVER domain rule, for values that reached storage some other way. */
export function fromAddressMismatch(values: Record<string, string | null>): string | undefined {
  const from = values.EMO_EMAILADDR;
  const server = values.INBOX_SERVER;
  if (!isSet(from) || !isSet(server)) return undefined;
  const fromDomain = domainOf(from);
  const serverDomain = normaliseDomain(server);
  if (fromDomain && serverDomain && fromDomain !== serverDomain) {
    return `EMO_EMAILADDR (${from}) is not in the INBOX_SERVER domain (${serverDomain})`;
  }
  return undefined;
}

function newProblems(before: Record<string, string | null>, name: string, value: string | null): ParameterProblem[] {
  const had = new Set(crossParameterProblems(before).map((p) => p.message));
  return crossParameterProblems({ ...before, [name]: value }).filter((p) => !had.has(p.message));
}
