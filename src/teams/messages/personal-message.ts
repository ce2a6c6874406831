import { randomUUID } from 'node:crypto';
import { TurnContext } from 'botbuilder';
import { DeliveryError, StorageUnavailableError } from '../../domain/errors';
import { Locale, t } from '../../domain/i18n';
import { Intent, parseIntent } from '../../domain/intake/intent';
import { OPEN_STATUSES } from '../../domain/tickets/ticket';
import { formatTrackingId } from '../../domain/tickets/tracking-number';
import { Logger } from '../../logger';
import { IntakeService } from '../../services/intake.service';
import {
  ProfileChange,
  UserContext,
  UserRepository,
  profileChange,
} from '../../storage/user.repository';
import { TicketAttachment } from '../../domain/tickets/ticket';
import { DirectoryLearner } from '../directory';
import { AfterAnswer } from '../later';
import { chatAttachments } from './chat-attachments';
import { intakeChoiceCard } from '../cards/intake-choice.card';
import { asAttachment } from '../cards/render';
import { ticketFormCard } from '../cards/ticket-form.card';
import { ticketListCard } from '../cards/ticket-list.card';
import { ticketRequesterCard } from '../cards/ticket-requester.card';
import { welcomeCard } from '../cards/welcome.card';
import { answerNow } from '../answer-now';
import { offerSelfHelp } from './self-help';
import { activityKey, clientLocale, conversationRefOf, personOf, tenantOf } from '../turn';

export interface PersonalDeps {
  intake: IntakeService;
  users: UserRepository;
  trackingPrefix: string;
  log: Logger;
  /** fills the e-mail → person index as people write to the bot (log call finds them there) */
  directory?: DirectoryLearner;
  /** sends the extras (the self-help offer) after the answers while the server is busy */
  later?: AfterAnswer;
}

/** A message in the 1:1 chat: a command of the contract, or a problem that becomes a ticket. */
export async function handlePersonalMessage(ctx: TurnContext, deps: PersonalDeps): Promise<void> {
  const activity = ctx.activity;
  const tenantId = tenantOf(activity);
  const who = personOf(activity);
  const attachments = chatAttachments(activity.attachments);
  let intent = parseIntent(activity.text ?? '', deps.trackingPrefix);
  // Only a file or a screenshot, no words: the request is the files.
  if (intent.kind === 'empty' && attachments.length > 0) {
    intent = { kind: 'freeText', text: attachments.map((a) => a.name).join('\n') };
  }
  const replyKey = intent.kind === 'freeText' ? activityKey(activity) : undefined;
  let locale = clientLocale(ctx);
  try {
    // A message that may become a ticket reads the index only when the person has open tickets.
    const user = await deps.intake.context(tenantId, who.id, replyKey, intent.kind === 'freeText');
    locale = clientLocale(ctx, user.profile?.language);
    const profile = profileChange(tenantId, who.id, user.profile, {
      name: who.name,
      conversation: conversationRefOf(activity),
      clientLocale: clientLocale(ctx),
    });
    // A new ticket writes the profile with its index row (one round trip less); else now.
    const creates = intent.kind === 'freeText' && !user.claim && !hasOpen(user);
    if (profile && !creates) await deps.users.writeProfile(profile);
    await respond(
      ctx,
      deps,
      intent,
      user,
      locale,
      replyKey,
      attachments,
      creates ? profile : undefined,
    );
    // After the answer: the person's e-mail addresses, when not known yet (or a month old).
    deps.directory?.learnAfter(activity, tenantId, who, user.profile, clientLocale(ctx));
  } catch (e) {
    if (e instanceof StorageUnavailableError) {
      deps.log.warn({ activityId: activity.id, code: e.code }, 'storage unavailable');
      await ctx.sendActivity(t(locale, 'error.storage'));
      return;
    }
    throw e;
  }
}

async function respond(
  ctx: TurnContext,
  deps: PersonalDeps,
  intent: Intent,
  user: UserContext,
  locale: Locale,
  replyKey: string | undefined,
  attachments: TicketAttachment[],
  profile?: ProfileChange,
): Promise<void> {
  const tenantId = tenantOf(ctx.activity);
  const who = personOf(ctx.activity);
  switch (intent.kind) {
    case 'empty':
    case 'welcome':
      await ctx.sendActivity({ attachments: [asAttachment(welcomeCard(locale, who.name))] });
      return;
    case 'newTicketForm':
      await ctx.sendActivity({
        attachments: [asAttachment(ticketFormCard(locale, randomUUID().replace(/-/g, '')))],
      });
      return;
    case 'myTickets': {
      const { open, recent } = await deps.intake.listForRequester(tenantId, who.id, user);
      await ctx.sendActivity({ attachments: [asAttachment(ticketListCard(locale, open, recent))] });
      return;
    }
    case 'status': {
      if (intent.number === undefined) {
        await ctx.sendActivity(t(locale, 'status.usage'));
        return;
      }
      const found = await deps.intake.getForRequester(tenantId, who.id, intent.number);
      if (!found) {
        const trackingId = formatTrackingId(deps.trackingPrefix, intent.number);
        await ctx.sendActivity(t(locale, 'status.notFound', { trackingId }));
        return;
      }
      const card = ticketRequesterCard(locale, found.ticket, deps.intake.policy, {
        descriptionLength: found.descriptionLength,
      });
      await ctx.sendActivity({ attachments: [asAttachment(card)] });
      return;
    }
    case 'language': {
      if (!intent.locale) {
        await ctx.sendActivity(t(locale, 'language.usage'));
        return;
      }
      await deps.users.saveProfile(tenantId, who.id, user.profile, { language: intent.locale });
      await ctx.sendActivity(t(intent.locale, 'language.set'));
      return;
    }
    case 'freeText':
      await freeText(ctx, deps, intent.text, user, locale, replyKey, attachments, profile);
      return;
  }
}

/**
 * Free text becomes a ticket at once, or, when the person has open tickets, a one-click choice.
 * Exactly one reply per activity, however often Teams delivers it: the reply is claimed in
 * storage first, and a later delivery only re-sends when the claimant went silent.
 */
async function freeText(
  ctx: TurnContext,
  deps: PersonalDeps,
  text: string,
  user: UserContext,
  locale: Locale,
  replyKey: string | undefined,
  attachments: TicketAttachment[] = [],
  profile?: ProfileChange,
): Promise<void> {
  const tenantId = tenantOf(ctx.activity);
  const who = personOf(ctx.activity);
  const key = replyKey ?? `once:${randomUUID()}`;

  if (user.claim) {
    // A repeated delivery: answer only if the first one died before its reply went out. An
    // acknowledgement went out when its card is recorded on the ticket. While the first
    // delivery's claim is fresh it may still be working: wait (within Teams' 15 s) until its
    // reply is recorded, or its claim expires and this delivery takes the reply over; answering
    // 200 and nothing at once would lose the reply of a delivery that died.
    let current = user;
    let claim = user.claim;
    let acked: Awaited<ReturnType<IntakeService['getForRequester']>>;
    for (;;) {
      acked =
        claim.kind === 'ack' && claim.number !== undefined
          ? await deps.intake.getForRequester(tenantId, who.id, claim.number)
          : undefined;
      if (acked?.ticket.requesterCard || claim.state === 'sent') return;
      const left = deps.intake.claimLeftMs(claim);
      if (left <= 0) break;
      await new Promise((r) => setTimeout(r, Math.min(CLAIM_POLL_MS, left)));
      current = await deps.intake.context(tenantId, who.id, key);
      if (!current.claim) break;
      claim = current.claim;
    }
    if (!(await deps.intake.reclaimReply(tenantId, who.id, key, current))) return;
    if (claim.kind === 'ack' && claim.number !== undefined) {
      const found = acked;
      if (found) {
        const id = await sendClaimed(
          ctx,
          deps,
          key,
          () =>
            ticketRequesterCard(locale, found.ticket, deps.intake.policy, {
              acknowledgement: true,
            }),
          ACK,
        );
        await afterReply(ctx, deps, () =>
          deps.intake.rememberRequesterCard(
            tenantId,
            claim.number!,
            ctx.activity.conversation.id,
            id,
          ),
        );
      }
      return;
    }
    // A choice whose card was never sent: offer it again from the kept draft.
    const draft = claim.draftId
      ? await deps.intake.draft(tenantId, who.id, claim.draftId)
      : undefined;
    if (draft) {
      const open = user.tickets.filter((e) => OPEN_STATUSES.has(e.status));
      await sendClaimed(ctx, deps, key, () => intakeChoiceCard(locale, draft.id, draft.text, open));
    }
    return;
  }

  const open = user.tickets.filter((e) => OPEN_STATUSES.has(e.status));
  if (open.length > 0) {
    const { draftId, mustReply } = await deps.intake.offerChoice(
      tenantId,
      who.id,
      key,
      text,
      locale,
      attachments,
    );
    if (mustReply)
      await sendClaimed(ctx, deps, key, () => intakeChoiceCard(locale, draftId, text, open));
    return;
  }

  const result = await deps.intake.createTicket({
    tenantId,
    requester: who,
    locale,
    channel: 'teams',
    description: text,
    attachments,
    idemKey: key,
    replyKey: key,
    profile,
  });
  deps.log.info(
    {
      activityId: ctx.activity.id,
      ticket: result.stored.ticket.trackingId,
      created: result.created,
    },
    'ticket from chat',
  );
  if (result.unindexed) {
    deps.log.warn(
      { activityId: ctx.activity.id, ticket: result.stored.ticket.trackingId },
      'storage failed after the ticket was stored: not in the requester index yet (retrying)',
    );
  }
  if (result.mustAcknowledge) {
    const id = await sendClaimed(
      ctx,
      deps,
      key,
      () =>
        ticketRequesterCard(locale, result.stored.ticket, deps.intake.policy, {
          acknowledgement: true,
        }),
      ACK,
    );
    // The person has their answer: Teams has it too, and the rest (the acknowledgement's place,
    // the self-help offer) goes on. The offer goes out while the place is written: neither needs
    // the other, and neither fails the turn.
    answerNow(ctx);
    await Promise.all([
      afterReply(ctx, deps, () =>
        deps.intake.rememberRequesterCard(
          tenantId,
          result.stored.ticket.number,
          ctx.activity.conversation.id,
          id,
        ),
      ),
      result.created && offerSelfHelp(ctx, locale, result.stored.ticket, deps.log, deps.later),
    ]);
  }
}

/**
 * Bookkeeping after the reply went out (where its card is, that it was sent). The person already
 * has their answer: a storage failure here is logged, never answered with "no ticket was created".
 * (Lost, it costs at most a second copy of the reply if Teams delivered the activity again.)
 */
async function afterReply(
  ctx: TurnContext,
  deps: PersonalDeps,
  write: () => Promise<void>,
): Promise<void> {
  try {
    await write();
  } catch (e) {
    if (!(e instanceof StorageUnavailableError)) throw e;
    deps.log.warn(
      { activityId: ctx.activity.id, code: e.code },
      'storage unavailable after the reply was sent',
    );
  }
}

/** How often a repeated delivery looks whether the first one's reply went out. */
const CLAIM_POLL_MS = 500;

const hasOpen = (user: UserContext) => user.tickets.some((e) => OPEN_STATUSES.has(e.status));

/**
 * An acknowledgement is recorded as sent by its card's place on the ticket (written right after
 * it, see `rememberRequesterCard`), so its claim needs no second write.
 */
const ACK = { recordedOnTicket: true };

/** Sends the reply this turn holds the claim for; records it sent, or frees it for a retry. */
async function sendClaimed(
  ctx: TurnContext,
  deps: PersonalDeps,
  key: string,
  render: () => ReturnType<typeof welcomeCard>,
  opts: { recordedOnTicket?: boolean } = {},
): Promise<string | undefined> {
  const tenantId = tenantOf(ctx.activity);
  const who = personOf(ctx.activity);
  let id: string | undefined;
  try {
    id = (await ctx.sendActivity({ attachments: [asAttachment(render())] }))?.id;
  } catch (e) {
    await deps.intake.settleReply(tenantId, who.id, key, false).catch(() => undefined);
    throw new DeliveryError((e as { statusCode?: number }).statusCode);
  }
  if (!opts.recordedOnTicket || !id) {
    await afterReply(ctx, deps, () => deps.intake.settleReply(tenantId, who.id, key, true));
  }
  return id;
}
