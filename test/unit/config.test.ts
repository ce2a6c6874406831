import { loadConfig } from '../../src/config';

describe('configuration', () => {
  it('defaults to local mode with embedded Azurite on port 3978', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3978,
      localMode: true,
      production: false,
      trackingPrefix: 'SUP',
      testClock: false,
      storage: { kind: 'embedded', location: '.data/azurite' },
    });
  });

  it('refuses to start in production without an app id, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/MicrosoftAppId/);
  });

  it('never enables the test clock in production', () => {
    const c = loadConfig({ NODE_ENV: 'production', MicrosoftAppId: 'id', TEST_CLOCK: '1' });
    expect(c.testClock).toBe(false);
    expect(loadConfig({ TEST_CLOCK: '1' }).testClock).toBe(true);
  });

  it('prefers a connection string, then an account URL', () => {
    expect(
      loadConfig({ TABLES_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).storage.kind,
    ).toBe('connectionString');
    expect(
      loadConfig({ TABLES_ACCOUNT_URL: 'https://acct.table.core.windows.net' }).storage.kind,
    ).toBe('accountUrl');
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ TABLES_PREFIX: 'bad-prefix' })).toThrow(/TABLES_PREFIX/);
    expect(() => loadConfig({ TRACKING_PREFIX: 'sup' })).toThrow(/TRACKING_PREFIX/);
  });

  it('reads SUPPORT_ADMINS as a list', () => {
    expect(loadConfig({ SUPPORT_ADMINS: 'a, b;c' }).supportAdmins).toEqual(['a', 'b', 'c']);
  });

  it('reads ALLOWED_TENANTS as a list; empty: every tenant', () => {
    expect(loadConfig({ ALLOWED_TENANTS: 't1, t2' }).allowedTenants).toEqual(['t1', 't2']);
    expect(loadConfig({}).allowedTenants).toEqual([]);
  });
});
