/**
 * A ticket's shareable link: `https://<bot host>/tickets/SUP-000123`. Pasted into a Teams
 * compose box, the bot's link unfurling (`composeExtension/queryLink`, the manifest's
 * `messageHandlers` on the bot's domain) shows the ticket's card to whoever may see it.
 */
export function ticketLink(host: string, trackingId: string): string {
  return `https://${host}/tickets/${encodeURIComponent(trackingId)}`;
}

/** The ticket number of a ticket link with the configured prefix, or undefined for any other URL. */
export function parseTicketLink(url: string, trackingPrefix: string): number | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:') return undefined;
  const m = /^\/tickets\/([A-Za-z][A-Za-z0-9]*)-(\d{1,9})\/?$/.exec(parsed.pathname);
  if (!m || m[1].toLowerCase() !== trackingPrefix.toLowerCase()) return undefined;
  const n = Number(m[2]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Hosts of links to Teams messages (`messagePayload.linkToMessage`). */
const TEAMS_HOSTS = new Set(['teams.microsoft.com', 'teams.cloud.microsoft', 'teams.live.com']);

/** Longest message link kept (characters); real ones are ~150. */
export const MESSAGE_LINK_MAX = 2000;

/** True for an https link to a Teams message: only those are kept and shown with a ticket. */
export function isTeamsMessageLink(url: string): boolean {
  if (url.length > MESSAGE_LINK_MAX) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && TEAMS_HOSTS.has(u.hostname.toLowerCase());
  } catch {
    return false;
  }
}
