// The legal basics of a Korean marketplace (docs/architecture.md#terms-and-consents): the operator's documents, its
// business information, the sellers' (roasters') business information, and the consents recorded with the version of
// the document each one agreed to.
import { z } from 'zod';

/** The operator's documents, each a Markdown file in LEGAL_DIR (`<slug>.ko.md`). */
export const legalDocSlugs = ['terms', 'privacy', 'refund'] as const;
export type LegalDocSlug = (typeof legalDocSlugs)[number];

/** Where the storefront shows each document. */
export const legalDocPaths: Record<LegalDocSlug, string> = {
  terms: '/terms',
  privacy: '/privacy',
  refund: '/refund-policy',
};

/** A document as the footer and the consent forms know it. */
export interface LegalDocumentMeta {
  slug: LegalDocSlug;
  title: string;
  /**
   * What a consent records: the file's front-matter `version` and the digest of its text (`2026-12-07+3fa2c91b0d`), so
   * an edit that forgets to bump the version is still another version.
   */
  version: string;
  /** The date it takes effect (front matter `effective`, YYYY-MM-DD). */
  effectiveDate: string;
  /** The shipped default the operator has not replaced yet (front matter `template: true`). */
  template: boolean;
}

/** A document rendered for its page: HTML made by our renderer only (raw HTML in the file is shown as text). */
export interface LegalDocument extends LegalDocumentMeta {
  html: string;
}

/** The operator's business information, shown in every page's footer (전자상거래법 §10, 사업자 정보 표시). */
export interface BusinessInfo {
  /** 상호 */
  name: string;
  /** 대표자 */
  representative: string;
  /** 사업자등록번호 (123-45-67890) */
  registrationNumber: string;
  /** 통신판매업 신고번호 (2024-서울강남-01234) */
  mailOrderReportNumber: string;
  /** 주소 */
  address: string;
  /** 연락처 (전화) */
  phone: string;
  /** 연락처 (이메일) */
  email: string;
  /** 개인정보 보호책임자 */
  privacyOfficer: string;
}

/** What the footer and the consent forms read (GET /api/legal). */
export interface LegalOverview {
  business: BusinessInfo;
  documents: LegalDocumentMeta[];
}

/** The roaster who sells a product, shown on its page (the marketplace is only the intermediary). */
export interface SellerInfo {
  companyName: string;
  representative: string;
  businessNumber: string;
  /** Null for a roaster approved before the application asked for it. */
  mailOrderNumber: string | null;
  address: string;
  phone: string;
  email: string;
}

// ——— 통신판매업 신고번호 ———

// 제2024-서울강남-01234호 as written on a 신고증; the year, the 시·군·구 (Korean, 2–10 syllables), a serial number.
const MAIL_ORDER = /^(?:제\s*)?(\d{4})\s*-\s*([가-힣]{2,10})\s*-\s*(\d{3,6})(?:\s*호)?$/;

/** `2024-서울강남-01234` from what a person typed (제…호 and spaces dropped), or null when it is not one. */
export function normaliseMailOrderNumber(value: string): string | null {
  const m = MAIL_ORDER.exec(value.trim());
  if (!m) return null;
  const year = Number(m[1]);
  if (year < 2000 || year > 2100) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** The partner application's 통신판매업 신고번호 field. */
export const mailOrderNumberSchema = z
  .string({ error: 'required' })
  .trim()
  .min(1, 'required')
  .max(40, 'too_long')
  .refine((v) => normaliseMailOrderNumber(v) !== null, 'invalid_mail_order_number')
  .transform((v) => normaliseMailOrderNumber(v) ?? v);

// ——— Consents ———

/**
 * What a person agreed to: at sign-up the terms, the privacy policy, being 14 or older (required) and marketing
 * (optional, its answer recorded either way); at checkout the recurring charge (정기결제) and the provision of their
 * delivery details to the roaster (개인정보 제3자 제공).
 */
export const consentKinds = [
  'terms',
  'privacy',
  'age_14',
  'marketing',
  'recurring_payment',
  'third_party_provision',
] as const;
export type ConsentKind = (typeof consentKinds)[number];

/** Where a consent was given: `signup` (about the account) or `checkout` (about one subscription). */
export type ConsentSource = 'signup' | 'checkout';

/**
 * One line of the consent log as a workflow carries it to the activity that writes it (in the same transaction as the
 * account or the subscription). The API builds it from what the person posted and the documents in force.
 */
export interface ConsentRecord {
  kind: ConsentKind;
  /** The answer: always true for a required consent (nothing is written without it); marketing may be false. */
  granted: boolean;
  /** The document the consent refers to, and its version (null: a statement without a document, e.g. age). */
  document: LegalDocSlug | null;
  documentVersion: string | null;
  /** When the API received it (ISO). */
  agreedAt: string;
  /** What the person was shown, e.g. the amount and cycle of a recurring charge, or the roaster and the items. */
  details?: Record<string, unknown>;
}

/** The versions of the documents a form showed, as posted back: `{ terms: '2026-12-07+3fa2c91b0d', … }`. */
const versionSchema = z
  .string({ error: 'required' })
  .min(1, 'required')
  .max(80, 'too_long')
  .regex(/^[\w.+:-]+$/, 'invalid_version');

/** Sign-up consents: terms, privacy and 14 or older required; marketing optional. */
export const signUpConsentsSchema = z.strictObject(
  {
    terms: z.literal(true, { error: 'consent_required' }),
    privacy: z.literal(true, { error: 'consent_required' }),
    age14: z.literal(true, { error: 'under_14' }),
    marketing: z.boolean({ error: 'required' }).default(false),
    versions: z.strictObject({ terms: versionSchema, privacy: versionSchema }, { error: 'required' }),
  },
  { error: 'consent_required' },
);
export type SignUpConsents = z.infer<typeof signUpConsentsSchema>;

/**
 * Checkout consents: the recurring charge of `amount` per delivery (what the page showed; a price that changed in
 * between is refused) and the provision of the delivery details to the roaster. Their versions are those of the
 * 취소·환불 정책 and the 개인정보처리방침 that govern them.
 */
export const checkoutConsentsSchema = z.strictObject(
  {
    recurringPayment: z.literal(true, { error: 'consent_required' }),
    thirdPartyProvision: z.literal(true, { error: 'consent_required' }),
    amount: z.int({ error: 'required' }).positive().max(100_000_000),
    versions: z.strictObject({ refund: versionSchema, privacy: versionSchema }, { error: 'required' }),
  },
  { error: 'consent_required' },
);
export type CheckoutConsents = z.infer<typeof checkoutConsentsSchema>;

/** What the roaster receives of a subscriber (개인정보 제3자 제공), shown at checkout and recorded with the consent. */
export const thirdPartyProvision = {
  items: ['수령인 이름', '연락처', '배송 주소', '배송 메모', '주문 상품·옵션'],
  purpose: '구독 상품의 로스팅·배송, 교환·환불 등 주문 처리와 고객 응대',
  retention: '구독 종료 후 3개월까지 (관계 법령이 보존을 정한 기록은 그 기간)',
} as const;

/** How a subscriber cancels, shown with the 정기결제 consent and recorded with it. */
export const howToCancel =
  '마이페이지 → 구독에서 언제든 해지할 수 있습니다 (즉시 또는 이번 회차 종료 시). 발송 전 회차는 전액 환불됩니다.';
