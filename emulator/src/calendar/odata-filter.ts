// A small OData $filter parser and evaluator: enough for what clients send to Outlook items.
// https://learn.microsoft.com/graph/filter-query-parameter
// Supports eq ne gt ge lt le, and/or/not, parentheses, startswith/endswith/contains, and
// lambda any/all over collections — including the extended-property form Graph documents:
//   singleValueExtendedProperties/Any(ep: ep/id eq '{type} {guid} Name X' and ep/value eq 'v')
// https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get

export class FilterSyntaxError extends Error {}

type Literal = string | number | boolean | null;
export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'cmp'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; path: string[]; value: Literal }
  | { kind: 'fn'; name: 'startswith' | 'endswith' | 'contains'; path: string[]; value: string }
  | { kind: 'lambda'; quantifier: 'any' | 'all'; path: string[]; variable: string; body: FilterNode }
  | { kind: 'bool'; path: string[] };

type Token = { t: 'ident' | 'str' | 'num' | 'punct'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterSyntaxError('Unterminated string literal');
        if (src[i] === "'") {
          if (src[i + 1] === "'") { s += "'"; i += 2; continue; }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ t: 'str', v: s });
      continue;
    }
    if ('()/:,'.includes(c)) { out.push({ t: 'punct', v: c }); i++; continue; }
    // Unquoted date-times (2026-01-01T00:00:00Z) and numbers.
    const dt = /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?/.exec(src.slice(i));
    if (dt && dt[0].length > 4) { out.push({ t: 'str', v: dt[0] }); i += dt[0].length; continue; }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) { out.push({ t: 'num', v: num[0] }); i += num[0].length; continue; }
    const id = /^[A-Za-z_@$][A-Za-z0-9_.@$]*/.exec(src.slice(i));
    if (id) { out.push({ t: 'ident', v: id[0] }); i += id[0].length; continue; }
    throw new FilterSyntaxError(`Unexpected character '${c}'`);
  }
  return out;
}

const CMP_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(src: string): FilterNode {
  const toks = tokenize(src);
  let pos = 0;
  const peek = () => toks[pos];
  const next = () => {
    const tok = toks[pos++];
    if (!tok) throw new FilterSyntaxError('Unexpected end of filter');
    return tok;
  };
  const expectPunct = (v: string) => {
    const tok = next();
    if (tok.t !== 'punct' || tok.v !== v) throw new FilterSyntaxError(`Expected '${v}'`);
  };
  const isWord = (tok: Token | undefined, w: string) => tok?.t === 'ident' && tok.v.toLowerCase() === w;

  function parseOr(): FilterNode {
    let left = parseAnd();
    while (isWord(peek(), 'or')) { pos++; left = { kind: 'or', left, right: parseAnd() }; }
    return left;
  }
  function parseAnd(): FilterNode {
    let left = parseUnary();
    while (isWord(peek(), 'and')) { pos++; left = { kind: 'and', left, right: parseUnary() }; }
    return left;
  }
  function parseUnary(): FilterNode {
    if (isWord(peek(), 'not')) { pos++; return { kind: 'not', operand: parseUnary() }; }
    return parsePrimary();
  }
  function parseLiteral(): Literal {
    const tok = next();
    if (tok.t === 'str') return tok.v;
    if (tok.t === 'num') return Number(tok.v);
    if (tok.t === 'ident') {
      const w = tok.v.toLowerCase();
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
    }
    throw new FilterSyntaxError(`Expected a literal, found '${tok.v}'`);
  }
  function parsePath(first: string): { path: string[]; lambda?: 'any' | 'all' } {
    const path = [first];
    while (peek()?.t === 'punct' && peek()!.v === '/') {
      pos++;
      const seg = next();
      if (seg.t !== 'ident') throw new FilterSyntaxError('Expected a property name after /');
      const lower = seg.v.toLowerCase();
      if ((lower === 'any' || lower === 'all') && peek()?.v === '(') return { path, lambda: lower };
      path.push(seg.v);
    }
    return { path };
  }
  function parsePrimary(): FilterNode {
    const tok = next();
    if (tok.t === 'punct' && tok.v === '(') {
      const inner = parseOr();
      expectPunct(')');
      return inner;
    }
    if (tok.t !== 'ident') throw new FilterSyntaxError(`Unexpected '${tok.v}'`);
    const lower = tok.v.toLowerCase();
    if ((lower === 'startswith' || lower === 'endswith' || lower === 'contains') && peek()?.v === '(') {
      pos++;
      const first = next();
      if (first.t !== 'ident') throw new FilterSyntaxError(`${lower} expects a property first`);
      const { path } = parsePath(first.v);
      expectPunct(',');
      const value = parseLiteral();
      expectPunct(')');
      if (typeof value !== 'string') throw new FilterSyntaxError(`${lower} expects a string`);
      return { kind: 'fn', name: lower, path, value };
    }
    const { path, lambda } = parsePath(tok.v);
    if (lambda) {
      expectPunct('(');
      const variable = next();
      if (variable.t !== 'ident') throw new FilterSyntaxError('Expected a lambda variable');
      expectPunct(':');
      const body = parseOr();
      expectPunct(')');
      return { kind: 'lambda', quantifier: lambda, path, variable: variable.v, body };
    }
    const op = peek();
    if (op?.t === 'ident' && CMP_OPS.has(op.v.toLowerCase())) {
      pos++;
      return { kind: 'cmp', op: op.v.toLowerCase() as 'eq', path, value: parseLiteral() };
    }
    return { kind: 'bool', path };
  }

  const node = parseOr();
  if (pos !== toks.length) throw new FilterSyntaxError(`Unexpected '${toks[pos]!.v}'`);
  return node;
}

type Scope = Record<string, unknown>;

function resolvePath(root: unknown, path: string[], scope: Scope): unknown {
  let cur: unknown;
  let rest = path;
  if (path[0] !== undefined && Object.prototype.hasOwnProperty.call(scope, path[0])) {
    cur = scope[path[0]];
    rest = path.slice(1);
  } else {
    cur = root;
  }
  for (const seg of rest) {
    if (cur == null || typeof cur !== 'object') return undefined;
    const obj = cur as Record<string, unknown>;
    // Property names are case-insensitive in Outlook's OData.
    const key = Object.prototype.hasOwnProperty.call(obj, seg) ? seg : Object.keys(obj).find((k) => k.toLowerCase() === seg.toLowerCase());
    cur = key === undefined ? undefined : obj[key];
  }
  return cur;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}(T|$)/;

function asInstant(v: unknown): number | null {
  if (typeof v !== 'string' || !DATE_RE.test(v)) return null;
  // Wall times without an offset in filters are read as UTC (Graph's default for dateTime).
  const s = /[zZ]|[+-]\d{2}:\d{2}$/.test(v) ? v : `${v.replace(/(\.\d{3})\d+$/, '$1')}Z`;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

function compare(a: unknown, b: Literal): number | null {
  if (a === undefined) a = null;
  if (a === null || b === null) return a === b ? 0 : null;
  const ai = asInstant(a);
  const bi = asInstant(b);
  if (ai !== null && bi !== null) return ai - bi;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : null;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return String(a) === String(b) ? 0 : null;
}

export function evaluateFilter(node: FilterNode, item: unknown, scope: Scope = {}): boolean {
  switch (node.kind) {
    case 'and': return evaluateFilter(node.left, item, scope) && evaluateFilter(node.right, item, scope);
    case 'or': return evaluateFilter(node.left, item, scope) || evaluateFilter(node.right, item, scope);
    case 'not': return !evaluateFilter(node.operand, item, scope);
    case 'bool': return resolvePath(item, node.path, scope) === true;
    case 'fn': {
      const v = resolvePath(item, node.path, scope);
      if (typeof v !== 'string') return false;
      const a = v.toLowerCase();
      const b = node.value.toLowerCase();
      return node.name === 'startswith' ? a.startsWith(b) : node.name === 'endswith' ? a.endsWith(b) : a.includes(b);
    }
    case 'cmp': {
      const c = compare(resolvePath(item, node.path, scope), node.value);
      switch (node.op) {
        case 'eq': return c === 0;
        case 'ne': return c !== 0;
        case 'gt': return c !== null && c > 0;
        case 'ge': return c !== null && c >= 0;
        case 'lt': return c !== null && c < 0;
        case 'le': return c !== null && c <= 0;
      }
      return false;
    }
    case 'lambda': {
      const coll = resolvePath(item, node.path, scope);
      const arr = Array.isArray(coll) ? coll : [];
      const test = (el: unknown) => evaluateFilter(node.body, item, { ...scope, [node.variable]: el });
      return node.quantifier === 'any' ? arr.some(test) : arr.every(test);
    }
  }
}

/** Top-level property names a filter touches; lets callers compute only what is needed. */
export function filterMentions(node: FilterNode, name: string): boolean {
  const n = name.toLowerCase();
  switch (node.kind) {
    case 'and': case 'or': return filterMentions(node.left, name) || filterMentions(node.right, name);
    case 'not': return filterMentions(node.operand, name);
    case 'lambda': return node.path[0]?.toLowerCase() === n || filterMentions(node.body, name);
    default: return node.path[0]?.toLowerCase() === n;
  }
}
