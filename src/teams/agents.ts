import { TeamsInfo, TurnContext } from 'botbuilder';
import { Person } from '../domain/tickets/ticket';

/** Seconds a team's roster is trusted before it is looked up again. */
export const ROSTER_TTL_MS = 60_000;

export interface Agent extends Person {
  /** the Teams user id (29:…), needed to @mention the agent */
  userId: string;
}

/**
 * Agents are the members of the team that holds a tier's channel (spec section 9), looked up
 * with the Teams roster API and cached briefly. The cache only saves calls: a person removed
 * from the team loses access within the TTL.
 */
export class AgentDirectory {
  private readonly cache = new Map<string, { at: number; members: Agent[] }>();

  constructor(private readonly now: () => number = Date.now) {}

  async members(ctx: TurnContext, teamId: string): Promise<Agent[]> {
    const hit = this.cache.get(teamId);
    if (hit && this.now() - hit.at < ROSTER_TTL_MS) return hit.members;
    const members: Agent[] = [];
    let token: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await TeamsInfo.getPagedTeamMembers(ctx, teamId, 500, token);
      for (const m of res.members ?? []) {
        members.push({ id: m.aadObjectId || m.id, name: m.name ?? '', userId: m.id });
      }
      token = res.continuationToken;
      if (!token) break;
    }
    this.cache.set(teamId, { at: this.now(), members });
    return members;
  }

  async isAgent(ctx: TurnContext, teamId: string, personId: string): Promise<boolean> {
    return (await this.members(ctx, teamId)).some((m) => m.id === personId);
  }
}
