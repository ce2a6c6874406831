import { TurnContext } from 'botbuilder';
import { Locale } from '../../domain/i18n';
import { matchPlaybook, shippedPlaybooks, stepsIn } from '../../domain/kb/playbook';
import { Ticket } from '../../domain/tickets/ticket';
import { Logger } from '../../logger';
import { asAttachment } from '../cards/render';
import { stepsCard } from '../cards/steps.card';
import { AfterAnswer } from '../later';

/**
 * Right after intake (spec 3.2): when a self-help playbook matches the request, its steps are
 * offered while the ticket waits for an agent. "It works now" closes the ticket as self-service.
 */
export function selfHelpCard(locale: Locale, ticket: Ticket) {
  const match = matchPlaybook(
    shippedPlaybooks(),
    `${ticket.title}\n${ticket.description}`,
    ticket.category,
  );
  if (!match?.playbook.selfHelp) return undefined;
  return stepsCard(locale, ticket, {
    source: 'self',
    playbook: match.playbook.id,
    title: match.playbook.title[locale],
    steps: stepsIn(match.playbook, locale),
  });
}

/**
 * Sends the offer after the acknowledgement; a failure only loses the offer, never the ticket.
 * With `after`, while the server is busy answering Teams, the offer is matched and sent after the
 * answers instead of in this turn.
 */
export async function offerSelfHelp(
  ctx: TurnContext,
  locale: Locale,
  ticket: Ticket,
  log: Logger,
  after?: AfterAnswer,
): Promise<void> {
  const send = async (turn: TurnContext) => {
    const card = selfHelpCard(locale, ticket);
    if (!card) return;
    await turn.sendActivity({ attachments: [asAttachment(card)] }).catch((e) => {
      log.warn(
        { ticket: ticket.trackingId, err: (e as Error).message },
        'self-help offer not sent',
      );
    });
  };
  if (after?.busy()) void after.run(ctx.activity, 'self-help', send);
  else await send(ctx);
}
