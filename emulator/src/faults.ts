/**
 * Fault injection: rules matched against `METHOD /path` (the URL path, e.g. `POST /v1.0/users/x/sendMail`).
 */
import { newGuid } from './ids.ts';

export type FaultKind = '429' | '500' | '503' | '504' | 'reset' | 'latency' | 'hang' | 'accept-then-drop' | 'cut-body';
export const faultKinds: FaultKind[] = ['429', '500', '503', '504', 'reset', 'latency', 'hang', 'accept-then-drop', 'cut-body'];

export interface FaultRule {
  id: string;
  routePattern: string;
  rate: number;
  kind: FaultKind;
  retryAfter?: number;
  /** Send Retry-After as an HTTP date instead of seconds (RFC 9110 allows both). */
  retryAfterAsDate?: boolean;
  latencyMs?: number;
  /** Remaining number of times the rule fires; undefined = unlimited. */
  count?: number;
  fired: number;
}

export class Faults {
  private rules: (FaultRule & { re: RegExp })[] = [];

  add(input: { routePattern?: unknown; rate?: unknown; kind?: unknown; retryAfter?: unknown; retryAfterAsDate?: unknown; latencyMs?: unknown; count?: unknown }): FaultRule {
    const kind = String(input.kind) as FaultKind;
    if (!faultKinds.includes(kind)) throw new Error(`kind must be one of ${faultKinds.join(', ')}`);
    const routePattern = typeof input.routePattern === 'string' ? input.routePattern : '.*';
    const re = new RegExp(routePattern);
    const rate = input.rate === undefined ? 1 : Number(input.rate);
    if (!(rate >= 0 && rate <= 1)) throw new Error('rate must be between 0 and 1');
    const rule = {
      id: newGuid(),
      routePattern,
      rate,
      kind,
      retryAfter: input.retryAfter === undefined ? undefined : Number(input.retryAfter),
      retryAfterAsDate: input.retryAfterAsDate === true ? true : undefined,
      latencyMs: input.latencyMs === undefined ? undefined : Number(input.latencyMs),
      count: input.count === undefined ? undefined : Number(input.count),
      fired: 0,
      re,
    };
    this.rules.push(rule);
    return this.view(rule);
  }

  private view(r: FaultRule & { re: RegExp }): FaultRule {
    const { re: _re, ...rest } = r;
    return rest;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => this.view(r));
  }

  remove(id: string): boolean {
    const n = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== n;
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that fires for this request (and consumes one of its `count`). */
  pick(method: string, path: string, kinds?: FaultKind[]): FaultRule | undefined {
    if (!this.rules.length) return undefined;
    const target = `${method} ${path}`;
    for (const r of this.rules) {
      if (kinds && !kinds.includes(r.kind)) continue;
      if (r.count !== undefined && r.count <= 0) continue;
      if (!r.re.test(target)) continue;
      if (r.rate < 1 && Math.random() >= r.rate) continue;
      if (r.count !== undefined) r.count--;
      r.fired++;
      return this.view(r);
    }
    return undefined;
  }
}
