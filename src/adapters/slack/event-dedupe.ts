import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../logger.js';
import type { Store } from '../../store/redis.js';

/** Slack re-delivers an event up to 3 times over about 5 minutes; an hour covers that with room. */
const EVENT_MEMORY_SECONDS = 3600;

/**
 * Global middleware: an Events API delivery whose `event_id` was seen before (Slack's retry after
 * a slow ack, `x-slack-retry-num` ≥ 1, or the same event over a second connection) is dropped, so
 * a DM is answered once. Bolt has already acknowledged it. If Redis cannot say, the event is handled:
 * a duplicate answer is better than none (over HTTP, the request guard has already refused requests
 * it could not check, so this only happens in Socket Mode).
 */
export function onceByEventId(store: Store, log: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId =
      (body as { type?: unknown; event_id?: unknown }).type === 'event_callback' ? (body as { event_id?: unknown }).event_id : undefined;
    if (typeof eventId === 'string') {
      const first = await store.claimOnce(`slack:event:${eventId}`, EVENT_MEMORY_SECONDS).catch((error: unknown) => {
        log.warn({ err: error, eventId }, 'cannot check whether a Slack event was handled before; handling it');
        return true;
      });
      if (!first) {
        log.info({ eventId }, 'ignored a Slack event delivered again');
        return;
      }
    }
    await next();
  };
}
