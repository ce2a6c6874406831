import { Category } from '../domain/tickets/category';
import { Person } from '../domain/tickets/ticket';
import { keyPart } from './keys';
import { Tables, statusOf } from './tables';
import { guard } from './ticket.repository';

/** A Teams channel the bot posts into. */
export interface ChannelRef {
  teamId: string;
  channelId: string;
  serviceUrl: string;
  name?: string;
  /** the language of the team's cards: that of whoever set the channel up */
  locale?: 'es' | 'en';
}

/** A channel that receives the handoffs of a tier (2, 3…), for one category or as the default. */
export interface TierChannel extends ChannelRef {
  tier: number;
  category?: Category;
}

export interface TenantSettings {
  triage?: ChannelRef;
  /** the channels of the next tiers (`setup tier 2 [category]`) */
  tiers: TierChannel[];
  /** agents mentioned on alta tickets (`on call @name …`) */
  onCall: Person[];
  /** low ratings, recurring problems and the weekly digest go here (`setup supervisors`) */
  supervisors?: ChannelRef;
  etag?: string;
}

const SETTINGS = 'settings';

function parse<T>(v: unknown): T | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  try {
    return JSON.parse(v) as T;
  } catch {
    return undefined;
  }
}

/**
 * The channel that receives a ticket handed to `tier`: the one set up for its category, else the
 * tier's default one.
 */
export function tierChannel(
  settings: TenantSettings,
  tier: number,
  category: Category,
): TierChannel | undefined {
  const ofTier = settings.tiers.filter((c) => c.tier === tier);
  return ofTier.find((c) => c.category === category) ?? ofTier.find((c) => !c.category);
}

/** Per-tenant configuration set from Teams (the channels, the on-call agents). */
export class TenantRepository {
  constructor(private readonly tables: Tables) {}

  async settings(tenantId: string): Promise<TenantSettings> {
    return guard(async () => {
      try {
        const r = await this.tables.tenants.getEntity<Record<string, unknown>>(
          keyPart(tenantId),
          SETTINGS,
        );
        return {
          triage: parse<ChannelRef>(r.triage),
          tiers: parse<TierChannel[]>(r.tiers) ?? [],
          onCall: parse<Person[]>(r.onCall) ?? [],
          supervisors: parse<ChannelRef>(r.supervisors),
          etag: r.etag,
        };
      } catch (e) {
        if (statusOf(e) === 404) return { onCall: [], tiers: [] };
        throw e;
      }
    });
  }

  /** Applies `change` to the current settings with the etag read; retried on a conflict. */
  async update(
    tenantId: string,
    change: (s: TenantSettings) => TenantSettings,
  ): Promise<{ before: TenantSettings; after: TenantSettings }> {
    return guard(async () => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const before = await this.settings(tenantId);
        const after = change(before);
        const row = {
          partitionKey: keyPart(tenantId),
          rowKey: SETTINGS,
          triage: after.triage ? JSON.stringify(after.triage) : '',
          onCall: JSON.stringify(after.onCall),
          tiers: JSON.stringify(after.tiers),
          supervisors: after.supervisors ? JSON.stringify(after.supervisors) : '',
        };
        try {
          if (before.etag) {
            await this.tables.tenants.updateEntity(row, 'Replace', { etag: before.etag });
          } else {
            await this.tables.tenants.createEntity(row);
          }
          return { before, after };
        } catch (e) {
          if (statusOf(e) === 412 || statusOf(e) === 409) continue;
          throw e;
        }
      }
      throw new Error('tenant settings: too many concurrent updates');
    });
  }
}
