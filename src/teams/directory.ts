import { TeamsInfo, TurnContext } from 'botbuilder';
import { Locale } from '../domain/i18n';
import { Person } from '../domain/tickets/ticket';
import { Logger } from '../logger';
import {
  EmailIndexRepository,
  isEmailAddress,
  normalizeEmail,
} from '../storage/email-index.repository';
import { Profile, UserRepository, profileChange } from '../storage/user.repository';
import { AfterAnswer } from './later';

/** How long a person's e-mail address, once read from Teams, is trusted before it is read again. */
export const DIRECTORY_REFRESH_MS = 30 * 24 * 60 * 60 * 1000;

/** True when the person's e-mail addresses are to be read (never read, or read 30 days ago). */
export function directoryDue(profile: Profile | undefined, now: Date = new Date()): boolean {
  const last = profile?.directoryAt;
  return !last || now.getTime() - last.getTime() >= DIRECTORY_REFRESH_MS;
}

/**
 * Learns the e-mail addresses of the person writing in the 1:1 chat (Teams' `email` and
 * `userPrincipalName` of their TeamsChannelAccount) and records them in the e-mail index, so
 * that an agent who logs a call for that address reaches them. A failed look-up never fails
 * anything. Returns when it was read (for the profile), if it was.
 */
export async function learnEmail(
  ctx: TurnContext,
  deps: { emails: EmailIndexRepository; log: Logger },
  tenantId: string,
  who: Person,
  locale: Locale,
  now: Date = new Date(),
): Promise<Date | undefined> {
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

/**
 * Reads a person's e-mail addresses after the bot answered them, not during the turn: the
 * look-up is a call to Teams and a write that the answer does not need (the e-mail index is
 * needed only when an agent later logs a call for that address). One at a time per person.
 */
export class DirectoryLearner {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      after: AfterAnswer;
      emails: EmailIndexRepository;
      users: UserRepository;
      log: Logger;
    },
  ) {}

  /** Starts the look-up for the writer of `activity` when it is due; returns at once. */
  learnAfter(
    activity: TurnContext['activity'],
    tenantId: string,
    who: Person,
    profile: Profile | undefined,
    locale: Locale,
  ): void {
    const key = `${tenantId}|${who.id}`;
    if (!directoryDue(profile) || this.running.has(key)) return;
    const work = this.deps.after
      .run(activity, 'directory', async (ctx) => {
        const at = await learnEmail(ctx, this.deps, tenantId, who, locale);
        if (!at) return;
        const row = profileChange(tenantId, who.id, profile, { directoryAt: at });
        if (row) await this.deps.users.writeProfile(row);
      })
      .finally(() => this.running.delete(key));
    this.running.set(key, work);
  }

  /** Waits for the look-ups under way (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }
}
