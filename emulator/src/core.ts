/**
 * The running emulator's parts, wired together: state, clock, routes, tokens, throttling, faults,
 * request log, change feed and persistence. The HTTPS server (server.ts) and the SMTP door
 * (smtp.ts) are thin edges around it.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import type { ChangeEvent, EmulatorState, HttpPostResult, ModuleHost, OutgoingMessage, UserState } from './contracts.ts';
import { createClock } from './clock.ts';
import { Faults } from './faults.ts';
import { Identity } from './identity/routes.ts';
import { TokenService } from './identity/tokens.ts';
import { Registry } from './registry.ts';
import { RequestLog } from './requestLog.ts';
import { createUser, readSeed, stateFromSeed, type Seed } from './state.ts';
import { defaultThrottle, Throttle, type ThrottleOptions } from './throttle.ts';
import { sendMailInternal } from './mail/send.ts';
import { AttachmentContent } from './mail/content.ts';
import { defaultMailLimits, type MailLimits } from './mail/limits.ts';
import { tmpdir } from 'node:os';

export interface CoreOptions {
  seed: Seed;
  stateDir?: string;
  throttle?: Partial<ThrottleOptions>;
  notificationsAllowHttp?: boolean;
  signingKeyPem: string;
  origin: string;
  quiet?: boolean;
  /** Where large attachment content is kept (default `<stateDir>/attachments`, else a temporary one). */
  attachmentDir?: string;
  /** Exchange's limits on outbound mail (mail/limits.ts); defaults are the documented ones. */
  mailLimits?: Partial<MailLimits>;
}

export class Core {
  state: EmulatorState;
  readonly clock: ReturnType<typeof createClock>;
  readonly registry = new Registry();
  readonly throttle: Throttle;
  readonly faults = new Faults();
  readonly requestLog = new RequestLog();
  readonly tokens: TokenService;
  readonly identity: Identity;
  readonly origin: string;
  readonly graphBaseUrl: string;
  readonly host: ModuleHost;
  /** Secret for delta/skip tokens (derived from the signing key, so tokens survive restarts). */
  readonly tokenSecret: Buffer;
  /** Upload sessions (runtime only: real sessions also die with their server-side state). */
  readonly uploads = new Map<string, import('./mail/upload.ts').UploadSession>();
  /** Large attachment bytes on disk (mail/content.ts). */
  readonly content: AttachmentContent;
  /** Message size limit, upload session minimum, Sent Items delay (mail/limits.ts). */
  readonly mailLimits: MailLimits;
  /** Known Graph behaviours switched on for tests (mail/delta.ts DeltaQuirks; runtime only). */
  readonly quirks = { deltaMissesReturnedWithImmutableIds: false };
  /** Sends waiting out `sentItemsDelayMs` (runtime only). */
  readonly pendingSends = new Set<NodeJS.Timeout>();

  private changeListeners = new Set<(c: ChangeEvent) => void>();
  private userCreatedListeners: ((u: UserState, s: EmulatorState) => void)[] = [];
  private stateReplacedListeners: ((s: EmulatorState) => void)[] = [];
  private saveTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private lastSaveMs = 0;
  readonly seed: Seed;

  constructor(private options: CoreOptions) {
    this.seed = options.seed;
    this.origin = options.origin;
    this.graphBaseUrl = `${options.origin}/v1.0`;
    this.mailLimits = { ...defaultMailLimits, ...options.mailLimits };
    this.content = new AttachmentContent(options.attachmentDir ?? join(options.stateDir ?? join(tmpdir(), `graph-emulator-content-${process.pid}`), 'attachments'));
    const loaded = this.loadSnapshot();
    this.state = loaded ?? stateFromSeed(options.seed);
    this.clock = createClock(this.state.clockOffsetMs, (off) => {
      this.state.clockOffsetMs = off;
      this.markDirty();
    });
    this.throttle = new Throttle({ ...defaultThrottle, ...options.throttle }, () => this.clock.nowMs());
    this.tokens = new TokenService(options.signingKeyPem, this.clock);
    this.tokenSecret = createHmac('sha256', options.signingKeyPem).update('delta-tokens').digest();
    this.identity = new Identity({ state: () => this.state, origin: this.origin, tokens: this.tokens, nowMs: () => this.clock.nowMs() });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the host object outlives this constructor; a name reads clearer than this in its arrows
    const core = this;
    this.host = {
      registerRoute: this.registry.registerRoute,
      registerAdminRoute: this.registry.registerAdminRoute,
      getState: () => core.state,
      onUserCreated: (l) => void core.userCreatedListeners.push(l),
      onStateReplaced: (l) => void core.stateReplacedListeners.push(l),
      onChange: (l) => {
        core.changeListeners.add(l);
        return () => core.changeListeners.delete(l);
      },
      emit: (c) => core.emit(c),
      markDirty: () => core.markDirty(),
      clock: this.clock,
      graphBaseUrl: () => core.graphBaseUrl,
      sendMailInternal: (fromUserId: string, message: OutgoingMessage, opts?: { saveToSentItems?: boolean }) => sendMailInternal(core, fromUserId, message, opts),
      httpPost: (url, body, opts) => httpPost(url, body, opts),
      options: { notificationsAllowHttp: options.notificationsAllowHttp ?? false },
      log: (msg, fields) => core.log(msg, fields),
    };
    this.freshLoad = !loaded;
  }

  /** True when the state came from the seed (not a snapshot): modules must initialise users. */
  readonly freshLoad: boolean;

  /** After modules registered: let them initialise users (fresh state) or re-attach to a loaded one. */
  announceState(fresh: boolean): void {
    if (fresh) for (const u of Object.values(this.state.users)) this.notifyUserCreated(u);
    for (const l of this.stateReplacedListeners) l(this.state);
  }

  notifyUserCreated(u: UserState): void {
    for (const l of this.userCreatedListeners) {
      try {
        l(u, this.state);
      } catch (e) {
        this.log(`onUserCreated listener failed: ${(e as Error).message}`);
      }
    }
  }

  addUser(seedUser: Seed['users'][number]): UserState {
    const u = createUser(seedUser);
    this.state.users[u.id] = u;
    this.notifyUserCreated(u);
    this.markDirty();
    return u;
  }

  /** Replace the whole tenant (admin reset / seed). */
  replaceState(seed: Seed): void {
    const offset = this.state.clockOffsetMs;
    const keepIds = new Map<string, string>([['#tenant', this.state.tenant.id]]);
    for (const u of Object.values(this.state.users)) keepIds.set(u.userPrincipalName.toLowerCase(), u.id);
    this.state = stateFromSeed(readSeed(seed), keepIds);
    this.state.clockOffsetMs = offset;
    this.throttle.reset();
    for (const u of this.uploads.values()) u.file.abort();
    this.uploads.clear();
    this.announceState(true);
    this.markDirty();
  }

  emit(c: ChangeEvent): void {
    this.markDirty();
    for (const l of this.changeListeners) {
      try {
        l(c);
      } catch (e) {
        this.log(`change listener failed: ${(e as Error).message}`);
      }
    }
  }

  log(msg: string, fields?: Record<string, unknown>): void {
    if (this.options.quiet) return;
    process.stderr.write(`[graph-emulator] ${msg}${fields ? ' ' + JSON.stringify(fields) : ''}\n`);
  }

  // ─── persistence ───
  private snapshotPath(): string | undefined {
    return this.options.stateDir ? join(this.options.stateDir, 'state.json') : undefined;
  }

  private loadSnapshot(): EmulatorState | undefined {
    const p = this.snapshotPath();
    if (!p || !existsSync(p)) return undefined;
    try {
      const s = JSON.parse(readFileSync(p, 'utf8')) as EmulatorState;
      if (s.version !== 1) return undefined;
      return s;
    } catch (e) {
      process.stderr.write(`[graph-emulator] ignoring unreadable ${p}: ${(e as Error).message}\n`);
      return undefined;
    }
  }

  markDirty(): void {
    if (!this.options.stateDir) return;
    this.dirty = true;
    if (this.saveTimer) return;
    // a big tenant takes a while to serialise: never spend more than ~10% of the time saving
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveNow();
    }, Math.max(250, this.lastSaveMs * 10));
    this.saveTimer.unref();
  }

  saveNow(): void {
    const p = this.snapshotPath();
    if (!p || !this.dirty) return;
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    this.dirty = false;
    const started = performance.now();
    mkdirSync(this.options.stateDir!, { recursive: true });
    const tmp = p + '.tmp';
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, p);
    this.lastSaveMs = performance.now() - started;
  }
}

/** POST helper for notifications: http or https (self-signed accepted), loopback included. */
export function httpPost(url: string, body: string, opts: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<HttpPostResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...opts.headers },
        rejectUnauthorized: false,
        timeout: opts.timeoutMs ?? 10_000,
      } as https.RequestOptions,
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
