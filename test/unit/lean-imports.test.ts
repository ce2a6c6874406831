/**
 * What the bot does not load (docs/benchmarks.md, session 13): the index of @microsoft/teams-ai
 * (its AI side: OpenAI clients, GPT tokenizers, planners) and, until a card needs it,
 * adaptivecards-templating's expression engine. Each was kept in every process's heap, which
 * every major garbage collection marked again.
 */
const mockLoaded: string[] = [];
jest.mock('@microsoft/teams-ai', () => {
  mockLoaded.push('@microsoft/teams-ai');
  return jest.requireActual('@microsoft/teams-ai');
});
jest.mock('adaptivecards-templating', () => {
  mockLoaded.push('adaptivecards-templating');
  return jest.requireActual('adaptivecards-templating');
});

test("the bot's modules load neither teams-ai's index nor the templating library", () => {
  require('../../src/server');
  require('../../src/teams/app');
  require('../../src/teams/notify/notifier');
  const { triageCard } = require('../../src/teams/cards/triage.card');
  const { policy, sampleTicket } = require('../support/card-samples');
  for (const locale of ['en', 'es']) triageCard(locale, sampleTicket(7), policy);
  expect(mockLoaded).toEqual([]);

  // The library is still there for what the compiled templates leave to it.
  const { expandWithLibrary } = require('../../src/teams/cards/render');
  const card = expandWithLibrary(
    { type: 'AdaptiveCard', body: [{ text: '${name}' }] },
    { name: 'Ana' },
  );
  expect(card).toEqual({ type: 'AdaptiveCard', body: [{ text: 'Ana' }] });
  expect(mockLoaded).toEqual(['adaptivecards-templating']);
});
