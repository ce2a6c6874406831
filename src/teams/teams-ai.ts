/**
 * The parts of `@microsoft/teams-ai` this bot uses, imported from their own modules. The
 * package's index also loads its AI side (OpenAI clients, GPT tokenizers with their encodings,
 * planners, prompts): 191 modules and 11.7 MB of heap the bot never uses, which every major
 * garbage collection marked again under load (docs/benchmarks.md, session 13). The package has no
 * `exports` map and is pinned (1.7.4): these paths are its published files.
 */
export { Application } from '@microsoft/teams-ai/lib/Application';
export { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
export { TurnState } from '@microsoft/teams-ai/lib/TurnState';
