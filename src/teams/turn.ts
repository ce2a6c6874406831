import { Activity, TurnContext } from 'botbuilder';
import { Locale, resolveLocale } from '../domain/i18n';
import { Person } from '../domain/tickets/ticket';
import { ConversationRef } from '../storage/user.repository';

/** The tenant of a turn; local clients without one share the tenant "local". */
export function tenantOf(activity: Partial<Activity>): string {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)
    ?.tenant?.id;
  const id = activity.conversation?.tenantId ?? fromChannelData;
  return typeof id === 'string' && id.length > 0 ? id : 'local';
}

/** Who acts: the AAD object id Teams proves, else the channel account id. */
export function personOf(activity: Partial<Activity>): Person {
  const from = activity.from;
  const id = from?.aadObjectId || from?.id || 'unknown';
  return { id, name: (from?.name ?? '').slice(0, 200) };
}

export function clientLocale(ctx: TurnContext, preference?: Locale): Locale {
  return resolveLocale(ctx.activity.locale, preference);
}

/** Idempotency key of an incoming activity: Teams re-delivers with the same ids. */
export function activityKey(activity: Partial<Activity>): string | undefined {
  if (!activity.id || !activity.conversation?.id) return undefined;
  return `act:${activity.conversation.id}:${activity.id}`;
}

export function conversationRefOf(activity: Partial<Activity>): ConversationRef | undefined {
  if (!activity.serviceUrl || !activity.conversation?.id || !activity.recipient || !activity.from) {
    return undefined;
  }
  return {
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId ?? 'msteams',
    conversationId: activity.conversation.id,
    tenantId: tenantOf(activity),
    botId: activity.recipient.id,
    botName: activity.recipient.name,
    userId: activity.from.id,
    userName: activity.from.name,
  };
}

export function isPersonal(activity: Partial<Activity>): boolean {
  const type = activity.conversation?.conversationType;
  return type === undefined || type === 'personal';
}
