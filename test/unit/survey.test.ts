import surveyTemplate from '../../adaptiveCards/survey.json';
import { evaluate, nextWake, startClocks } from '../../src/domain/sla/clocks';
import {
  SURVEY_COMMENT_MAX,
  answerSurvey,
  parseRating,
  ratedDataOf,
  surveyTransition,
} from '../../src/domain/surveys/survey';
import { applyLifecycle } from '../../src/domain/tickets/lifecycle';
import { Ticket, TicketStatus } from '../../src/domain/tickets/ticket';
import { slaFromJson, slaToJson } from '../../src/storage/sla-state';
import { surveyFromColumns, surveyToColumns } from '../../src/storage/survey-columns';
import { MAX_CARD_BYTES } from '../../src/teams/cards/render';
import { surveyCard } from '../../src/teams/cards/survey.card';
import { buttonTitles, cardText } from '../support/fake-teams';
import { huge, policy, sampleTicket } from '../support/card-samples';

/** Wednesday 25 Nov 2026, 10:00 in Mexico City (UTC−6), business hours 09:00–18:00. */
const T0 = new Date('2026-11-25T16:00:00Z');
const at = (iso: string) => new Date(iso);
const agent = { id: 'a1', name: 'Luis' };
const requester = { id: 'u', name: 'Ana' };

function ticket(status: TicketStatus, over: Partial<Ticket> = {}): Ticket {
  return {
    ...sampleTicket(7, { description: 'd', createdAt: T0, updatedAt: T0, title: 'VPN drops' }),
    ...startClocks(policy, 'media', T0),
    priority: 'media',
    status,
    owner: agent,
    requester,
    eventCount: 5,
    ...over,
  };
}

/** A ticket confirmed closed at `now` (event 6), with its survey opened. */
function closedAt(now: Date): Ticket {
  const before = ticket('resolved');
  const change = applyLifecycle(before, { kind: 'confirm' }, requester, now, policy);
  return { ...surveyTransition(before, change.ticket, 6, policy, now).ticket, eventCount: 6 };
}

describe('opening a survey when a ticket closes', () => {
  it('a confirmed closing opens round = the closing event, reminder one business day later', () => {
    const t = closedAt(at('2026-11-25T16:30:00Z')); // Wed 10:30
    expect(t.survey).toEqual({ round: 6 });
    expect(t.sla.surveyReminderAt).toEqual(at('2026-11-26T16:30:00Z')); // Thu 10:30
  });

  it('the reminder skips the weekend (business calendar)', () => {
    const t = closedAt(at('2026-11-27T23:00:00Z')); // Fri 17:00
    expect(t.sla.surveyReminderAt).toEqual(at('2026-11-30T23:00:00Z')); // Mon 17:00
  });

  it('steps that worked close the ticket and open a survey; cancelling does not', () => {
    const open = ticket('in_progress');
    const worked = applyLifecycle(
      open,
      {
        kind: 'stepsOutcome',
        worked: true,
        source: 'agent',
        playbook: '',
        title: 't',
        ticked: [1],
        total: 1,
      },
      requester,
      T0,
      policy,
    );
    expect(surveyTransition(open, worked.ticket, 6, policy, T0).opened).toBe(true);
    const cancelled = applyLifecycle(open, { kind: 'cancel' }, requester, T0, policy);
    const after = surveyTransition(open, cancelled.ticket, 6, policy, T0);
    expect(after.opened).toBe(false);
    expect(after.ticket.survey).toBeUndefined();
  });

  it('the SLA auto-close opens one too', () => {
    const resolved = applyLifecycle(
      ticket('in_progress'),
      { kind: 'resolve', note: 'x' },
      agent,
      T0,
      policy,
    );
    const later = at('2026-12-01T16:00:00Z');
    const closed = evaluate(resolved.ticket, policy, later).ticket;
    expect(closed.status).toBe('closed');
    const t = surveyTransition(resolved.ticket, closed, 7, policy, later);
    expect(t.opened).toBe(true);
    expect(t.ticket.survey?.round).toBe(7);
  });

  it('reopening voids the pending survey: no reminder, answers refused', () => {
    const closed = closedAt(at('2026-11-25T16:30:00Z'));
    const now = at('2026-11-25T17:00:00Z');
    const change = applyLifecycle(closed, { kind: 'reopen' }, requester, now, policy);
    const t = surveyTransition(closed, change.ticket, 7, policy, now).ticket;
    expect(t.sla.surveyReminderAt).toBeUndefined();
    expect(nextWake(t, policy)?.getTime()).not.toBe(at('2026-11-26T16:30:00Z').getTime());
    expect(answerSurvey(t, requester, { round: 6, rating: 5, comment: '' }, now)).toEqual({
      ok: false,
      why: 'void',
    });
  });
});

describe('answering', () => {
  const closed = closedAt(at('2026-11-25T16:30:00Z'));
  const now = at('2026-11-25T18:00:00Z');

  it('records a `rated` event with exactly the fields reports read, and cancels the reminder', () => {
    const r = answerSurvey(closed, requester, { round: 6, rating: '4', comment: '  Good  ' }, now);
    if (!r.ok) throw new Error(r.why);
    expect(r.event).toMatchObject({ type: 'rated', at: now, actor: requester });
    expect(r.event.data).toEqual({
      rating: 4,
      comment: 'Good',
      ownerId: 'a1',
      ownerName: 'Luis',
      category: closed.category,
      tier: 1,
    });
    expect(r.low).toBe(false);
    expect(r.ticket.survey).toEqual({ round: 6, rating: 4, comment: 'Good', answeredAt: now });
    expect(r.ticket.sla.surveyReminderAt).toBeUndefined();
    expect(nextWake(r.ticket, policy)).toBeUndefined();
    expect(ratedDataOf({ ...r.event, seq: 7 })).toEqual(r.event.data);
  });

  it('an unassigned ticket rates with an empty owner', () => {
    const r = answerSurvey(
      { ...closed, owner: undefined },
      requester,
      { round: 6, rating: 1, comment: undefined },
      now,
    );
    expect(r.ok && r.event.data).toMatchObject({ ownerId: '', ownerName: '', comment: '' });
    expect(r.ok && r.low).toBe(true);
  });

  it.each([
    [1, true],
    [2, true],
    [3, false],
    [5, false],
  ])('rating %d is low: %s', (rating, low) => {
    const r = answerSurvey(closed, requester, { round: 6, rating, comment: '' }, now);
    expect(r.ok && r.low).toBe(low);
  });

  it('refuses anyone but the requester, a second answer, another round', () => {
    expect(answerSurvey(closed, agent, { round: 6, rating: 5, comment: '' }, now)).toEqual({
      ok: false,
      why: 'notYours',
    });
    const r = answerSurvey(closed, requester, { round: 6, rating: 5, comment: '' }, now);
    if (!r.ok) throw new Error(r.why);
    expect(answerSurvey(r.ticket, requester, { round: 6, rating: 1, comment: '' }, now)).toEqual({
      ok: false,
      why: 'answered',
    });
    expect(answerSurvey(closed, requester, { round: 3, rating: 1, comment: '' }, now)).toEqual({
      ok: false,
      why: 'void',
    });
  });

  it.each([
    [0],
    [6],
    [4.5],
    ['4.5'],
    ['x'],
    [''],
    [null],
    [undefined],
    [['4']],
    [{ r: 4 }],
    [true],
  ])('refuses the rating %p', (rating) => {
    expect(parseRating(rating)).toBeUndefined();
    expect(answerSurvey(closed, requester, { round: 6, rating, comment: '' }, now)).toEqual({
      ok: false,
      why: 'invalidRating',
    });
  });

  it('accepts 1–5 as numbers or strings', () => {
    expect([1, '2', 3, ' 4 ', 5].map(parseRating)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses a comment that is not text or too long', () => {
    expect(answerSurvey(closed, requester, { round: 6, rating: 3, comment: ['x'] }, now)).toEqual({
      ok: false,
      why: 'invalid',
    });
    const long = 'x'.repeat(SURVEY_COMMENT_MAX + 1);
    expect(answerSurvey(closed, requester, { round: 6, rating: 3, comment: long }, now)).toEqual({
      ok: false,
      why: 'commentTooLong',
    });
  });
});

describe('the reminder timer', () => {
  const closed = closedAt(at('2026-11-25T16:30:00Z'));

  it('wakes once, one business day later, and not before', () => {
    expect(nextWake(closed, policy)).toEqual(at('2026-11-26T16:30:00Z'));
    expect(evaluate(closed, policy, at('2026-11-26T16:29:00Z')).notices).toEqual([]);
    const due = evaluate(closed, policy, at('2026-11-26T16:30:00Z'));
    expect(due.notices).toEqual([{ kind: 'survey.reminder', dueAt: at('2026-11-26T16:30:00Z') }]);
    expect(nextWake(due.ticket, policy)).toBeUndefined();
    expect(evaluate(due.ticket, policy, at('2026-11-30T16:30:00Z')).notices).toEqual([]);
  });

  it('sends nothing for an answered survey', () => {
    const answered = { ...closed, survey: { round: 6, rating: 5, comment: '' } };
    expect(nextWake(answered, policy)).toBeUndefined();
    expect(evaluate(answered, policy, at('2026-11-27T16:30:00Z')).notices).toEqual([]);
  });
});

describe('storage of the survey', () => {
  it('SLA rows written before surveys existed still read; the reminder round-trips', () => {
    const old = JSON.parse(slaToJson(ticket('closed').sla));
    delete old.surveyReminderAt;
    const read = slaFromJson(JSON.stringify(old), T0);
    expect(read.policy).not.toBe('');
    expect(read.surveyReminderAt).toBeUndefined();
    const closed = closedAt(at('2026-11-25T16:30:00Z'));
    expect(slaFromJson(slaToJson(closed.sla), T0).surveyReminderAt).toEqual(
      at('2026-11-26T16:30:00Z'),
    );
  });

  it('columns: none before a survey; round, card and answer round-trip; an older card is ignored', () => {
    expect(surveyToColumns(undefined)).toEqual({});
    expect(surveyFromColumns({})).toBeUndefined();
    const survey = {
      round: 9,
      card: { conversationId: 'a:1', activityId: '77' },
      rating: 2,
      comment: 'slow',
      answeredAt: T0,
    };
    expect(surveyFromColumns(surveyToColumns(survey))).toEqual(survey);
    const newRound = surveyToColumns({ round: 12 });
    expect(newRound).toMatchObject({ rating: 0, ratingComment: '', ratedAt: '' });
    expect(
      surveyFromColumns({
        ...newRound,
        surveyCardRound: 9,
        surveyConversationId: 'a:1',
        surveyActivityId: '77',
      }),
    ).toEqual({ round: 12 });
  });
});

describe('the survey card', () => {
  const t = sampleTicket(42, { status: 'closed', title: '# **VPN** ${x}' });

  it('asks for 1–5 and a comment of at most the accepted length, with "Submit" / "Enviar"', () => {
    const comment = (surveyTemplate.body as { id?: string; maxLength?: number }[]).find(
      (b) => b.id === 'comment',
    );
    expect(comment?.maxLength).toBe(SURVEY_COMMENT_MAX);
    expect(buttonTitles(surveyCard('en', t, 3))).toEqual(['Submit']);
    expect(buttonTitles(surveyCard('es', t, 3))).toEqual(['Enviar']);
    const card = surveyCard('en', t, 3);
    expect(JSON.stringify(card)).toContain('"verb":"survey.submit"');
    expect(cardText(card)).toContain('How did we do with SUP-000042?');
  });

  it('shows the title and comment literally (TextRuns), and the rating given once answered', () => {
    const card = surveyCard('en', t, 3, { answer: { rating: 2, comment: '[a](http://x) ${y}' } });
    const runs: string[] = [];
    JSON.stringify(card, (_k, v) => (v?.type === 'TextRun' && runs.push(v.text), v));
    expect(runs).toEqual(['# **VPN** ${x}', '[a](http://x) ${y}']);
    expect(cardText(card)).toContain('Thank you! You rated the support for SUP-000042 2 of 5.');
    expect(cardText(card)).toContain('★★☆☆☆');
    expect(buttonTitles(card)).toEqual([]);
  });

  it.each(['en', 'es'] as const)(
    'stays under 28 KB in %s, open or answered, with 1,000-character text',
    (l) => {
      const big = sampleTicket(123456, { status: 'closed', title: huge.slice(0, 1000) });
      for (const card of [
        surveyCard(l, big, 999_999),
        surveyCard(l, big, 999_999, { answer: { rating: 5, comment: huge.slice(0, 1000) } }),
      ]) {
        expect(Buffer.byteLength(JSON.stringify(card), 'utf8')).toBeLessThan(MAX_CARD_BYTES);
      }
    },
  );
});
