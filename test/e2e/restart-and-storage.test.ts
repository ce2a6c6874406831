import { createServer } from 'node:net';
import { Harness, setClock, startHarness } from '../support/bot-harness';
import { cardText } from '../support/fake-teams';

const idIn = (text: string) => /SUP-\d{6}/.exec(text)?.[0];

describe('a restart against the same storage', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await setClock(h.url, { now: '2026-11-25T16:00:00Z' });
  });
  afterAll(async () => h.close());

  it('keeps the tickets and the counter', async () => {
    const ana = h.teams.user('Ana', 'es-MX');
    await ana.say('La laptop no carga la batería');
    const first = idIn(cardText(ana.lastCard().card));
    expect(first).toBe('SUP-000001');

    await h.stopBot();
    await h.restartBot();

    await ana.say(`estado ${first}`);
    expect(cardText(ana.lastCard().card)).toContain('La laptop no carga la batería');
    const bob = h.teams.user('Bob', 'en-US');
    await bob.say('Excel crashes when I open the budget file');
    expect(idIn(cardText(bob.lastCard().card))).toBe('SUP-000002');
  });
});

/** A TCP port that accepts connections and never answers: storage that hangs. */
async function blackHole(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  const srv = createServer((s) => sockets.add(s));
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as import('node:net').AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((ok) => {
        sockets.forEach((s) => s.destroy());
        srv.close(() => ok());
      }),
  };
}

describe('storage down', () => {
  it('tells the requester no ticket was created, quickly, and /healthz says 503', async () => {
    const hole = await blackHole();
    const cs =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
      'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
      `TableEndpoint=http://127.0.0.1:${hole.port}/devstoreaccount1;`;
    const h = await startHarness({ TABLES_CONNECTION_STRING: cs }, {}, { waitHealthy: false });
    try {
      expect((await fetch(`${h.url}/healthz`)).status).toBe(503);
      const eva = h.teams.user('Eva', 'es-MX');
      const started = Date.now();
      const res = await eva.say('No funciona el internet en la sala de juntas');
      const took = Date.now() - started;
      expect(res.status).toBe(200);
      expect(eva.received()).toHaveLength(1);
      expect(eva.last().activity.text).toBe(
        'Lo siento, no pude guardar eso en este momento, así que no se creó ningún ticket. ' +
          'Inténtalo de nuevo en un minuto.',
      );
      expect(took).toBeLessThan(15_000); // Teams re-delivers past ~15 s
    } finally {
      await h.close();
      await hole.close();
    }
  }, 30_000);
});
