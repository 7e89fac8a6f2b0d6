// Issue 14 §13: Graph answers are read under a cap, never whole without bound. A JSON answer over the
// cap fails as GraphPermanent (code responseTooLarge) after reading at most the cap — declared by
// Content-Length or streamed without one — and an error body is read only in part.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphTransport } from '../../src/adapters/graph/transport.ts';
import { GraphPermanent } from '../../src/app/ports/graph-errors.ts';

let server: http.Server;
let base: string;
let streamedBytes = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/declared') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
      res.write('{"value":"');
      return; // never sends the rest: a client that waited for it all would hang
    }
    if (req.url === '/streamed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (streamedBytes < 200 * 1024 * 1024) {
          streamedBytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
      return;
    }
    if (req.url === '/error') {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'ErrorInvalidRequest', message: 'x'.repeat(1024 * 1024) } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const transport = () => new GraphTransport({ baseUrl: base, token: async () => 't', maxResponseBytes: 1024 * 1024, maxRetries: 0 });

describe('Graph transport response cap', () => {
  it('reads a small answer', async () => {
    expect((await transport().json({ method: 'GET', path: '/ok' })).body).toEqual({ ok: true });
  });

  it('refuses an answer declared over the cap without reading it', async () => {
    const err = await transport().json({ method: 'GET', path: '/declared' }).catch((e) => e);
    expect(err).toBeInstanceOf(GraphPermanent);
    expect(err.graphCode).toBe('responseTooLarge');
  });

  it('stops reading a streamed answer at the cap', async () => {
    const err = await transport().json({ method: 'GET', path: '/streamed' }).catch((e) => e);
    expect(err).toBeInstanceOf(GraphPermanent);
    expect(err.graphCode).toBe('responseTooLarge');
    // the server could not push much past the cap before the client hung up (socket buffers aside)
    expect(streamedBytes).toBeLessThan(50 * 1024 * 1024);
  });

  it('reads only the start of an over-long error body, and still reports the error', async () => {
    const err = await transport().json({ method: 'GET', path: '/error' }).catch((e) => e);
    expect(err).toBeInstanceOf(GraphPermanent);
    expect(err.status).toBe(400);
  });
});
