/** Request log (ring buffer) and counters per route and per mailbox, for the admin API. */
export interface LogEntry {
  at: string;
  requestId: string;
  method: string;
  path: string;
  route?: string;
  status: number;
  mailbox?: string;
  clientId?: string;
  ms: number;
  fault?: string;
  batch?: boolean;
}

export class RequestLog {
  private entries: LogEntry[] = [];
  private next = 0;
  readonly byRoute = new Map<string, { count: number; statuses: Record<string, number> }>();
  readonly byMailbox = new Map<string, number>();
  total = 0;

  constructor(private capacity = 5000) {}

  add(e: LogEntry): void {
    this.total++;
    if (this.entries.length < this.capacity) this.entries.push(e);
    else {
      this.entries[this.next] = e;
      this.next = (this.next + 1) % this.capacity;
    }
    const key = `${e.method} ${e.route ?? e.path}`;
    let r = this.byRoute.get(key);
    if (!r) this.byRoute.set(key, (r = { count: 0, statuses: {} }));
    r.count++;
    r.statuses[e.status] = (r.statuses[e.status] ?? 0) + 1;
    if (e.mailbox) this.byMailbox.set(e.mailbox, (this.byMailbox.get(e.mailbox) ?? 0) + 1);
  }

  list(limit = 500): LogEntry[] {
    const ordered = this.entries.length < this.capacity ? this.entries : [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
    return ordered.slice(-limit);
  }

  counters(): { total: number; byRoute: Record<string, unknown>; byMailbox: Record<string, number> } {
    return { total: this.total, byRoute: Object.fromEntries(this.byRoute), byMailbox: Object.fromEntries(this.byMailbox) };
  }

  clear(): void {
    this.entries = [];
    this.next = 0;
    this.byRoute.clear();
    this.byMailbox.clear();
    this.total = 0;
  }
}
