import { FakeTeams } from '../support/fake-teams';

/**
 * The fake Teams itself, as `npm run bench` uses it: a long load run forgets what it recorded,
 * but for the messages the bot may still update.
 */
describe('FakeTeams.forget', () => {
  const teams = new FakeTeams();
  beforeAll(() => teams.start());
  afterAll(() => teams.stop());

  const post = async (conversationId: string, text: string) => {
    const res = await fetch(`${teams.serviceUrl}v3/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text }),
    });
    return ((await res.json()) as { id: string }).id;
  };
  const put = (conversationId: string, id: string, text: string) =>
    fetch(`${teams.serviceUrl}v3/conversations/${conversationId}/activities/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text }),
    }).then((r) => r.status);

  test('keeps the messages it is given, updatable, and forgets the rest and the requests', async () => {
    const kept = await post('a:1', 'kept');
    const dropped = await post('a:2', 'dropped');
    expect(await put('a:1', kept, 'kept, edited')).toBe(200);
    expect(teams.requests).toHaveLength(3);

    teams.forget(teams.messagesIn('a:1'));
    expect(teams.messages.map((m) => m.activity.text)).toEqual(['kept, edited']);
    expect(teams.messages[0].history).toHaveLength(1);
    expect(teams.requests).toHaveLength(0);

    expect(await put('a:1', kept, 'kept, edited again')).toBe(200);
    expect(teams.messagesIn('a:1')[0].activity.text).toBe('kept, edited again');
    expect(await put('a:2', dropped, 'gone')).toBe(404);
    // New messages are recorded as before.
    await post('a:2', 'new');
    expect(teams.messagesIn('a:2').map((m) => m.activity.text)).toEqual(['new']);
  });
});
