import policyFile from '../../config/sla-policy.json';
import { Locale } from '../../src/domain/i18n';
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
import { TicketEvent } from '../../src/domain/tickets/ticket';
import { MAX_STEPS, stepsCard } from '../../src/teams/cards/steps.card';
import { selfHelpCard } from '../../src/teams/messages/self-help';
import { OpenTicket } from '../../src/storage/ticket.repository';

/**
 * Realistic data for every card template, used by the card tests (size, both languages) and
 * by the card gallery. Add an entry for every new template in adaptiveCards/.
 */
export const policy = parseSlaPolicy(policyFile);
export const LOCALES: Locale[] = ['en', 'es'];

/** The largest realistic data: long names, a 100 KB description, titles at their limit. */
export const huge = 'Ñandú 🐛 **bold** [x](https://e.example) ${x} '.repeat(2500);

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

/** The largest realistic render of each template (file name in adaptiveCards/ → card). */
export const LARGEST: Record<string, (l: Locale) => object> = {
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
      }),
      policy,
      {
        acknowledgement: true,
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
    handoffCard(l, handoffOf({}, true), conversation(true), policy, {
      threadUrl: `https://teams.microsoft.com/l/message/${'c'.repeat(80)}/1?tenantId=t`,
      now: new Date('2026-11-25T17:30:00Z'),
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
