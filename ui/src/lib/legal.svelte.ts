// The operator's business information and the legal documents in force (GET /api/legal), loaded once per page load
// for the footer and the consent forms, and again when a consent was refused as outdated.
import type { LegalDocSlug, LegalOverview } from '$domain/legal';
import { api } from './api';

export const legal = $state<{ overview: LegalOverview | null }>({ overview: null });

let pending: Promise<LegalOverview> | null = null;

/** The overview (fetched on first use; `fresh` fetches it again, e.g. after CONSENT_OUTDATED). */
export function loadLegal(fresh = false): Promise<LegalOverview> {
  if (!pending || fresh) {
    pending = api<LegalOverview>('GET', '/api/legal').then((o) => (legal.overview = o));
    pending.catch(() => (pending = null));
  }
  return pending;
}

/** The version of each document, as a consent form posts it back. */
export function versionsOf(o: LegalOverview): Record<LegalDocSlug, string> {
  return Object.fromEntries(o.documents.map((d) => [d.slug, d.version])) as Record<LegalDocSlug, string>;
}
