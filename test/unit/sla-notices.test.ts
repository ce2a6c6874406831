import { startWaitingForParts } from '../../src/domain/sla/clocks';
import { Ticket, TicketEvent } from '../../src/domain/tickets/ticket';
import { channelNoticeText, requesterNoticeText } from '../../src/teams/notify/notices';
import { LOCALES, policy, sampleTicket } from '../support/card-samples';

/** Every SLA notice, in both languages: complete sentences, the tracking number, no placeholder. */
const NOW = new Date('2026-11-25T17:00:00Z'); // Wed 11:00 in Mexico City

const ticket: Ticket = {
  ...sampleTicket(42, { title: 'VPN *drops* [here](https://x.example)', description: 'd' }),
  owner: { id: 'o', name: 'Luis _Agent_' },
  status: 'assigned',
};
const inParts = startWaitingForParts(ticket, policy, NOW, '2026-11-30');

function slaEvent(kinds: string[], at = NOW): TicketEvent {
  return {
    seq: 5,
    type: 'sla',
    at,
    actor: { id: 'system', name: 'Support Desk' },
    channel: 'system',
    data: {
      notices: kinds.map((kind) => ({ kind, dueAt: NOW.toISOString(), targetMinutes: 60 })),
    },
  };
}

const event = (type: string, data: Record<string, unknown> = {}): TicketEvent => ({
  ...slaEvent([]),
  type,
  data,
});

describe.each(LOCALES)('SLA notices in %s', (locale) => {
  const expectComplete = (text: string | undefined) => {
    expect(text).toBeDefined();
    expect(text).toContain('SUP-000042');
    expect(text).not.toMatch(/\{\w+\}/);
  };

  it.each([
    'firstResponse.warning',
    'firstResponse.breach',
    'resolution.warning',
    'resolution.breach',
  ])('channel: %s', (kind) => {
    const text = channelNoticeText(locale, ticket, slaEvent([kind]), policy);
    expectComplete(text);
    expect(requesterNoticeText(locale, ticket, slaEvent([kind]), policy)).toBeUndefined();
  });

  it('channel: parts overdue names the date', () => {
    const text = channelNoticeText(locale, inParts, slaEvent(['parts.overdue']), policy);
    expectComplete(text);
    expect(text).toMatch(/30/);
  });

  it('requester: a status update escapes what people wrote', () => {
    const text = requesterNoticeText(locale, ticket, slaEvent(['update']), policy);
    expectComplete(text);
    expect(text).toContain('VPN \\*drops\\* \\[here\\]');
    expect(text).toContain('Luis \\_Agent\\_');
    expect(channelNoticeText(locale, ticket, slaEvent(['update']), policy)).toBeUndefined();
  });

  it('requester: parts follow-ups, on time and late', () => {
    const onTime = requesterNoticeText(locale, inParts, slaEvent(['parts.followUp']), policy);
    const late = requesterNoticeText(
      locale,
      inParts,
      slaEvent(['parts.followUp'], new Date('2026-12-01T15:00:00Z')),
      policy,
    );
    expectComplete(onTime);
    expectComplete(late);
    expect(late).not.toBe(onTime);
  });

  it.each([
    ['parts.waiting', { expectedDate: '2026-11-30' }],
    ['parts.arrived', {}],
    ['waiting.requester', { autoCloseAt: '2026-11-30T16:00:00.000Z' }],
  ])('requester: %s', (type, data) => {
    expectComplete(requesterNoticeText(locale, inParts, event(type, data), policy));
  });

  it('requester: closed for lack of an answer', () => {
    expectComplete(requesterNoticeText(locale, ticket, slaEvent(['autoClose']), policy));
  });

  it('says nothing about events that are not notices, or damaged ones', () => {
    expect(requesterNoticeText(locale, ticket, event('assigned'), policy)).toBeUndefined();
    expect(
      channelNoticeText(locale, ticket, event('sla', { notices: 'x' }), policy),
    ).toBeUndefined();
  });
});
