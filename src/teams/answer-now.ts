import { TurnContext } from 'botbuilder';

/** Where a turn finds how to answer Teams before it ends (`answerNow`). */
export const ANSWER_NOW = Symbol('answerNow');

/**
 * Answers Teams now (200, no body) while the turn goes on: for a message whose reply is sent and
 * whose remaining work is only extras that never fail the turn (the acknowledgement's place, the
 * self-help offer). Teams waits for every answer and redelivers what it does not get in time;
 * what is left to do would not be redone by a redelivery anyway. No effect outside
 * `/api/messages` or once answered.
 */
export function answerNow(ctx: TurnContext): void {
  (ctx.turnState.get(ANSWER_NOW) as (() => void) | undefined)?.();
}
