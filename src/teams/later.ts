import { CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import { Logger } from '../logger';
import { inScope } from '../work-scope';

/**
 * Work done after the answer instead of in the turn: a proactive turn in the same conversation,
 * started when background work may run (the outbox's slots, which give way to turns). Teams
 * waits for every answer (5 s); an extra such as the self-help offer under a burst, or reading
 * the person's e-mail addresses, may come a few seconds later. Not durable on purpose: such work
 * lost with the process is only an extra (the ticket and its acknowledgement are stored and sent
 * in the turn), and the e-mail look-up is made again at the person's next message.
 */
export class AfterAnswer {
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

  /** True while the server is busy answering Teams: optional extras go after the answers. */
  busy(): boolean {
    return this.deps.busy();
  }

  /**
   * Runs `logic` later in a proactive turn of the conversation `activity` came from; returns at
   * once. The promise settles when it ran (failures are logged, never thrown).
   */
  run(
    activity: TurnContext['activity'],
    what: string,
    logic: (ctx: TurnContext) => Promise<void>,
  ): Promise<void> {
    const ref = TurnContext.getConversationReference(activity) as ConversationReference;
    const work = () =>
      inScope(
        'outbox',
        () => this.deps.adapter.continueConversationAsync(this.deps.botAppId, ref, logic),
        what,
      );
    const done: Promise<void> = (this.deps.gate ? this.deps.gate(work) : work())
      .catch((e) => this.deps.log.warn({ err: (e as Error).message, what }, 'after the answer'))
      .finally(() => this.running.delete(done));
    this.running.add(done);
    return done;
  }

  /** Waits for the work still to do (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
