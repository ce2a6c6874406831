import { Harness, waitFor } from '../support/bot-harness';
import {
  cardWith,
  moveTo as moveTo_,
  openTicket,
  stored as stored_,
  textsOf,
  supportDesk,
} from '../support/ticket-flow';
import {
  ChannelMember,
  ChatUser,
  SentMessage,
  TENANT_ID,
  TeamChannel,
  accountFor,
  buttonTitles,
  cardOf,
  cardText,
  makeChannel,
} from '../support/fake-teams';
import { t } from '../../src/domain/i18n';
import { ticketPartition, ticketRowKey } from '../../src/storage/ticket.repository';

/**
 * Satisfaction surveys end to end (spec 6): a closed ticket sends its requester a survey card;
 * only the requester answers, once; the card thanks them in place; a low rating alerts the
 * supervisors channel; one reminder after a business day without an answer.
 * Mexico City is UTC−6; business hours 15:00Z–24:00Z.
 */
// several tickets through their whole life per test, on a machine shared with other work
jest.setTimeout(30_000);

const admin = accountFor('Alicia Admin', 'en-US');
const luis = accountFor('Luis Agent', 'en-US');

let h: Harness;
let supervisors: TeamChannel;
let luisInChannel: ChannelMember;

const NOT_ADMIN = t('en', 'channel.notAdmin');
const stored = (id: string) => stored_(h, id);
const moveTo = (iso: string) => moveTo_(h, iso);
const numberOf = (id: string) => Number(id.slice(4));

/** Opens a ticket, has Luis take and resolve it, and the requester confirm: returns the survey. */
async function closedTicket(
  text: string,
  locale = 'en-US',
): Promise<{ requester: ChatUser; id: string; survey: SentMessage }> {
  const { requester, id, thread } = await openTicket(h, luisInChannel, text, {
    assign: true,
    locale,
  });
  await luisInChannel.submit(thread, 'triage.resolve', { resolution: 'Done on our side' });
  const es = locale.startsWith('es');
  const resolved = await waitFor(
    h,
    () => cardWith(requester, es ? `${id} está resuelto` : `${id} is resolved`),
    'the resolution card',
  );
  await requester.click(es ? 'Ya funciona' : 'It works now', {}, resolved);
  const survey = await waitFor(
    h,
    () =>
      cardWith(requester, es ? `¿Qué tal te atendimos con ${id}?` : `How did we do with ${id}?`),
    'the survey card',
  );
  return { requester, id, survey };
}

/** The survey's Submit action as the card carries it (to replay it, or click it as someone else). */
function submitAction(survey: SentMessage) {
  const first = survey.history[0];
  const action = (cardOf(first)!.actions as { verb: string; data: object }[]).find(
    (a) => a.verb === 'survey.submit',
  )!;
  return { verb: action.verb, data: action.data };
}

beforeAll(async () => {
  const desk = await supportDesk({
    admin,
    team: [admin, luis],
    now: '2026-11-25T16:00:00Z', // Wed 10:00 local
    env: { SLA_SWEEP_MS: '3600000' },
  });
  ({ h } = desk);
  supervisors = makeChannel('Supervisors');
  h.teams.setRoster(supervisors.teamId, [admin, luis]);
  luisInChannel = desk.member(luis);
});
afterAll(async () => h.close());

describe('the survey after a ticket closes', () => {
  it('reaches the requester, refuses others, is answered once and thanks in place', async () => {
    const { requester, id, survey } = await closedTicket('The docking station does not charge');
    const card = cardOf(survey.activity)!;
    expect(cardText(card)).toContain(`How did we do with ${id}?`);
    expect(cardText(card)).toContain('The docking station does not charge');
    expect(buttonTitles(card)).toEqual(['Submit']);
    const ratings = (card.body as any[]).find((b) => b.id === 'rating');
    expect(ratings.choices.map((c: any) => c.value)).toEqual(['5', '4', '3', '2', '1']);
    expect(ratings.choices[1].title).toBe('★★★★☆  4 · Good');
    const before = await stored(id);
    expect(before.stored.ticket.survey?.card?.activityId).toBe(survey.id);
    const eventsBefore = before.events.length;

    // someone else clicks the same card: refused, nothing changes
    const mallory = h.teams.user('Mallory Other');
    const foreign = await mallory.invokeAction(survey, submitAction(survey), {
      rating: '1',
      comment: 'terrible',
    });
    expect(foreign.text).toBe(
      `Only the person who opened ${id} can answer its survey. Nothing was changed.`,
    );
    // a rating outside 1–5, or of the wrong type, is refused
    for (const rating of ['6', '0', '4.5', ['4'], { v: 4 }, 'four']) {
      const bad = await requester.invokeAction(survey, submitAction(survey), { rating });
      expect(bad.text).toBe('Please choose a rating from 1 to 5.');
    }
    const noComment = await requester.invokeAction(survey, submitAction(survey), {
      rating: '4',
      comment: { text: 'x' },
    });
    expect(noComment.text).toBe('That answer is not valid. Nothing was changed.');
    expect((await stored(id)).events).toHaveLength(eventsBefore);
    expect((await stored(id)).stored.ticket.survey?.rating).toBeUndefined();

    // the requester answers 4 with a comment: the card thanks them in place
    const comment = 'Quick **fix**, thanks [here](https://evil.example) ${x}';
    const answered = await requester.click('Submit', { rating: '4', comment }, survey);
    expect(answered.card).toBeDefined();
    expect(cardText(answered.card!)).toContain(
      `Thank you! You rated the support for ${id} 4 of 5.`,
    );
    expect(cardText(answered.card!)).toContain('★★★★☆');
    expect(cardText(answered.card!)).toContain(comment); // a TextRun: literal
    expect(buttonTitles(answered.card!)).toEqual([]);
    expect(cardText(cardOf(survey.activity)!)).toContain('4 of 5'); // replaced in the chat

    const after = await stored(id);
    const rated = after.events.filter((e) => e.type === 'rated');
    expect(rated).toHaveLength(1);
    expect(rated[0].actor.id).toBe(requester.account.aadObjectId);
    expect(rated[0].data).toEqual({
      rating: 4,
      comment,
      ownerId: luis.aadObjectId,
      ownerName: 'Luis Agent',
      category: after.stored.ticket.category,
      tier: 1,
    });
    expect(after.stored.ticket.survey).toMatchObject({ rating: 4, comment });
    const row = await h.bot.tables.tickets.getEntity<Record<string, unknown>>(
      ticketPartition(TENANT_ID, numberOf(id)),
      ticketRowKey(numberOf(id)),
    );
    expect(row).toMatchObject({ rating: 4, ratingComment: comment });

    // a second answer (an old copy of the card, or a replay) is refused and changes nothing
    const again = await requester.invokeAction(survey, submitAction(survey), { rating: '1' });
    expect(again.text).toBe(`The survey of ${id} was already answered. Nothing was changed.`);
    const later = await stored(id);
    expect(later.events).toHaveLength(after.events.length);
    expect(later.stored.ticket.survey?.rating).toBe(4);
  });

  it('a Spanish-speaking requester gets the survey in Spanish', async () => {
    const { requester, id, survey } = await closedTicket(
      'La impresora del segundo piso no imprime',
      'es-ES',
    );
    const card = cardOf(survey.activity)!;
    expect(cardText(card)).toContain(`¿Qué tal te atendimos con ${id}?`);
    expect(cardText(card)).toContain('Tu calificación (1 = muy mala, 5 = excelente)');
    expect(buttonTitles(card)).toEqual(['Enviar']);
    const ratings = (card.body as any[]).find((b) => b.id === 'rating');
    expect(ratings.choices[0].title).toBe('★★★★★  5 · Excelente');
    const res = await requester.click('Enviar', { rating: '5' }, survey);
    expect(cardText(res.card!)).toContain(`¡Gracias! Calificaste la atención de ${id} con 5 de 5.`);
  });

  it('a rating of 2 alerts the supervisors channel, held until it is set up', async () => {
    const { requester, id, survey } = await closedTicket('VPN drops every ten minutes');
    const comment = 'Took **three** days _again_';
    await requester.click('Submit', { rating: '2', comment }, survey);
    await h.bot.dispatcher.idle();
    const alertIn = () =>
      h.teams.messages.find(
        (m) =>
          m.conversationId.startsWith(supervisors.channelId) &&
          String(m.activity.text ?? '').includes(id),
      );
    expect(alertIn()).toBeUndefined(); // no supervisors channel yet: held, not lost

    // only a support admin may set the channel up
    const luisThere = new ChannelMember(h.teams, luis, supervisors);
    await luisThere.say('setup supervisors');
    expect(textsOf(luisThere.received())).toContain(NOT_ADMIN);
    await h.bot.dispatcher.idle();
    expect(alertIn()).toBeUndefined();

    await new ChannelMember(h.teams, admin, supervisors).say('setup supervisors');
    const alert = await waitFor(h, alertIn, 'the low-rating alert', 10_000);
    expect(alert.activity.text).toBe(
      `⚠ Low rating for ${id} (VPN drops every ten minutes): 2 of 5 ★★☆☆☆ from ` +
        `${requester.account.name}. Agent: Luis Agent.\n\n` +
        'Comment: Took \\*\\*three\\*\\* days \\_again\\_',
    );
    await h.bot.dispatcher.idle();
    const alerts = h.teams.messages.filter(
      (m) =>
        m.conversationId.startsWith(supervisors.channelId) &&
        String(m.activity.text ?? '').startsWith('⚠ Low rating'),
    );
    expect(alerts).toHaveLength(1);
  });

  it('a rating of 4 alerts nobody', async () => {
    const { requester, id, survey } = await closedTicket('Word crashes on save');
    await requester.click('Submit', { rating: '4' }, survey);
    await h.bot.dispatcher.idle();
    expect(
      h.teams.messages.some(
        (m) =>
          m.conversationId.startsWith(supervisors.channelId) &&
          String(m.activity.text ?? '').includes(id),
      ),
    ).toBe(false);
  });

  it('one reminder after one business day without an answer, none once answered', async () => {
    await moveTo('2026-11-30T16:00:00Z'); // Mon 10:00 local
    const a = await closedTicket('Excel macros are blocked');
    const b = await closedTicket('The second monitor flickers');
    await b.requester.click('Submit', { rating: '5' }, b.survey);
    const reminder = (u: ChatUser, id: string) =>
      textsOf(u.received()).filter((x) => x.startsWith(`Reminder: how did we do with ${id}`));

    await moveTo('2026-12-01T15:59:00Z'); // Tue 09:59: not yet a business day
    expect(reminder(a.requester, a.id)).toHaveLength(0);
    await moveTo('2026-12-01T16:00:00Z'); // Tue 10:00: one business day
    await waitFor(h, () => reminder(a.requester, a.id)[0], 'the reminder');
    const sent = a.requester
      .received()
      .find((m) =>
        String(m.activity.text ?? '').startsWith(`Reminder: how did we do with ${a.id}`),
      )!;
    expect(sent.activity.replyToId).toBe(a.survey.id);
    expect(sent.activity.text).toBe(
      `Reminder: how did we do with ${a.id} (Excel macros are blocked)? Please rate it on the ` +
        'survey card above; it takes a few seconds.',
    );
    await moveTo('2026-12-02T16:00:00Z');
    await moveTo('2026-12-04T16:00:00Z');
    expect(reminder(a.requester, a.id)).toHaveLength(1);
    expect(reminder(b.requester, b.id)).toHaveLength(0);
    // still answerable after the reminder
    const res = await a.requester.click('Submit', { rating: '3' }, a.survey);
    expect(cardText(res.card!)).toContain('3 of 5');
  });

  it('a reopened ticket voids its pending survey; closing again sends a new one', async () => {
    await moveTo('2026-12-07T16:00:00Z'); // Mon 10:00 local
    const { requester, id, survey } = await closedTicket('Bluetooth mouse lags');
    const reopened = await requester.invokeAction(survey, {
      verb: 'ticket.reopen',
      data: { number: numberOf(id) },
    });
    expect(reopened.status).toBe(200);
    await h.bot.dispatcher.idle();
    expect((await stored(id)).stored.ticket.status).toBe('in_progress');
    const stale = await requester.invokeAction(survey, submitAction(survey), { rating: '5' });
    expect(stale.text).toBe(
      `This survey no longer applies: ${id} was reopened. You will get a new one when it closes. Nothing was changed.`,
    );
    expect((await stored(id)).events.some((e) => e.type === 'rated')).toBe(false);
    // no reminder for a reopened ticket
    await moveTo('2026-12-08T17:00:00Z');
    expect(
      textsOf(requester.received()).some((x) => x.startsWith(`Reminder: how did we do with ${id}`)),
    ).toBe(false);

    // resolved and confirmed again: a new survey, answerable
    const thread = luisInChannel.cardOf(id);
    await luisInChannel.submit(thread, 'triage.resolve', { resolution: 'New receiver' });
    const resolved = await waitFor(
      h,
      () =>
        [...requester.received()]
          .reverse()
          .find(
            (m) =>
              m.id !== survey.id &&
              cardText(cardOf(m.activity) ?? {}).includes(`${id} is resolved`),
          ),
      'the second resolution',
    );
    await requester.click('It works now', {}, resolved);
    const second = await waitFor(
      h,
      () => {
        const m = cardWith(requester, `How did we do with ${id}?`);
        return m && m.id !== survey.id ? m : undefined;
      },
      'the second survey',
    );
    const res = await requester.click('Submit', { rating: '5' }, second);
    expect(cardText(res.card!)).toContain('5 of 5');
    const events = (await stored(id)).events.filter((e) => e.type === 'rated');
    expect(events.map((e) => e.data.rating)).toEqual([5]);
  });

  it('a ticket closed without an answer (auto-close) sends the survey too; a cancelled one does not', async () => {
    await moveTo('2026-12-14T16:00:00Z'); // Mon 10:00 local
    const auto = await openTicket(h, luisInChannel, 'Headset microphone muted', {
      assign: true,
    });
    await luisInChannel.submit(auto.thread, 'triage.resolve', { resolution: 'Driver updated' });
    await h.bot.dispatcher.idle();
    await moveTo('2026-12-17T16:00:00Z'); // Thu 10:00: 3 business days
    expect((await stored(auto.id)).stored.ticket.status).toBe('closed');
    await waitFor(
      h,
      () => cardWith(auto.requester, `How did we do with ${auto.id}?`),
      'the survey after auto-close',
    );

    const cancelled = await openTicket(h, luisInChannel, 'Never mind: the laptop is fine');
    const res = await cancelled.requester.invokeAction(cancelled.ack, {
      verb: 'ticket.cancel',
      data: { number: numberOf(cancelled.id) },
    });
    expect(res.status).toBe(200);
    await h.bot.dispatcher.idle();
    expect((await stored(cancelled.id)).stored.ticket.status).toBe('cancelled');
    expect(cardWith(cancelled.requester, `How did we do with ${cancelled.id}?`)).toBeUndefined();
  });
});
