import { startClocks } from '../../src/domain/sla/clocks';
import {
  ALLOWED_FROM,
  InvalidTransitionError,
  LifecycleAction,
  LifecycleKind,
  applyLifecycle,
  canReopen,
} from '../../src/domain/tickets/lifecycle';
import { TICKET_STATUSES, Ticket, TicketStatus } from '../../src/domain/tickets/ticket';
import { policy, sampleTicket } from '../support/card-samples';

/** Wednesday 25 Nov 2026, 10:00 in Mexico City (UTC−6), business hours 09:00–18:00. */
const T0 = new Date('2026-11-25T16:00:00Z');
const at = (iso: string) => new Date(iso);
const agent = { id: 'a1', name: 'Luis' };
const requester = { id: 'u', name: 'Ana' };

function ticket(status: TicketStatus, over: Partial<Ticket> = {}): Ticket {
  return {
    ...sampleTicket(7, { description: 'd', createdAt: T0, updatedAt: T0 }),
    ...startClocks(policy, 'media', T0),
    priority: 'media',
    status,
    owner: agent,
    ...over,
  };
}

const ACTIONS: Record<LifecycleKind, LifecycleAction> = {
  reply: { kind: 'reply', text: 'hi', wait: false },
  note: { kind: 'note', text: 'internal' },
  resolve: { kind: 'resolve', note: 'fixed' },
  answer: { kind: 'answer', text: 'thanks' },
  confirm: { kind: 'confirm' },
  stillFailing: { kind: 'stillFailing' },
  reopen: { kind: 'reopen' },
  cancel: { kind: 'cancel' },
  sendSteps: { kind: 'sendSteps', playbook: '', title: 't', steps: ['a', 'b'] },
  escalate: { kind: 'escalate', reason: 'needs network team', notes: '', team: 'Redes' },
  accept: { kind: 'accept' },
  return: { kind: 'return', reason: 'not ours' },
  stepsOutcome: {
    kind: 'stepsOutcome',
    worked: true,
    source: 'self',
    playbook: 'printer-offline',
    title: 't',
    ticked: [1],
    total: 2,
  },
};

describe('the ticket state machine', () => {
  const cases = (Object.keys(ACTIONS) as LifecycleKind[]).flatMap((kind) =>
    TICKET_STATUSES.map((status) => [kind, status] as const),
  );

  it.each(cases)('%s from %s: allowed exactly when the table says so', (kind, status) => {
    const pending =
      kind === 'accept' || kind === 'return'
        ? {
            handoff: {
              fromTier: 1,
              toTier: 2,
              team: 'Redes',
              reason: 'r',
              notes: '',
              by: agent,
              at: T0,
              state: 'pending' as const,
            },
          }
        : {};
    const from = ticket(status, { closedAt: status === 'closed' ? T0 : undefined, ...pending });
    const run = () => applyLifecycle(from, ACTIONS[kind], agent, T0, policy);
    if (ALLOWED_FROM[kind].includes(status)) {
      const change = run();
      expect(change.event.type).toEqual(expect.any(String));
    } else {
      expect(run).toThrow(InvalidTransitionError);
    }
  });

  it('a reply stops the first-response clock, resets the update clock and may wait', () => {
    const now = at('2026-11-25T16:07:00Z');
    const change = applyLifecycle(
      ticket('assigned'),
      { kind: 'reply', text: 'Which printer?', wait: true },
      agent,
      now,
      policy,
    );
    expect(change.ticket.status).toBe('waiting_requester');
    expect(change.ticket.firstResponseAt).toEqual(now);
    expect(change.ticket.sla.firstResponse.actualMinutes).toBe(7);
    expect(change.ticket.sla.updates.lastAt).toEqual(now);
    expect(change.ticket.sla.resolution.pausedSince).toEqual(now);
    expect(change).toMatchObject({ tellRequester: true, tellChannel: true });
  });

  it('an internal note never goes to the requester and changes nothing else', () => {
    const before = ticket('in_progress');
    const change = applyLifecycle(before, ACTIONS.note, agent, T0, policy);
    expect(change.ticket).toBe(before);
    expect(change).toMatchObject({ tellRequester: false, tellChannel: true });
    expect(change.event.data).toMatchObject({ internal: true });
  });

  it('resolving stores actual against target and closes by itself after 3 business days', () => {
    const now = at('2026-11-25T18:00:00Z'); // 2 business hours later
    const change = applyLifecycle(ticket('in_progress'), ACTIONS.resolve, agent, now, policy);
    expect(change.ticket.status).toBe('resolved');
    expect(change.event.data).toMatchObject({ actualMinutes: 120, targetMinutes: 480, met: true });
    // Wed 12:00 + 3 × 9 business hours = Mon 12:00 local
    expect(change.ticket.sla.autoCloseAt?.toISOString()).toBe('2026-11-30T18:00:00.000Z');
  });

  it('"Still failing" reopens: the time spent resolved does not count, the count goes up', () => {
    const resolved = applyLifecycle(
      ticket('in_progress'),
      ACTIONS.resolve,
      agent,
      at('2026-11-25T18:00:00Z'),
      policy,
    ).ticket;
    const reopened = applyLifecycle(
      resolved,
      ACTIONS.stillFailing,
      requester,
      at('2026-11-26T18:00:00Z'), // a business day later
      policy,
    ).ticket;
    expect(reopened.status).toBe('in_progress');
    expect(reopened.reopenCount).toBe(1);
    expect(reopened.sla.resolution.pausedBusinessMinutes).toBe(540);
    expect(reopened.sla.resolution.actualMinutes).toBeUndefined();
  });

  it('reopening a closed ticket is allowed for 5 business days, then refused as too late', () => {
    const closed = ticket('closed', { closedAt: at('2026-11-25T16:00:00Z') });
    expect(canReopen(closed, policy, at('2026-12-02T16:00:00Z'))).toBe(true); // Wed + 5
    expect(canReopen(closed, policy, at('2026-12-02T16:01:00Z'))).toBe(false);
    expect(() =>
      applyLifecycle(closed, ACTIONS.reopen, requester, at('2026-12-03T16:00:00Z'), policy),
    ).toThrow(expect.objectContaining({ why: 'window' }));
  });

  it('steps that worked close the ticket, as self-service when the bot offered them', () => {
    const change = applyLifecycle(ticket('new'), ACTIONS.stepsOutcome, requester, T0, policy);
    expect(change.ticket.status).toBe('closed');
    expect(change.event).toMatchObject({
      type: 'steps.outcome',
      data: { worked: true, selfService: true, ticked: [1], total: 2 },
    });
    const failed = applyLifecycle(
      ticket('waiting_requester'),
      { ...ACTIONS.stepsOutcome, worked: false, source: 'agent' } as LifecycleAction,
      requester,
      T0,
      policy,
    );
    expect(failed.ticket.status).toBe('in_progress');
    expect(failed.event.data).toMatchObject({ worked: false, selfService: false });
  });

  it('cancelling stops the clocks and keeps who did it', () => {
    const change = applyLifecycle(ticket('new'), ACTIONS.cancel, requester, T0, policy);
    expect(change.ticket).toMatchObject({ status: 'cancelled', closedAt: T0 });
    expect(change.event).toMatchObject({ type: 'cancelled', actor: requester });
  });

  it('one handoff at a time: a pending one blocks a second escalation; accept needs one', () => {
    const escalated = applyLifecycle(ticket('in_progress'), ACTIONS.escalate, agent, T0, policy);
    expect(escalated.ticket.handoff).toMatchObject({ fromTier: 1, toTier: 2, state: 'pending' });
    expect(escalated).toMatchObject({ tellRequester: true, handoffCard: 'post' });
    expect(() => applyLifecycle(escalated.ticket, ACTIONS.escalate, agent, T0, policy)).toThrow(
      expect.objectContaining({ why: 'handoff' }),
    );
    expect(() => applyLifecycle(ticket('in_progress'), ACTIONS.accept, agent, T0, policy)).toThrow(
      expect.objectContaining({ why: 'handoff' }),
    );
    const nora = { id: 'n', name: 'Nora' };
    const accepted = applyLifecycle(escalated.ticket, ACTIONS.accept, nora, T0, policy);
    expect(accepted.ticket).toMatchObject({ owner: nora, tier: 2, handoff: { state: 'accepted' } });
    const returned = applyLifecycle(escalated.ticket, ACTIONS.return, nora, T0, policy);
    expect(returned.ticket).toMatchObject({
      owner: agent,
      tier: 1,
      handoff: { state: 'returned' },
    });
    // after a return it may be escalated again
    expect(
      applyLifecycle(returned.ticket, ACTIONS.escalate, agent, T0, policy).ticket.handoff,
    ).toMatchObject({ state: 'pending' });
  });
});
