/**
 * Each KRaft broker applies a new topic from the metadata log on its own, and kafkajs asks
 * whichever broker it picks: right after a topic is created, one broker may list it while the
 * next answers UNKNOWN_TOPIC_OR_PARTITION. Tests that inspect a new topic wait for that.
 */

/** Retries `check` (false or a throw is "not yet") every 100 ms for up to `ms`. */
export async function untilBrokersAgree(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${ms / 1000} s${last ? ` (last error: ${String(last)})` : ''}`);
}
