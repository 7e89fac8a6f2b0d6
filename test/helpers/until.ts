/**
 * Waits until `what` gives a truthy value and returns it; throws "timed out waiting" after `ms`. For
 * tests that wait on another process, a queue or a worker — never a speed assertion: pick `ms` with
 * a wide margin.
 */
export async function until<T>(what: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000, everyMs = 200): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
