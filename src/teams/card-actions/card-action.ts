import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { DomainError, StorageUnavailableError } from '../../domain/errors';
import { Locale, t } from '../../domain/i18n';
import { Person } from '../../domain/tickets/ticket';
import { Logger } from '../../logger';
import { AdaptiveCardJson } from '../cards/render';
import { clientLocale, personOf, tenantOf } from '../turn';

/**
 * A whole number as a card carries it: a JSON number, or a string of digits (templates bind
 * numbers either way). Anything else (an array, an object, a boolean, "12 ", "1e3") is refused;
 * `z.coerce.number()` would take `[12]` or `true` for 12 and 1.
 */
export const cardInt = (max: number, min = 1) =>
  z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,10}$/)
        .transform(Number),
    ])
    .pipe(z.number().int().min(min).max(max));

/** A ticket's number in card data. */
export const CardTicketNumber = cardInt(999_999_999);

export interface ActionTurn {
  locale: Locale;
  tenantId: string;
  actor: Person;
}

/**
 * A card returned with `refresh` makes teams-ai replace the message for everyone with an
 * `updateActivity` inside the turn, before it answers the invoke: a slow or refusing connector
 * then delays the click past Teams' 5 s, or turns a stored change into an error. The clicker
 * gets the card in the invoke's answer anyway, and every change that others must see queues a
 * durable card update in the outbox (`triage.update`, `handoff.update`), sent with retries right
 * after the turn. So that in-turn update of the clicked message is skipped (an update made on
 * purpose, of a card without `refresh`, still goes out).
 */
function answerFirst(ctx: TurnContext): void {
  const clicked = ctx.activity.replyToId;
  if (ctx.activity.name !== 'adaptiveCard/action' || !clicked) return;
  ctx.onUpdateActivity(async (_ctx, activity, next) => {
    const card = activity.attachments?.[0]?.content as { refresh?: unknown } | undefined;
    if (activity.id === clicked && card?.refresh) return undefined;
    return next();
  });
}

/**
 * Runs a card action (`adaptiveCard/action`): the clicker's language, tenant and identity come
 * from the activity; storage and domain errors become words for the clicker, never a stack trace.
 */
export async function cardAction(
  ctx: TurnContext,
  log: Logger,
  verb: string,
  run: (turn: ActionTurn) => Promise<AdaptiveCardJson | string>,
): Promise<AdaptiveCardJson | string> {
  const locale: Locale = clientLocale(ctx);
  answerFirst(ctx);
  try {
    return await run({ locale, tenantId: tenantOf(ctx.activity), actor: personOf(ctx.activity) });
  } catch (e) {
    if (e instanceof StorageUnavailableError) return t(locale, 'error.storage');
    if (e instanceof DomainError) {
      log.info({ activityId: ctx.activity.id, code: e.code, verb }, 'card action failed');
      return t(locale, 'error.expired');
    }
    throw e;
  }
}
