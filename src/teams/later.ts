import { Activity, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { Logger } from '../logger';
import { inScope } from '../work-scope';

/**
 * Optional messages sent after the answers when the server is busy: under a burst of requests,
 * Teams waits for every answer (5 s), while an extra such as the self-help offer may come a few
 * seconds later. `busy()` tells the handler which to do; `send` posts the message into the same
 * conversation afterwards (a proactive turn) when background work may run. Not durable on
 * purpose: an extra lost with the process is only an extra (the ticket and its acknowledgement
 * are stored and sent in the turn).
 */
export class LaterSender {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      adapter: Pick<CloudAdapter, 'continueConversationAsync'>;
      botAppId: string;
      /** true while the server is busy answering Teams */
      busy: () => boolean;
      /** runs the work when background work may (the outbox's slots); at once without it */
      gate?: (work: () => Promise<void>) => Promise<void>;
      log: Logger;
    },
  ) {}

  busy(): boolean {
    return this.deps.busy();
  }

  /** Builds the message later (nothing to send: undefined) and posts it where `activity` came from. */
  send(
    activity: TurnContext['activity'],
    build: () => Partial<Activity> | undefined,
    what: string,
  ) {
    const ref = TurnContext.getConversationReference(activity) as ConversationReference;
    const work = () =>
      inScope(
        'outbox',
        async () => {
          const message = build();
          if (!message) return;
          await this.deps.adapter.continueConversationAsync(
            this.deps.botAppId,
            ref,
            async (ctx) => {
              await ctx.sendActivity(message);
            },
          );
        },
        what,
      );
    const done: Promise<void> = (this.deps.gate ? this.deps.gate(work) : work())
      .catch((e) => this.deps.log.warn({ err: (e as Error).message, what }, 'not sent later'))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  /** Waits for the messages still to send (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
