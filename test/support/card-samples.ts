import policyFile from '../../config/sla-policy.json';
import { Locale, t } from '../../src/domain/i18n';
import { parseSlaPolicy } from '../../src/domain/sla/policy';
import { startClocks } from '../../src/domain/sla/clocks';
import { Ticket } from '../../src/domain/tickets/ticket';
import { intakeChoiceCard } from '../../src/teams/cards/intake-choice.card';
import { ticketFormCard } from '../../src/teams/cards/ticket-form.card';
import { createTicketDialogCard } from '../../src/teams/cards/create-ticket-dialog.card';
import { ticketListCard } from '../../src/teams/cards/ticket-list.card';
import { ticketRequesterCard } from '../../src/teams/cards/ticket-requester.card';
import { welcomeCard } from '../../src/teams/cards/welcome.card';
import { triageCard } from '../../src/teams/cards/triage.card';
import { queueCard } from '../../src/teams/cards/queue.card';
import { agentMessageCard } from '../../src/teams/cards/agent-message.card';
import { handoffCard } from '../../src/teams/cards/handoff.card';
import { logCallCard } from '../../src/teams/cards/log-call.card';
import { TicketAttachment } from '../../src/domain/tickets/ticket';
import { TicketEvent } from '../../src/domain/tickets/ticket';
import { MAX_STEPS, stepsCard } from '../../src/teams/cards/steps.card';
import { selfHelpCard } from '../../src/teams/messages/self-help';
import { surveyCard } from '../../src/teams/cards/survey.card';
import { OpenTicket } from '../../src/storage/ticket.repository';
import { ReportFigures, addToDay, emptyDay, summarize } from '../../src/domain/reports/stats';
import { lastDays } from '../../src/domain/reports/period';
import { ReportProblem, reportCard } from '../../src/teams/cards/report.card';
import { digestCard } from '../../src/teams/cards/digest.card';
import { refusalCard } from '../../src/teams/cards/render';
import { recurringCard } from '../../src/teams/cards/recurring.card';
import { shippedPlaybooks } from '../../src/domain/kb/playbook';
import { StoredGroup } from '../../src/storage/recurring.repository';
import { exportCard } from '../../src/teams/cards/export.card';

/**
 * Realistic data for every card template, used by the card tests (size, both languages) and
 * by the card gallery. Add an entry for every new template in adaptiveCards/.
 */
export const policy = parseSlaPolicy(policyFile);
export const LOCALES: Locale[] = ['en', 'es'];

/** The largest realistic data: long names, a 100 KB description, titles at their limit. */
export const huge = 'Ñandú 🐛 **bold** [x](https://e.example) ${x} '.repeat(2500);

/** The most a ticket keeps: 20 files with names and links at their stored limits (200, 1000). */
export const manyAttachments: TicketAttachment[] = Array.from({ length: 20 }, (_, i) => ({
  name:
    `${i} ${'Informe de diagnóstico ñandú 🐛 [x](https://e.example) '.repeat(5)}`.slice(0, 199) +
    'x',
  contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  url: `https://contoso.sharepoint.com/sites/it/${String(i).padStart(2, '0')}/${'d'.repeat(950)}.docx`,
}));

/** A file and a screenshot, as a person sends them in the chat. */
export const someAttachments: TicketAttachment[] = [
  {
    name: 'vpn-log.txt',
    contentType: 'text/plain',
    url: 'https://contoso.sharepoint.com/personal/ana_contoso_com/Documents/vpn-log.txt',
  },
  {
    name: 'image-1',
    contentType: 'image/*',
    url: 'https://smba.trafficmanager.net/amer/v3/attachments/0-cus-d4-8a2f3c/views/original',
  },
];

export function sampleTicket(n: number, over: Partial<Ticket> = {}): Ticket {
  return {
    tenantId: 't',
    number: n,
    trackingId: `SUP-${String(n).padStart(6, '0')}`,
    title: 'T'.repeat(120),
    description: huge,
    category: 'network',
    impact: 'high',
    severity: 'medium',
    priority: 'alta',
    status: 'new',
    requester: {
      id: 'u',
      name: 'María José de la Santísima Trinidad Fernández-Oyarzábal'.repeat(3),
    },
    locale: 'es',
    intakeChannel: 'teams',
    createdAt: new Date('2026-11-25T16:00:00Z'),
    updatedAt: new Date('2026-11-25T16:00:00Z'),
    firstResponseDueAt: new Date('2026-11-25T16:05:00Z'),
    resolutionDueAt: new Date('2026-11-25T17:00:00Z'),
    sla: startClocks(policy, 'alta', new Date('2026-11-25T16:00:00Z')).sla,
    tier: 1,
    eventCount: 1,
    ...over,
  };
}

const handoffOf = (over: Partial<Ticket> = {}, long = false): Ticket =>
  sampleTicket(long ? 1 : 123, {
    ...(long
      ? {}
      : { title: 'VPN drops every 10 minutes', description: 'Since Monday the VPN disconnects.' }),
    owner: { id: 'o', name: long ? 'A'.repeat(200) : 'Luis Pérez' },
    status: 'in_progress',
    handoff: {
      fromTier: 1,
      toTier: 2,
      team: long ? 'T'.repeat(300) : 'Redes',
      reason: long ? huge : 'The VPN concentrator rejects the client certificate.',
      notes: long ? huge : 'Reinstalled the client; the log shows error 809.',
      by: { id: 'o', name: 'Luis Pérez' },
      at: new Date('2026-11-25T17:00:00Z'),
      state: 'pending',
    },
    ...over,
  });

const conversation = (long: boolean): TicketEvent[] =>
  Array.from({ length: long ? 40 : 3 }, (_, i) => ({
    seq: i + 2,
    type: ['reply', 'comment', 'note', 'steps.outcome'][i % 4],
    at: new Date('2026-11-25T16:30:00Z'),
    actor: { id: 'x', name: long ? 'N'.repeat(200) : i % 2 ? 'Ana López' : 'Luis Pérez' },
    channel: 'teams' as const,
    data: long
      ? { text: huge, title: huge, ticked: [1, 2, 3], total: 5 }
      : {
          text: ['Did it work on Wi-Fi at home?', 'No, same error 809.', 'Certificate expired?'][i],
        },
  }));

/** Report figures: 30 busy days, 60 agents with long names, hostile low-rating comments. */
function sampleFigures(days: number, agents: number, long: boolean): ReportFigures {
  const period = lastDays(new Date('2026-11-27T18:00:00Z'), days, policy.calendar.timeZone);
  const list = period.days.map((day, i) => {
    let d = emptyDay(day);
    for (let k = 0; k < 40 + i; k++) {
      d = addToDay(d, {
        opened: (['alta', 'media', 'baja'] as const)[k % 3],
        closed: 'media',
        firstResponse: {
          minutes: 3 + (k % 20),
          met: k % 4 !== 0,
          agent: {
            id: `a${k % agents}`,
            name: long ? `Agente ${'Ñ'.repeat(80)} ${k % agents}` : `Agent ${k % agents}`,
          },
        },
        resolution: {
          minutes: 30 + k * 7,
          met: k % 5 !== 0,
          agent: {
            id: `a${k % agents}`,
            name: long ? `Agente ${'Ñ'.repeat(80)} ${k % agents}` : `Agent ${k % agents}`,
          },
        },
        rating: {
          value: (k % 5) + 1,
          agent: { id: `a${(k + 1) % agents}`, name: `Agent ${(k + 1) % agents}` },
          trackingId: `SUP-${String(k).padStart(6, '0')}`,
          title: long ? huge.slice(0, 120) : 'VPN drops',
          comment: long ? huge.slice(0, 500) : 'Slow',
        },
        playbookSolved: [
          'vpn-not-connecting',
          'printer-offline',
          'password-reset',
          'wifi-drops',
          'slow-computer',
          'x'.repeat(100),
        ][k % 6],
        ...(k % 7 === 0 ? { selfService: true as const } : {}),
      });
    }
    return d;
  });
  return summarize(list, { alta: 12, media: 40, baja: 77 }, period);
}

const sampleProblems = (long: boolean): ReportProblem[] =>
  Array.from({ length: long ? 8 : 2 }, (_, i) => ({
    category: long ? 'x'.repeat(60) : 'network',
    label: long ? huge.slice(0, 300) : 'vpn connect error 809',
    count: 12 - i,
    trackingIds: Array.from(
      { length: long ? 40 : 3 },
      (_, k) => `SUP-${String(k + 100).padStart(6, '0')}`,
    ),
  }));

/** The largest realistic render of each template (file name in adaptiveCards/ → card). */
export const LARGEST: Record<string, (l: Locale) => object> = {
  'refusal.json': (l) => refusalCard(`${t(l, 'triage.noteRefused')} ${'N'.repeat(500)}`),
  'report.json': (l) =>
    reportCard(l, sampleFigures(30, 60, true), {
      periodDays: 30,
      problems: sampleProblems(true),
      periodText: 'P'.repeat(200),
    }),
  'digest.json': (l) =>
    digestCard(l, sampleFigures(7, 60, true), {
      problems: sampleProblems(true),
      periodText: 'P'.repeat(200),
    }),
  // a 1,000-character title and comment (hostile text), answered: the thank-you shows both
  'survey.json': (l) =>
    surveyCard(l, sampleTicket(123456, { status: 'closed', title: huge.slice(0, 1000) }), 7, {
      answer: { rating: 1, comment: huge.slice(0, 1000) },
      note: 'N'.repeat(300),
    }),
  'recurring.json': (l) => recurringSample(l, 'largest'),
  // The longest links: a long public URL and tenant id (both are bounded by config and checks).
  'export.json': (l) =>
    exportCard(
      l,
      { from: '2025-11-30', to: '2026-11-30' },
      {
        tickets: `https://${'a'.repeat(200)}.example/api/export/tickets.csv?tenant=${'t'.repeat(128)}&from=2025-11-30&to=2026-11-30&exp=1764500000000&sig=${'f'.repeat(64)}`,
        events: `https://${'a'.repeat(200)}.example/api/export/events.csv?tenant=${'t'.repeat(128)}&from=2025-11-30&to=2026-11-30&exp=1764500000000&sig=${'f'.repeat(64)}`,
        expiresAt: new Date('2026-11-30T16:15:00Z'),
      },
      policy.calendar.timeZone,
    ),
  'welcome.json': (l) => welcomeCard(l, 'N'.repeat(300)),
  'ticket-form.json': (l) =>
    ticketFormCard(
      l,
      'a'.repeat(32),
      { title: 'x'.repeat(120), description: huge.slice(0, 8000) },
      'error',
    ),
  'create-ticket-dialog.json': (l) =>
    createTicketDialogCard(l, {
      formId: 'c'.repeat(32),
      author: { id: 'a', name: 'A'.repeat(200) },
      me: { id: 'm', name: 'M'.repeat(200) },
      messageLink: `https://teams.microsoft.com/l/message/${'x'.repeat(1900)}`,
      values: {
        title: 'x'.repeat(120),
        description: huge,
        category: 'printing',
        impact: 'high',
        severity: 'high',
        requester: 'author',
      },
      error: 'E'.repeat(300),
    }),
  'ticket-requester.json': (l) =>
    ticketRequesterCard(
      l,
      sampleTicket(1, {
        owner: { id: 'o', name: 'A'.repeat(200) },
        messageLink: `https://teams.microsoft.com/l/message/${'x'.repeat(1960)}`,
        attachments: manyAttachments,
      }),
      policy,
      {
        acknowledgement: true,
        registeredBy: { name: 'R'.repeat(200), channel: 'message-extension' },
      },
    ),
  'ticket-list.json': (l) =>
    ticketListCard(
      l,
      Array.from({ length: 15 }, (_, i) => sampleTicket(i + 1)),
      Array.from({ length: 5 }, (_, i) => sampleTicket(i + 100, { status: 'closed' })),
    ),
  'queue.json': (l) =>
    queueCard(
      l,
      Array.from({ length: 200 }, (_, i) => open(i + 1, { responded: i % 2 === 0 })),
      Array.from({ length: 200 }, (_, i) => open(i + 300)),
      policy,
    ),
  'triage.json': (l) =>
    triageCard(
      l,
      sampleTicket(1, {
        owner: { id: 'o', name: 'A'.repeat(200) },
        attachments: manyAttachments,
        messageLink: `https://teams.microsoft.com/l/message/${'x'.repeat(1960)}`,
        status: 'waiting_parts',
        firstResponseAt: new Date('2026-11-25T16:04:00Z'),
        sla: {
          ...startClocks(policy, 'alta', new Date('2026-11-25T16:00:00Z')).sla,
          firstResponse: { targetMinutes: 5, actualMinutes: 4 },
          resolution: {
            targetMinutes: 60,
            breachedAt: new Date('2026-11-25T17:00:00Z'),
            pausedSince: new Date('2026-11-25T16:30:00Z'),
            pauseReason: 'parts',
            pausedBusinessMinutes: 125,
            pausedWallMinutes: 1440,
          },
          parts: {
            expectedDate: '2026-12-01',
            expectedAt: new Date('2026-12-02T00:00:00Z'),
            since: new Date('2026-11-25T16:30:00Z'),
            nextFollowUpAt: new Date('2026-11-26T15:00:00Z'),
            followUps: 0,
          },
        },
      }),
      policy,
      {
        agents: manyAgents,
        note: 'N'.repeat(300),
        descriptionLength: 100_000,
        now: new Date('2026-11-25T16:30:00Z'),
      },
    ),
  'handoff.json': (l) =>
    handoffCard(
      l,
      handoffOf(
        {
          attachments: manyAttachments,
          messageLink: `https://teams.microsoft.com/l/message/${'x'.repeat(1960)}`,
        },
        true,
      ),
      conversation(true),
      policy,
      {
        threadUrl: `https://teams.microsoft.com/l/message/${'c'.repeat(80)}/1?tenantId=t`,
        now: new Date('2026-11-25T17:30:00Z'),
      },
    ),
  'log-call.json': (l) =>
    logCallCard(l, 'a'.repeat(32), {
      values: {
        requester: 'r'.repeat(254),
        via: 'email',
        title: 'x'.repeat(120),
        description: huge.slice(0, 8000),
        category: 'auto',
        impact: 'high',
        severity: 'high',
      },
      error: 'E'.repeat(300),
    }),
  'steps.json': (l) =>
    stepsCard(
      l,
      sampleTicket(1),
      {
        source: 'agent',
        playbook: '',
        title: huge,
        steps: Array.from({ length: MAX_STEPS + 5 }, () => huge),
        from: 'A'.repeat(200),
        seq: 999_999,
      },
      { note: 'N'.repeat(300) },
    ),
  'agent-message.json': (l) =>
    agentMessageCard(
      l,
      sampleTicket(1, {
        status: 'waiting_requester',
        sla: {
          ...startClocks(policy, 'alta', new Date('2026-11-25T16:00:00Z')).sla,
          autoCloseAt: new Date('2026-11-30T16:00:00Z'),
        },
      }),
      { kind: 'reply', seq: 999_999, from: 'A'.repeat(200), text: huge },
      policy,
      { note: 'N'.repeat(300) },
    ),
  'intake-choice.json': (l) =>
    intakeChoiceCard(
      l,
      'b'.repeat(32),
      huge,
      Array.from({ length: 10 }, (_, i) => ({ number: i + 1, trackingId: `SUP-00000${i}` })),
    ),
};

function open(n: number, over: Partial<OpenTicket> = {}): OpenTicket {
  const tk = sampleTicket(n);
  return {
    number: n,
    trackingId: tk.trackingId,
    title: tk.title,
    priority: tk.priority,
    status: tk.status,
    tier: 1,
    createdAt: tk.createdAt,
    firstResponseDueAt: tk.firstResponseDueAt,
    resolutionDueAt: tk.resolutionDueAt,
    responded: false,
    ...over,
  };
}

const manyAgents = Array.from({ length: 80 }, (_, i) => ({
  id: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
  name: `Agente de Soporte Número ${i} con Nombre Largo`,
}));

/** A typical render of each template, as a person would see it (for screenshots). */
export const TYPICAL: Record<string, (l: Locale) => object> = {
  'refusal.json': (l) => refusalCard(t(l, 'triage.noteRefused')),
  'report.json': (l) =>
    reportCard(l, sampleFigures(7, 3, false), {
      periodDays: 7,
      problems: sampleProblems(false),
      periodText: 'From Sat 21 Nov to Fri 27 Nov (America/Mexico_City)',
    }),
  'digest.json': (l) =>
    digestCard(l, sampleFigures(7, 3, false), {
      problems: sampleProblems(false),
      periodText: 'From Mon 16 Nov to Sun 22 Nov (America/Mexico_City)',
    }),
  'survey.json': (l) =>
    surveyCard(l, sampleTicket(42, { status: 'closed', title: 'La VPN se desconecta' }), 5),
  'recurring.json': (l) => recurringSample(l, 'typical'),
  'export.json': (l) =>
    exportCard(
      l,
      { from: '2026-11-01', to: '2026-11-30' },
      {
        tickets: `https://desk.example/api/export/tickets.csv?tenant=72f988bf&from=2026-11-01&to=2026-11-30&exp=1764500000000&sig=${'a'.repeat(64)}`,
        events: `https://desk.example/api/export/events.csv?tenant=72f988bf&from=2026-11-01&to=2026-11-30&exp=1764500000000&sig=${'a'.repeat(64)}`,
        expiresAt: new Date('2026-11-30T16:15:00Z'),
      },
      policy.calendar.timeZone,
    ),
  'welcome.json': (l) => welcomeCard(l, 'Ana'),
  'ticket-form.json': (l) => ticketFormCard(l, 'a1b2c3d4'),
  'create-ticket-dialog.json': (l) =>
    createTicketDialogCard(l, {
      formId: 'c1c2c3c4',
      author: { id: 'a', name: 'Ana López' },
      me: { id: 'm', name: 'Bob Builder' },
      messageLink: 'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1611060744833',
      values: {
        title: l === 'es' ? 'La impresora del piso 2 se atasca' : 'The printer on floor 2 jams',
        description:
          l === 'es'
            ? 'La impresora del piso 2 se atasca en cada página desde el lunes.\n- ya la apagué\n- tóner nuevo'
            : 'The printer on floor 2 jams on every page since Monday.\n- tried turning it off\n- new toner',
        category: 'printing',
        impact: 'medium',
        severity: 'high',
        requester: 'author',
      },
    }),
  'ticket-requester.json': (l) =>
    ticketRequesterCard(
      l,
      sampleTicket(123, {
        title: l === 'es' ? 'La VPN se desconecta cada 10 minutos' : 'VPN drops every 10 minutes',
        description:
          l === 'es'
            ? 'Desde el lunes la VPN se desconecta cada 10 minutos y pierdo las llamadas.'
            : 'Since Monday the VPN disconnects every 10 minutes and I lose my calls.',
        requester: { id: 'u', name: 'Ana López' },
        impact: 'low',
        severity: 'high',
        priority: 'media',
        firstResponseDueAt: new Date('2026-11-25T16:10:00Z'),
        resolutionDueAt: new Date('2026-11-26T00:00:00Z'),
      }),
      policy,
      { acknowledgement: true },
    ),
  'ticket-list.json': (l) =>
    ticketListCard(
      l,
      [
        sampleTicket(123, { title: 'VPN drops every 10 minutes', priority: 'media' }),
        sampleTicket(131, {
          title: 'Printer on floor 2 jams',
          priority: 'baja',
          status: 'assigned',
        }),
      ],
      [sampleTicket(97, { title: 'Outlook not syncing', priority: 'media', status: 'closed' })],
    ),
  'queue.json': (l) =>
    queueCard(
      l,
      [
        open(118, {
          title: 'Teams crashes when sharing the screen',
          priority: 'media',
          responded: true,
        }),
      ],
      [
        open(121, { title: 'Shared drive S: is not mapped', priority: 'alta' }),
        open(123, { title: 'VPN drops every 10 minutes', priority: 'media' }),
      ],
      policy,
    ),
  'triage.json': (l) =>
    triageCard(
      l,
      sampleTicket(123, {
        title: l === 'es' ? 'La VPN se desconecta cada 10 minutos' : 'VPN drops every 10 minutes',
        description:
          l === 'es'
            ? 'Desde el lunes la VPN se desconecta cada 10 minutos y pierdo las llamadas.'
            : 'Since Monday the VPN disconnects every 10 minutes and I lose my calls.',
        requester: { id: 'u', name: 'Ana López' },
        impact: 'medium',
        severity: 'high',
        priority: 'alta',
        attachments: someAttachments,
        // 4 minutes in, nobody has answered: the 75 % warning was sent
        sla: {
          ...startClocks(policy, 'alta', new Date('2026-11-25T16:00:00Z')).sla,
          firstResponse: { targetMinutes: 5, warnedAt: new Date('2026-11-25T16:03:45Z') },
        },
      }),
      policy,
      {
        agents: [
          { id: 'a1', name: 'Luis Pérez' },
          { id: 'a2', name: 'Marta Ruiz' },
        ],
        now: new Date('2026-11-25T16:04:00Z'),
      },
    ),
  'handoff.json': (l) =>
    handoffCard(l, handoffOf(), conversation(false), policy, {
      threadUrl: 'https://teams.microsoft.com/l/message/19%3Aabc%40thread.tacv2/1700000000000',
      now: new Date('2026-11-25T16:30:00Z'),
    }),
  'log-call.json': (l) => logCallCard(l, 'a1b2c3d4'),
  'steps.json': (l) =>
    selfHelpCard(
      l,
      sampleTicket(123, {
        title:
          l === 'es'
            ? 'La impresora del piso 3 dice sin conexión'
            : 'The printer on floor 3 says offline',
        description:
          l === 'es'
            ? 'No puedo imprimir nada desde esta mañana.'
            : 'I cannot print anything since this morning.',
        category: 'printing',
      }),
    )!,
  'agent-message.json': (l) =>
    agentMessageCard(
      l,
      sampleTicket(123, {
        title: l === 'es' ? 'La VPN se desconecta cada 10 minutos' : 'VPN drops every 10 minutes',
        status: 'resolved',
        sla: {
          ...startClocks(policy, 'alta', new Date('2026-11-25T16:00:00Z')).sla,
          autoCloseAt: new Date('2026-11-30T16:00:00Z'),
        },
      }),
      {
        kind: 'resolved',
        seq: 7,
        from: 'Luis Pérez',
        text:
          l === 'es'
            ? 'Actualicé el cliente VPN a la versión 5.2 y cambié el servidor a vpn2. Reinicia la computadora una vez.'
            : 'I updated the VPN client to version 5.2 and switched the server to vpn2. Restart your computer once.',
      },
      policy,
    ),
  'intake-choice.json': (l) =>
    intakeChoiceCard(
      l,
      'b1b2b3b4',
      l === 'es' ? 'También falla con el cable HDMI' : 'It also fails with the HDMI cable',
      [{ number: 123, trackingId: 'SUP-000123' }],
    ),
};

/**
 * A recurring problem's card: typical (5 VPN tickets since Monday, a playbook attached) or the
 * largest (hundreds of tickets with titles at their limit, hostile label, every playbook offered).
 */
export function recurringSample(l: Locale, size: 'largest' | 'typical'): object {
  const largest = size === 'largest';
  const count = largest ? 400 : 5;
  const members = Array.from({ length: count }, (_, i) => ({
    number: 100 + i,
    trackingId: `SUP-${String(100 + i).padStart(6, '0')}`,
    at: new Date(Date.UTC(2026, 10, 23, 14 + (i % 8), i % 60)),
  }));
  const group: StoredGroup = {
    id: 'network-000000100',
    category: 'network',
    label: largest ? huge.slice(0, 300) : 'VPN conecta',
    count,
    trackingIds: members.map((m) => m.trackingId),
    members,
    terms: { vpn: { n: count, word: 'VPN' }, 'kb:vpn-not-connecting': { n: count, word: 'x' } },
    firstAt: members[0].at,
    lastAt: new Date('2026-11-27T15:00:00Z'),
    playbook: 'vpn-not-connecting',
    playbookBy: { id: 'a', name: largest ? 'N'.repeat(300) : 'Luis Agent' },
    post: { conversationId: 'c', activityId: '1' },
    etag: '',
  };
  const titles = [
    l === 'es' ? 'La VPN no conecta' : "VPN won't connect",
    l === 'es' ? 'No puedo conectarme a la VPN desde casa' : 'The VPN does not connect from home',
  ];
  return recurringCard(
    l,
    {
      tenantId: 't',
      group,
      members: members
        .slice(-10)
        .reverse()
        .map((m, i) => ({
          trackingId: m.trackingId,
          title: largest ? huge.slice(0, 400) : titles[i % 2],
          triageActivityId: String(1_700_000_000_000 + i),
        })),
      triage: {
        teamId: `19:${'t'.repeat(32)}@thread.tacv2`,
        channelId: `19:${'c'.repeat(32)}@thread.tacv2`,
        serviceUrl: 'https://smba.trafficmanager.net/amer/',
      },
      playbooks: shippedPlaybooks(),
      now: new Date('2026-11-27T16:00:00Z'),
    },
    policy.calendar.timeZone,
    largest ? { text: 'x'.repeat(300), good: false } : undefined,
  );
}
