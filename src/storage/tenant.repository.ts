import { Category } from '../domain/tickets/category';
import { Person } from '../domain/tickets/ticket';
import { keyPart } from './keys';
import { Tables, statusOf } from './tables';
import { guard } from './ticket.repository';
import { BriefCache, BriefCacheOptions } from './brief-cache';

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

function toSettings(r: SettingsRow | undefined): TenantSettings {
  if (!r) return { onCall: [], tiers: [] };
  return {
    triage: parse<ChannelRef>(r.triage),
    tiers: parse<TierChannel[]>(r.tiers) ?? [],
    onCall: parse<Person[]>(r.onCall) ?? [],
    supervisors: parse<ChannelRef>(r.supervisors),
    etag: r.etag,
  };
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

type SettingsRow = Record<string, unknown> & { etag?: string };

/**
 * Per-tenant configuration set from Teams (the channels, the on-call agents). Every card action
 * and delivery reads it, so a read is trusted for a few seconds (`BriefCache`): this process sees
 * its own changes at once, another instance's within the cache's TTL.
 */
export class TenantRepository {
  private readonly cache: BriefCache<SettingsRow | undefined>;

  constructor(
    private readonly tables: Tables,
    cache?: BriefCacheOptions,
  ) {
    this.cache = new BriefCache(cache);
  }

  async settings(tenantId: string): Promise<TenantSettings> {
    // Parsed on every call: callers get their own objects, never the cached one.
    return toSettings(await this.cache.get(tenantId, () => this.read(tenantId)));
  }

  private async read(tenantId: string): Promise<SettingsRow | undefined> {
    return guard(async () => {
      try {
        return await this.tables.tenants.getEntity<Record<string, unknown>>(
          keyPart(tenantId),
          SETTINGS,
        );
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
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
        // A change starts from what storage holds now (and its etag), never from the cache.
        const before = toSettings(await this.read(tenantId));
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
        } finally {
          // Written, conflicting (another instance changed them) or unknown: read them again.
          this.cache.forget(tenantId);
        }
      }
      throw new Error('tenant settings: too many concurrent updates');
    });
  }
}
