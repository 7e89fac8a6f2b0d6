/**
 * A small OData v4 `$filter` / `$orderby` evaluator for the subset Outlook supports
 * (comparisons, and/or/not, parentheses, `any` lambdas over collections, `startswith`, `contains`).
 * Objects are Graph JSON; paths use `/` (e.g. `from/emailAddress/address`).
 * Exported for the calendar module (`singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')`).
 */
import { GraphError } from './contracts.ts';

type Node =
  | { t: 'and' | 'or'; a: Node; b: Node }
  | { t: 'not'; a: Node }
  | { t: 'cmp'; op: string; l: Operand; r: Operand }
  | { t: 'any'; path: string; v: string; body: Node | null }
  | { t: 'call'; fn: string; args: Operand[] }
  | { t: 'bool'; o: Operand };

type Operand = { k: 'path'; p: string } | { k: 'lit'; v: unknown } | { k: 'node'; n: Node };

const tokenRe = /\s*(\(|\)|,|:|'(?:[^']|'')*'|[A-Za-z_][\w./@#-]*(?:\/[A-Za-z_][\w.@#-]*)*|-?\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?|-?\d+(?:\.\d+)?)/y;

function tokenize(s: string): string[] {
  const out: string[] = [];
  tokenRe.lastIndex = 0;
  let i = 0;
  while (i < s.length) {
    if (/\s/.test(s[i])) {
      i++;
      continue;
    }
    tokenRe.lastIndex = i;
    const m = tokenRe.exec(s);
    if (!m) throw new GraphError(400, 'BadRequest', `Invalid filter clause: syntax error at position ${i} in '${s}'.`);
    out.push(m[1]);
    i = tokenRe.lastIndex;
  }
  return out;
}

const ops = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(src: string): Node {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const next = () => toks[i++];
  const expect = (t: string) => {
    if (toks[i]?.toLowerCase() !== t) throw new GraphError(400, 'BadRequest', `Invalid filter clause: expected '${t}' in '${src}'.`);
    i++;
  };
  function orExpr(): Node {
    let a = andExpr();
    while (peek()?.toLowerCase() === 'or') {
      next();
      a = { t: 'or', a, b: andExpr() };
    }
    return a;
  }
  function andExpr(): Node {
    let a = unary();
    while (peek()?.toLowerCase() === 'and') {
      next();
      a = { t: 'and', a, b: unary() };
    }
    return a;
  }
  function unary(): Node {
    if (peek()?.toLowerCase() === 'not') {
      next();
      return { t: 'not', a: unary() };
    }
    return comparison();
  }
  function comparison(): Node {
    const l = operand();
    const op = peek()?.toLowerCase();
    if (op && ops.has(op)) {
      next();
      return { t: 'cmp', op, l, r: operand() };
    }
    if (l.k === 'node') return l.n;
    return { t: 'bool', o: l };
  }
  function operand(): Operand {
    const t = next();
    if (t === undefined) throw new GraphError(400, 'BadRequest', `Invalid filter clause: unexpected end of '${src}'.`);
    if (t === '(') {
      const n = orExpr();
      expect(')');
      return { k: 'node', n };
    }
    if (t.startsWith("'")) return { k: 'lit', v: t.slice(1, -1).replace(/''/g, "'") };
    if (/^-?\d{4}-\d{2}-\d{2}T/.test(t)) return { k: 'lit', v: new Date(t) };
    if (/^-?\d/.test(t)) return { k: 'lit', v: Number(t) };
    const lower = t.toLowerCase();
    if (lower === 'true' || lower === 'false') return { k: 'lit', v: lower === 'true' };
    if (lower === 'null') return { k: 'lit', v: null };
    if (peek() === '(') {
      // lambda: path/any(v: body) or function call
      const m = /^(.*)\/(any|all)$/i.exec(t);
      next();
      if (m) {
        if (peek() === ')') {
          next();
          return { k: 'node', n: { t: 'any', path: m[1], v: '', body: null } };
        }
        const v = next();
        expect(':');
        const body = orExpr();
        expect(')');
        return { k: 'node', n: { t: 'any', path: m[1], v, body } };
      }
      const args: Operand[] = [];
      while (peek() !== ')') {
        args.push(operand());
        if (peek() === ',') next();
        else if (peek() !== ')') throw new GraphError(400, 'BadRequest', `Invalid filter clause in '${src}'.`);
      }
      next();
      return { k: 'node', n: { t: 'call', fn: lower, args } };
    }
    return { k: 'path', p: t };
  }
  const n = orExpr();
  if (i < toks.length) throw new GraphError(400, 'BadRequest', `Invalid filter clause: unexpected '${toks[i]}' in '${src}'.`);
  return n;
}

function getPath(obj: unknown, path: string, scope: Map<string, unknown>): unknown {
  const parts = path.split('/');
  let cur: unknown;
  if (scope.has(parts[0])) {
    cur = scope.get(parts[0]);
    parts.shift();
  } else cur = obj;
  for (const p of parts) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    const rec = cur as Record<string, unknown>;
    if (p in rec) cur = rec[p];
    else {
      const k = Object.keys(rec).find((x) => x.toLowerCase() === p.toLowerCase());
      cur = k === undefined ? undefined : rec[k];
    }
  }
  return cur;
}

function value(o: Operand, obj: unknown, scope: Map<string, unknown>): unknown {
  if (o.k === 'lit') return o.v;
  if (o.k === 'path') return getPath(obj, o.p, scope);
  return evalNode(o.n, obj, scope);
}

function norm(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) {
    const t = Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(v) ? v : v + 'Z');
    if (!Number.isNaN(t)) return t;
  }
  if (typeof v === 'string') return v.toLowerCase();
  return v;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const x = norm(a);
  const y = norm(b);
  switch (op) {
    case 'eq': return x === y || (x == null && y == null);
    case 'ne': return !(x === y || (x == null && y == null));
  }
  if (x == null || y == null) return false;
  switch (op) {
    case 'gt': return (x as number) > (y as number);
    case 'ge': return (x as number) >= (y as number);
    case 'lt': return (x as number) < (y as number);
    case 'le': return (x as number) <= (y as number);
  }
  return false;
}

function evalNode(n: Node, obj: unknown, scope: Map<string, unknown>): boolean {
  switch (n.t) {
    case 'and': return evalNode(n.a, obj, scope) && evalNode(n.b, obj, scope);
    case 'or': return evalNode(n.a, obj, scope) || evalNode(n.b, obj, scope);
    case 'not': return !evalNode(n.a, obj, scope);
    case 'cmp': return compare(n.op, value(n.l, obj, scope), value(n.r, obj, scope));
    case 'bool': return value(n.o, obj, scope) === true;
    case 'any': {
      const coll = getPath(obj, n.path, scope);
      if (!Array.isArray(coll)) return false;
      if (!n.body) return coll.length > 0;
      return coll.some((item) => {
        const s = new Map(scope);
        s.set(n.v, item);
        return evalNode(n.body!, obj, s);
      });
    }
    case 'call': {
      const args = n.args.map((a) => value(a, obj, scope));
      const s = typeof args[0] === 'string' ? args[0].toLowerCase() : '';
      const t = typeof args[1] === 'string' ? args[1].toLowerCase() : '';
      if (n.fn === 'startswith') return s.startsWith(t);
      if (n.fn === 'endswith') return s.endsWith(t);
      if (n.fn === 'contains') return s.includes(t);
      throw new GraphError(400, 'BadRequest', `Invalid filter clause: unsupported function '${n.fn}'.`);
    }
  }
}

export type Filter = (obj: unknown) => boolean;

export function compileFilter(src: string | null | undefined): Filter | undefined {
  if (!src) return undefined;
  const ast = parseFilter(src);
  return (obj) => evalNode(ast, obj, new Map());
}

/** `$orderby=a desc,b` → comparator over Graph JSON objects. */
export function compileOrderBy(src: string | null | undefined): ((a: unknown, b: unknown) => number) | undefined {
  if (!src) return undefined;
  const keys = src.split(',').map((k) => {
    const [path, dir] = k.trim().split(/\s+/);
    return { path, desc: dir?.toLowerCase() === 'desc' };
  });
  return (a, b) => {
    for (const k of keys) {
      const x = norm(getPath(a, k.path, new Map())) as number | string | undefined;
      const y = norm(getPath(b, k.path, new Map())) as number | string | undefined;
      if (x === y) continue;
      if (x === undefined || x === null) return k.desc ? 1 : -1;
      if (y === undefined || y === null) return k.desc ? -1 : 1;
      const c = x < y ? -1 : 1;
      return k.desc ? -c : c;
    }
    return 0;
  };
}
