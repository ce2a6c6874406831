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
