import { describe, expect, it } from 'vitest';
import { cursorOf, requestPathOf } from './cursor-url.ts';
import { GraphCursorExpired } from './errors.ts';

const graph = 'https://graph.microsoft.com/v1.0';
const link = `${graph}/users/asb@housingorganisation.co.uk/mailFolders/inbox/messages/delta?$deltatoken=abc%3D`;

describe('delta cursors relative to the Graph base URL', () => {
  it('stores a link Graph returned as its path and query below the base URL', () => {
    expect(cursorOf(graph, link)).toBe('/users/asb@housingorganisation.co.uk/mailFolders/inbox/messages/delta?$deltatoken=abc%3D');
    expect(cursorOf('https://localhost:4555/v1.0/', 'https://localhost:4555/v1.0/users/x/calendarView/delta?$skiptoken=1')).toBe('/users/x/calendarView/delta?$skiptoken=1');
    expect(cursorOf(graph, 'https://GRAPH.microsoft.com:443/v1.0/users/x/delta')).toBe('/users/x/delta');
  });

  it('cuts a link on another host (a proxy in GRAPH_BASE_URL) after the API version', () => {
    expect(cursorOf('https://proxy.example.org/graph/v1.0', link)).toBe('/users/asb@housingorganisation.co.uk/mailFolders/inbox/messages/delta?$deltatoken=abc%3D');
  });

  it('puts a relative cursor under whatever the base URL is now', () => {
    const stored = cursorOf('https://localhost:4555/v1.0', 'https://localhost:4555/v1.0/users/x/messages/delta?$deltatoken=t');
    expect(requestPathOf('https://localhost:4999/v1.0', stored)).toBe('/users/x/messages/delta?$deltatoken=t');
  });

  it('uses an absolute cursor stored before the rule when it lies below the current base URL', () => {
    expect(requestPathOf(graph, link)).toBe('/users/asb@housingorganisation.co.uk/mailFolders/inbox/messages/delta?$deltatoken=abc%3D');
  });

  it('answers an absolute cursor under another address (the emulator port of the last start) with an expired cursor, so the sync starts over', () => {
    const old = 'https://localhost:41234/v1.0/users/x/messages/delta?$deltatoken=t';
    expect(() => requestPathOf('https://localhost:43321/v1.0', old)).toThrow(GraphCursorExpired);
    expect(() => requestPathOf(graph, 'https://graph.microsoft.com/beta/users/x/delta')).toThrow(GraphCursorExpired);
  });
});
