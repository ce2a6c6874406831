import { Tables } from '../../src/storage/tables';
import { EmailIndexRepository } from '../../src/storage/email-index.repository';
import { UserRepository } from '../../src/storage/user.repository';
import { testTables } from '../support/bot-harness';

let tables: Tables;
beforeAll(async () => {
  ({ tables } = await testTables());
});

describe('the e-mail index', () => {
  it('finds a person by address, whatever its case, per tenant; the address itself is not stored', async () => {
    const emails = new EmailIndexRepository(tables);
    await emails.record('ten', 'Ana.Lopez@Contoso.com', {
      id: 'aad-ana',
      name: 'Ana López',
      locale: 'es',
    });
    expect(await emails.find('ten', '  ana.lopez@contoso.COM ')).toEqual({
      id: 'aad-ana',
      name: 'Ana López',
      locale: 'es',
    });
    expect(await emails.find('other-tenant', 'ana.lopez@contoso.com')).toBeUndefined();
    expect(await emails.find('ten', 'nobody@contoso.com')).toBeUndefined();
    expect(await emails.find('ten', 'not an address')).toBeUndefined();
    // An address that moves to another person (a reused mailbox) points to the newest.
    await emails.record('ten', 'ana.lopez@contoso.com', { id: 'aad-ana2', name: 'Ana L.' });
    expect((await emails.find('ten', 'ana.lopez@contoso.com'))?.id).toBe('aad-ana2');
    const rows: Record<string, unknown>[] = [];
    for await (const r of tables.users.listEntities({
      queryOptions: { filter: `PartitionKey eq '${EmailIndexRepository.partition('ten')}'` },
    })) {
      rows.push(r);
    }
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('contoso');
  });

  it('keeps the profile’s client language and when the Teams profile was read', async () => {
    const users = new UserRepository(tables);
    const at = new Date('2026-11-25T16:00:00Z');
    await users.saveProfile('ten', 'bea', undefined, {
      name: 'Bea',
      clientLocale: 'es',
      directoryAt: at,
    });
    const ctx = await users.loadContext('ten', 'bea');
    expect(ctx.profile).toMatchObject({ name: 'Bea', clientLocale: 'es', directoryAt: at });
  });
});
