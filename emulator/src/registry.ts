/** Route tables for Graph (`/v1.0/...`) and admin (`/_emulator/...`) paths. */
import type { AdminRouteDef, RouteDef } from './contracts.ts';

interface Compiled<D> {
  def: D;
  segments: { literal?: string; param?: string }[];
  literals: number;
}

export interface Match<D> {
  def: D;
  params: Record<string, string>;
}

function compile<D extends { pattern: string }>(def: D): Compiled<D> {
  const segments = def.pattern.split('/').filter(Boolean).map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s.toLowerCase() }));
  return { def, segments, literals: segments.filter((s) => s.literal !== undefined).length };
}

export class RouteTable<D extends { pattern: string; method: string }> {
  private bySize = new Map<number, Compiled<D>[]>();

  add(def: D): void {
    const c = compile(def);
    const list = this.bySize.get(c.segments.length) ?? [];
    list.push(c);
    // most literal first: `/messages/delta` wins over `/messages/:id`
    list.sort((a, b) => b.literals - a.literals);
    this.bySize.set(c.segments.length, list);
  }

  /** `methodMismatch` when the path matches some route but not with this method. */
  match(method: string, path: string): Match<D> | 'methodMismatch' | undefined {
    const parts = path.split('/').filter(Boolean);
    const list = this.bySize.get(parts.length);
    if (!list) return undefined;
    const lower = parts.map((p) => p.toLowerCase());
    let pathMatched = false;
    for (const c of list) {
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const s = c.segments[i];
        if (s.literal !== undefined && s.literal !== lower[i]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      pathMatched = true;
      if (c.def.method !== method) continue;
      const params: Record<string, string> = {};
      c.segments.forEach((s, i) => {
        if (s.param) params[s.param] = decodeSegment(parts[i]);
      });
      return { def: c.def, params };
    }
    return pathMatched ? 'methodMismatch' : undefined;
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class Registry {
  readonly graph = new RouteTable<RouteDef>();
  readonly admin = new RouteTable<AdminRouteDef>();
  registerRoute = (def: RouteDef): void => this.graph.add(def);
  registerAdminRoute = (def: AdminRouteDef): void => this.admin.add(def);
}
