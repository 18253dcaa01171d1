// The consents a sign-up or a checkout posts, with the versions of the documents in force (GET /api/legal), as the
// storefront's forms post them (docs/architecture.md#terms-and-consents).
import type { LegalDocSlug, LegalOverview } from '../domain/legal';
import type { CatalogProduct } from '../domain/product';

/** What the helpers need of test/browser.ts's Browser (not imported: it uses these helpers itself). */
interface Browser {
  get<T>(path: string): Promise<{ status: number; body: T }>;
}

/** The version of each document the API serves now. */
export async function legalVersions(b: Browser): Promise<Record<LegalDocSlug, string>> {
  const res = await b.get<LegalOverview>('/api/legal');
  if (res.status !== 200) throw new Error(`GET /api/legal: ${res.status} ${JSON.stringify(res.body)}`);
  return Object.fromEntries(res.body.documents.map((d) => [d.slug, d.version])) as Record<
    LegalDocSlug,
    string
  >;
}

/** Sign-up consents: every required one given, marketing declined unless `over` says otherwise. */
export async function signUpConsents(b: Browser, over: Record<string, unknown> = {}) {
  const v = await legalVersions(b);
  return {
    terms: true,
    privacy: true,
    age14: true,
    marketing: false,
    versions: { terms: v.terms, privacy: v.privacy },
    ...over,
  };
}

/** Checkout consents for a product and the options chosen: 정기결제 of the amount the product page would show. */
export async function checkoutConsents(
  b: Browser,
  productId: string,
  options: { grams: number; quantity: number },
  over: Record<string, unknown> = {},
) {
  const [v, product] = await Promise.all([
    legalVersions(b),
    b.get<CatalogProduct>(`/api/catalog/products/${productId}`),
  ]);
  const price = product.body.options?.weights.find((w) => w.grams === options.grams)?.priceKrw ?? 0;
  return {
    recurringPayment: true,
    thirdPartyProvision: true,
    amount: Math.max(1, price * options.quantity),
    versions: { refund: v.refund, privacy: v.privacy },
    ...over,
  };
}
