import { TeamsInfo, TurnContext } from 'botbuilder';
import { Locale } from '../domain/i18n';
import { Person } from '../domain/tickets/ticket';
import { Logger } from '../logger';
import {
  EmailIndexRepository,
  isEmailAddress,
  normalizeEmail,
} from '../storage/email-index.repository';
import { Profile } from '../storage/user.repository';

/** How long a person's e-mail address, once read from Teams, is trusted before it is read again. */
export const DIRECTORY_REFRESH_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Learns the e-mail addresses of the person writing in the 1:1 chat (Teams' `email` and
 * `userPrincipalName` of their TeamsChannelAccount) and records them in the e-mail index, so
 * that an agent who logs a call for that address reaches them. Read once, then every 30 days;
 * a failed look-up never fails the turn. Returns when it was read (for the profile), if it was.
 */
export async function learnEmail(
  ctx: TurnContext,
  deps: { emails: EmailIndexRepository; log: Logger },
  tenantId: string,
  who: Person,
  profile: Profile | undefined,
  locale: Locale,
  now: Date = new Date(),
): Promise<Date | undefined> {
  const last = profile?.directoryAt;
  if (last && now.getTime() - last.getTime() < DIRECTORY_REFRESH_MS) return undefined;
  const userId = ctx.activity.from?.id;
  if (!userId) return undefined;
  try {
    const member = await TeamsInfo.getMember(ctx, userId);
    const addresses = new Set(
      [member.email, member.userPrincipalName]
        .filter((a): a is string => typeof a === 'string' && isEmailAddress(a))
        .map(normalizeEmail),
    );
    for (const address of addresses) {
      await deps.emails.record(tenantId, address, { ...who, locale });
    }
    return now;
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    deps.log.warn({ status, err: (e as Error).message }, 'member look-up failed');
    // Teams said no (not found, forbidden): ask again after the refresh period, not every turn.
    return status && status >= 400 && status < 500 ? now : undefined;
  }
}
