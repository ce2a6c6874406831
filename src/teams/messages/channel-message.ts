import { Activity, TurnContext } from 'botbuilder';
import { StorageUnavailableError } from '../../domain/errors';
import { Locale, t } from '../../domain/i18n';
import { Clock } from '../../domain/clock';
import { normalizeCommand } from '../../domain/intake/intent';
import { CATEGORIES, Category } from '../../domain/tickets/category';
import { Person } from '../../domain/tickets/ticket';
import { formatTrackingId, parseTrackingId } from '../../domain/tickets/tracking-number';
import { Logger } from '../../logger';
import { TenantRepository } from '../../storage/tenant.repository';
import { TicketRepository } from '../../storage/ticket.repository';
import { AgentDirectory } from '../agents';
import { asAttachment } from '../cards/render';
import { queueCard } from '../cards/queue.card';
import { triageCard } from '../cards/triage.card';
import { logCallCard } from '../cards/log-call.card';
import { mayLogCall, newFormId } from '../card-actions/log-call-actions';
import { clientLocale, personOf, tenantOf } from '../turn';
import { SlaPolicy } from '../../domain/sla/policy';
import { ReportPeriod, ReportService } from '../../services/report.service';
import { reportCard } from '../cards/report.card';
import { RangeProblem, parseExportArgs } from '../../domain/export/export-range';
import { ExportService } from '../../services/export.service';
import { exportCard } from '../cards/export.card';

export interface ChannelDeps {
  tenants: TenantRepository;
  tickets: TicketRepository;
  agents: AgentDirectory;
  policy: SlaPolicy;
  trackingPrefix: string;
  supportAdmins: string[];
  localMode: boolean;
  log: Logger;
  /** the KPI report (`report [7d|30d]`) */
  reports?: ReportService;
  /** a support channel was set up: the tenant starts getting the weekly digest */
  onSetup?: (tenantId: string) => Promise<void>;
  /** sweeps the outbox now (tickets held until a triage channel existed) */
  sweep: () => void;
  /** signed CSV export links (`export [from] [to]`) */
  exports: ExportService;
  /** reads the time for the default export range */
  clock: Clock;
}

/** The channel commands of the contract (the bot is @mentioned; teams-ai strips that mention). */
export type ChannelCommand =
  | { kind: 'setupTriage' }
  /** `category` undefined: the tier's default channel; null: a category that was not understood */
  | { kind: 'setupTier'; tier: number; category?: Category | null }
  | { kind: 'setupSupervisors' }
  | { kind: 'onCall' }
  | { kind: 'status'; number?: number }
  | { kind: 'myQueue' }
  /** `days` null: a period that was not understood */
  | { kind: 'report'; days: ReportPeriod | null }
  | { kind: 'logCall' }
  /** `export [from] [to]`: the dates as written, checked by the handler */
  | { kind: 'export'; args: string }
  | { kind: 'help' };

const EXPORT_PROBLEM = {
  format: 'export.problem.format',
  order: 'export.problem.order',
  tooLong: 'export.problem.tooLong',
} as const satisfies Record<RangeProblem, string>;

export function parseChannelCommand(text: string, trackingPrefix: string): ChannelCommand {
  const cmd = normalizeCommand(text.replace(/<at>[^<]*<\/at>/g, ' '));
  if (cmd === 'setup triage' || cmd === 'configurar triage') return { kind: 'setupTriage' };
  const tier = /^(?:setup tier|configurar nivel) ([2-5])(?: (.+))?$/.exec(cmd);
  if (tier) {
    return {
      kind: 'setupTier',
      tier: Number(tier[1]),
      category: tier[2] === undefined ? undefined : (categoryNamed(tier[2]) ?? null),
    };
  }
  if (cmd === 'setup supervisors' || cmd === 'configurar supervisores') {
    return { kind: 'setupSupervisors' };
  }
  if (/^(on call|de guardia)\b/.test(cmd)) return { kind: 'onCall' };
  if (cmd === 'my queue' || cmd === 'mi cola') return { kind: 'myQueue' };
  const report = /^(?:report|reporte)(?: (.*))?$/.exec(cmd);
  if (report) {
    const arg = (report[1] ?? '7d').trim();
    const days = /^(7|30) ?(?:d|dias|days)?$/.exec(arg);
    return { kind: 'report', days: days ? (Number(days[1]) as ReportPeriod) : null };
  }
  if (cmd === 'log call' || cmd === 'registrar llamada') return { kind: 'logCall' };
  const exporting = /^(?:export|exportar)(?: (.*))?$/.exec(cmd);
  if (exporting) return { kind: 'export', args: exporting[1] ?? '' };
  const status = /^(status|estado)(?: (.*))?$/.exec(cmd);
  if (status) return { kind: 'status', number: parseTrackingId(trackingPrefix, status[2] ?? '') };
  return { kind: 'help' };
}

/** A category from its id or its name in either language ("network", "red", "Correo"). */
export function categoryNamed(text: string): Category | undefined {
  const wanted = normalizeCommand(text);
  return CATEGORIES.find(
    (c) =>
      c === wanted ||
      (['es', 'en'] as const).some((l) =>
        normalizeCommand(t(l, `category.${c}`)).startsWith(wanted),
      ),
  );
}

/** Setup commands are for the ids in SUPPORT_ADMINS; in local mode with none listed, anyone. */
export function isAdmin(deps: Pick<ChannelDeps, 'supportAdmins' | 'localMode'>, who: Person) {
  if (deps.supportAdmins.length === 0) return deps.localMode;
  return deps.supportAdmins.includes(who.id);
}

function channelOf(activity: Partial<Activity>) {
  const data = (activity.channelData ?? {}) as {
    team?: { id?: string };
    channel?: { id?: string; name?: string };
  };
  const teamId = data.team?.id;
  const channelId = data.channel?.id ?? activity.conversation?.id?.split(';')[0];
  return teamId && channelId
    ? { teamId, channelId, name: data.channel?.name, serviceUrl: activity.serviceUrl ?? '' }
    : undefined;
}

/**
 * The triage team's id when the speaker is one of its agents; otherwise says why not (no triage
 * channel yet, or not an agent) and returns undefined.
 */
async function agentTeam(
  ctx: TurnContext,
  deps: ChannelDeps,
  tenantId: string,
  who: Person,
  locale: Locale,
): Promise<string | undefined> {
  const settings = await deps.tenants.settings(tenantId);
  if (!settings.triage) {
    await ctx.sendActivity(t(locale, 'channel.noTriage'));
    return undefined;
  }
  if (!(await deps.agents.isAgent(ctx, settings.triage.teamId, who.id))) {
    await ctx.sendActivity(t(locale, 'channel.notAgent'));
    return undefined;
  }
  return settings.triage.teamId;
}

/** Setup commands: true for a support admin; anyone else is told why not (and it is logged). */
async function mayConfigure(
  ctx: TurnContext,
  deps: ChannelDeps,
  who: Person,
  locale: Locale,
): Promise<boolean> {
  if (isAdmin(deps, who)) return true;
  deps.log.info({ activityId: ctx.activity.id }, 'setup refused: not a support admin');
  await ctx.sendActivity(t(locale, 'channel.notAdmin'));
  return false;
}

export async function handleChannelMessage(ctx: TurnContext, deps: ChannelDeps): Promise<void> {
  const locale: Locale = clientLocale(ctx);
  const tenantId = tenantOf(ctx.activity);
  const who = personOf(ctx.activity);
  const command = parseChannelCommand(ctx.activity.text ?? '', deps.trackingPrefix);
  try {
    switch (command.kind) {
      case 'setupTriage': {
        if (!(await mayConfigure(ctx, deps, who, locale))) return;
        if (deps.supportAdmins.length === 0) {
          deps.log.warn('SUPPORT_ADMINS is empty: local mode lets anyone set up channels');
        }
        const here = channelOf(ctx.activity);
        if (!here) {
          await ctx.sendActivity(t(locale, 'channel.help'));
          return;
        }
        const { before } = await deps.tenants.update(tenantId, (s) => ({
          ...s,
          triage: { ...here, locale },
        }));
        const previous = before.triage;
        const text = !previous
          ? t(locale, 'channel.setupDone')
          : previous.channelId === here.channelId
            ? t(locale, 'channel.setupSame')
            : t(locale, 'channel.setupMoved', { previous: previous.name ?? previous.channelId });
        await ctx.sendActivity(text);
        await deps.onSetup?.(tenantId);
        deps.sweep();
        return;
      }
      case 'setupTier': {
        if (!(await mayConfigure(ctx, deps, who, locale))) return;
        const here = channelOf(ctx.activity);
        if (!here || command.category === null) {
          await ctx.sendActivity(t(locale, 'channel.tierUsage'));
          return;
        }
        const category = command.category;
        await deps.tenants.update(tenantId, (s) => ({
          ...s,
          tiers: [
            ...s.tiers.filter((c) => !(c.tier === command.tier && c.category === category)),
            { ...here, locale, tier: command.tier, ...(category ? { category } : {}) },
          ],
        }));
        await ctx.sendActivity(
          category
            ? t(locale, 'channel.tierSetCategory', {
                tier: command.tier,
                category: t(locale, `category.${category}`),
              })
            : t(locale, 'channel.tierSet', { tier: command.tier }),
        );
        return;
      }
      case 'setupSupervisors': {
        if (!(await mayConfigure(ctx, deps, who, locale))) return;
        const here = channelOf(ctx.activity);
        if (!here) {
          await ctx.sendActivity(t(locale, 'channel.help'));
          return;
        }
        await deps.tenants.update(tenantId, (s) => ({ ...s, supervisors: { ...here, locale } }));
        await ctx.sendActivity(t(locale, 'channel.supervisorsSet'));
        await deps.onSetup?.(tenantId);
        // low-rating alerts held until this channel existed go out now
        deps.sweep();
        return;
      }
      case 'onCall': {
        const settings = await deps.tenants.settings(tenantId);
        const allowed =
          isAdmin(deps, who) ||
          (!!settings.triage && (await deps.agents.isAgent(ctx, settings.triage.teamId, who.id)));
        if (!allowed) {
          await ctx.sendActivity(t(locale, 'channel.notAgent'));
          return;
        }
        const mentioned = (ctx.activity.entities ?? [])
          .filter((e) => e.type === 'mention' && e.mentioned?.id !== ctx.activity.recipient?.id)
          .map((e) => ({ id: String(e.mentioned.id), name: String(e.mentioned.name ?? '') }));
        if (mentioned.length === 0) {
          await ctx.sendActivity(t(locale, 'channel.onCallUsage'));
          return;
        }
        await deps.tenants.update(tenantId, (s) => ({ ...s, onCall: mentioned }));
        await ctx.sendActivity(
          t(locale, 'channel.onCallSet', { names: mentioned.map((m) => m.name).join(', ') }),
        );
        return;
      }
      case 'status': {
        const teamId = await agentTeam(ctx, deps, tenantId, who, locale);
        if (!teamId) return;
        if (command.number === undefined) {
          await ctx.sendActivity(t(locale, 'status.usage'));
          return;
        }
        const stored = await deps.tickets.get(tenantId, command.number);
        if (!stored) {
          const trackingId = formatTrackingId(deps.trackingPrefix, command.number);
          await ctx.sendActivity(t(locale, 'channel.notFound', { trackingId }));
          return;
        }
        const agents = await deps.agents.members(ctx, teamId);
        await ctx.sendActivity({
          attachments: [asAttachment(triageCard(locale, stored.ticket, deps.policy, { agents }))],
        });
        return;
      }
      case 'myQueue': {
        if (!(await agentTeam(ctx, deps, tenantId, who, locale))) return;
        const open = await deps.tickets.openTickets(tenantId);
        const mine = open.filter((o) => o.owner?.id === who.id);
        const unassigned = open.filter((o) => !o.owner);
        await ctx.sendActivity({
          attachments: [asAttachment(queueCard(locale, mine, unassigned, deps.policy))],
        });
        return;
      }
      case 'export': {
        if (!(await agentTeam(ctx, deps, tenantId, who, locale))) return;
        const timeZone = deps.policy.calendar.timeZone;
        const parsed = parseExportArgs(command.args, deps.clock.now(), timeZone);
        if (!parsed.ok) {
          await ctx.sendActivity(
            `${t(locale, EXPORT_PROBLEM[parsed.problem])} ${t(locale, 'export.usage')}`,
          );
          return;
        }
        const links = await deps.exports.links(tenantId, parsed.range);
        await ctx.sendActivity({
          attachments: [asAttachment(exportCard(locale, parsed.range, links, timeZone))],
        });
        return;
      }
      case 'logCall': {
        // Agents of the team that holds this support channel (triage or a tier) only.
        const allowed = await mayLogCall(ctx, deps, tenantId, who);
        if (allowed !== 'ok') {
          await ctx.sendActivity(
            t(locale, allowed === 'notHere' ? 'logCall.notHere' : 'channel.notAgent'),
          );
          return;
        }
        await ctx.sendActivity({ attachments: [asAttachment(logCallCard(locale, newFormId()))] });
        return;
      }
      case 'report': {
        if (!(await agentTeam(ctx, deps, tenantId, who, locale))) return;
        if (command.days === null || !deps.reports) {
          await ctx.sendActivity(t(locale, 'report.usage'));
          return;
        }
        const period = deps.reports.lastDays(command.days);
        const { figures, problems } = await deps.reports.figures(tenantId, period);
        const card = reportCard(locale, figures, {
          periodDays: command.days,
          problems,
          periodText: deps.reports.periodText(locale, period),
        });
        await ctx.sendActivity({ attachments: [asAttachment(card)] });
        return;
      }
      case 'help':
        await ctx.sendActivity(t(locale, 'channel.help'));
        return;
    }
  } catch (e) {
    if (e instanceof StorageUnavailableError) {
      await ctx.sendActivity(t(locale, 'error.storage'));
      return;
    }
    throw e;
  }
}
