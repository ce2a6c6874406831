import { z } from 'zod';
import { Locale } from '../domain/i18n';
import { Person } from '../domain/tickets/ticket';
import { idemHash, keyPart } from './keys';
import { Tables, statusOf } from './tables';
import { guard } from './ticket.repository';

/** An address as the index keys it: trimmed and lower-cased (e-mail is case-insensitive in practice). */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

/** A plausible e-mail address (one @, a dot in the domain, no spaces), at most 254 characters. */
export const EmailAddress = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:]+$/);

export function isEmailAddress(text: string): boolean {
  return EmailAddress.safeParse(text).success;
}

/** A person the bot met in Teams, found by their e-mail address. */
export interface DirectoryEntry extends Person {
  /** the person's language as their Teams client showed it when the address was recorded */
  locale?: Locale;
}

const Row = z.object({
  userId: z.string().min(1).max(200),
  name: z.string().max(500).default(''),
  locale: z.enum(['es', 'en']).optional().catch(undefined),
});

/**
 * The e-mail → Teams user index (`users` table): one row per address, partition
 * `{tenant}|mail`, row key the hash of the lower-cased address (the address itself is not
 * stored, and `/` or `#` in it cannot break a key). Written when the bot learns a person's
 * address (their Teams profile on first contact); read when an agent logs a call for an
 * address, so that the ticket belongs to that person and reaches their chat.
 */
export class EmailIndexRepository {
  constructor(private readonly tables: Tables) {}

  static partition(tenantId: string): string {
    return `${keyPart(tenantId)}|mail`;
  }

  static rowKey(address: string): string {
    return `m|${idemHash(normalizeEmail(address))}`;
  }

  /** Records (or moves) an address to a person; invalid addresses are ignored. */
  async record(tenantId: string, address: string, entry: DirectoryEntry): Promise<void> {
    if (!isEmailAddress(address)) return;
    await guard(() =>
      this.tables.users.upsertEntity(
        {
          partitionKey: EmailIndexRepository.partition(tenantId),
          rowKey: EmailIndexRepository.rowKey(address),
          userId: entry.id.slice(0, 200),
          name: entry.name.slice(0, 500),
          ...(entry.locale ? { locale: entry.locale } : {}),
        },
        'Replace',
      ),
    );
  }

  /** The person an address belongs to, if the bot has met them. */
  async find(tenantId: string, address: string): Promise<DirectoryEntry | undefined> {
    if (!isEmailAddress(address)) return undefined;
    return guard(async () => {
      try {
        const r = await this.tables.users.getEntity<Record<string, unknown>>(
          EmailIndexRepository.partition(tenantId),
          EmailIndexRepository.rowKey(address),
        );
        const parsed = Row.safeParse(r);
        if (!parsed.success) return undefined;
        return { id: parsed.data.userId, name: parsed.data.name, locale: parsed.data.locale };
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
    });
  }
}
