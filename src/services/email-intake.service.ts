import { Clock } from '../domain/clock';
import { ConcurrencyError } from '../domain/errors';
import { Locale } from '../domain/i18n';
import {
  emailCommentData,
  emailDescription,
  emailIdemKey,
  emailRequester,
  emailTitle,
  mergeAttachments,
  replyTarget,
} from '../domain/intake/email';
import { stopWaitingForRequester } from '../domain/sla/clocks';
import { SlaPolicy } from '../domain/sla/policy';
import { TicketAttachment } from '../domain/tickets/ticket';
import { JobSpec } from '../storage/outbox.repository';
import { TicketRepository } from '../storage/ticket.repository';
import { IntakeService } from './intake.service';

/** An e-mail as the intake endpoint accepted it (validated at the edge). */
export interface InboundEmail {
  messageId: string;
  from: { address: string; name?: string };
  subject: string;
  text: string;
  receivedAt: string;
  attachments: TicketAttachment[];
  locale: Locale;
}

export type EmailIntakeOutcome =
  | { kind: 'ticket'; trackingId: string; created: boolean }
  | { kind: 'comment'; trackingId: string };

/** Attempts to add a reply's comment while agents are changing the same ticket. */
const COMMENT_ATTEMPTS = 5;

/**
 * E-mail intake (spec 1.4): an e-mail becomes a ticket once per message id; a reply whose
 * subject names an existing ticket becomes a comment of that ticket, also once.
 */
export class EmailIntakeService {
  constructor(
    private readonly deps: {
      intake: IntakeService;
      tickets: TicketRepository;
      clock: Clock;
      policy: SlaPolicy;
      trackingPrefix: string;
      /** the tenant e-mail tickets belong to (one deployment serves one tenant) */
      tenantId: string;
      kick?: (tenantId: string, number: number, jobs: JobSpec[]) => void;
    },
  ) {}

  async receive(mail: InboundEmail): Promise<EmailIntakeOutcome> {
    const { tenantId } = this.deps;
    const requester = emailRequester(mail.from.address, mail.from.name);
    const target = replyTarget(mail.subject, this.deps.trackingPrefix);
    if (target !== undefined) {
      const trackingId = await this.comment(target, mail);
      if (trackingId) return { kind: 'comment', trackingId };
    }
    const { stored, created } = await this.deps.intake.createTicket({
      tenantId,
      requester,
      locale: mail.locale,
      channel: 'email',
      title: emailTitle(mail.subject),
      description: emailDescription(mail.subject, mail.text),
      attachments: mail.attachments,
      idemKey: emailIdemKey(mail.messageId),
    });
    return { kind: 'ticket', trackingId: stored.ticket.trackingId, created };
  }

  /** Adds the reply to ticket `number`; undefined when there is no such ticket. */
  private async comment(number: number, mail: InboundEmail): Promise<string | undefined> {
    const { tenantId, tickets, policy } = this.deps;
    const sender = emailRequester(mail.from.address, mail.from.name);
    for (let attempt = 1; ; attempt++) {
      const stored = await tickets.get(tenantId, number);
      if (!stored) return undefined;
      const now = this.deps.clock.now();
      const fromRequester = stored.ticket.requester.id === sender.id;
      // The requester's answer ends a wait for them: the resolution clock runs again.
      const resumes = fromRequester && stored.ticket.status === 'waiting_requester';
      const seq = stored.ticket.eventCount + 1;
      const jobs: JobSpec[] = [
        { kind: 'channel.notice', ref: String(seq) },
        ...(resumes ? (['triage.update', 'requester.update', 'sla.arm'] as const) : []),
      ];
      try {
        const after = await tickets.appendEvent(
          stored,
          {
            type: 'comment',
            at: now,
            actor: sender,
            channel: 'email',
            data: emailCommentData({
              text: mail.text,
              subject: mail.subject,
              fromRequester,
              receivedAt: mail.receivedAt,
              attachmentNames: mail.attachments.map((a) => a.name),
              resumed: resumes,
            }),
          },
          (t) => {
            const attachments = mergeAttachments(t.attachments, mail.attachments);
            const withFiles = attachments ? { ...t, attachments } : t;
            return resumes ? stopWaitingForRequester(withFiles, policy, now) : withFiles;
          },
          emailIdemKey(mail.messageId),
          jobs,
        );
        if (after) this.deps.kick?.(tenantId, number, jobs);
        return stored.ticket.trackingId;
      } catch (e) {
        if (e instanceof ConcurrencyError && attempt < COMMENT_ATTEMPTS) continue;
        throw e;
      }
    }
  }
}
