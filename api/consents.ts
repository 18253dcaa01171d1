// The consent log's lines as the API builds them from what a person posted (docs/architecture.md#terms-and-consents):
// each names the version of the document it agrees to, which must be the one in force; the workflow's activity
// writes them with the account or the subscription.
import { nextCycle } from '../domain/calendar';
import { AppError } from '../domain/errors';
import {
  howToCancel,
  thirdPartyProvision,
  type CheckoutConsents,
  type ConsentRecord,
  type LegalDocSlug,
  type SignUpConsents,
} from '../domain/legal';
import type { LegalLibrary } from '../infra/legal';

/** Refuses versions that are not the documents in force (the page was read before an edit), naming each field. */
function checkVersions(library: LegalLibrary, posted: Partial<Record<LegalDocSlug, string>>): void {
  const current = library.versions();
  const stale = (Object.keys(posted) as LegalDocSlug[]).filter((slug) => posted[slug] !== current[slug]);
  if (stale.length === 0) return;
  throw new AppError(
    'CONSENT_OUTDATED',
    'A document changed since the page was loaded: read it again and agree to the current version',
    {
      fields: stale.map((slug) => ({
        path: `consents.versions.${slug}`,
        key: 'consent_outdated',
        message: `The current version is ${current[slug]}`,
      })),
      current,
    },
  );
}

/** Sign-up: terms, privacy and 14 or older (granted), marketing as answered. */
export function signUpConsentRecords(
  library: LegalLibrary,
  posted: SignUpConsents,
  now: Date,
): ConsentRecord[] {
  checkVersions(library, posted.versions);
  const agreedAt = now.toISOString();
  return [
    {
      kind: 'terms',
      granted: true,
      document: 'terms',
      documentVersion: posted.versions.terms,
      agreedAt,
    },
    {
      kind: 'privacy',
      granted: true,
      document: 'privacy',
      documentVersion: posted.versions.privacy,
      agreedAt,
    },
    { kind: 'age_14', granted: true, document: null, documentVersion: null, agreedAt },
    {
      kind: 'marketing',
      granted: posted.marketing,
      document: 'privacy',
      documentVersion: posted.versions.privacy,
      agreedAt,
      details: { channels: ['email'] },
    },
  ];
}

/** What the checkout page showed the customer, which the consents record. */
export interface CheckoutFacts {
  /** The amount per delivery the server computed (the posted one must equal it). */
  amount: number;
  cycleWeeks: number;
  firstChargeAt: Date;
  weekMs: number;
  seller: { partnerId: string; companyName: string };
}

/**
 * Checkout: the recurring charge (amount, cycle, first and next charge, how to cancel) under the refund policy, and the
 * provision of the delivery details to the roaster (items, purpose, retention) under the privacy policy.
 */
export function checkoutConsentRecords(
  library: LegalLibrary,
  posted: CheckoutConsents,
  facts: CheckoutFacts,
  now: Date,
): ConsentRecord[] {
  checkVersions(library, posted.versions);
  if (posted.amount !== facts.amount) {
    throw new AppError(
      'CONSENT_OUTDATED',
      'The amount per delivery changed since the page was loaded: check it and agree again',
      {
        fields: [{ path: 'consents.amount', key: 'consent_outdated', message: `Now ${facts.amount} KRW` }],
        amount: facts.amount,
      },
    );
  }
  const agreedAt = now.toISOString();
  return [
    {
      kind: 'recurring_payment',
      granted: true,
      document: 'refund',
      documentVersion: posted.versions.refund,
      agreedAt,
      details: {
        amountKrw: facts.amount,
        cycleWeeks: facts.cycleWeeks,
        firstChargeAt: facts.firstChargeAt.toISOString(),
        nextChargeAt: nextCycle(facts.firstChargeAt, facts.cycleWeeks, facts.weekMs).toISOString(),
        howToCancel,
      },
    },
    {
      kind: 'third_party_provision',
      granted: true,
      document: 'privacy',
      documentVersion: posted.versions.privacy,
      agreedAt,
      details: {
        recipient: facts.seller.companyName,
        recipientPartnerId: facts.seller.partnerId,
        items: [...thirdPartyProvision.items],
        purpose: thirdPartyProvision.purpose,
        retention: thirdPartyProvision.retention,
      },
    },
  ];
}
