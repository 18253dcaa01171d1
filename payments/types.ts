// Toss Payments' documented objects (API version 2022-11-16), as this project uses them.

/** A card as Toss describes it: issuer / acquirer codes and a masked number (e.g. 43301234****123*). */
export interface TossCard {
  issuerCode: string;
  acquirerCode: string | null;
  number: string;
  cardType: '신용' | '체크' | '기프트' | '미확인';
  ownerType: '개인' | '법인' | '미확인';
}

/** The Billing object: what `POST /v1/billing/authorizations/issue` returns. */
export interface TossBilling {
  mId: string;
  customerKey: string;
  authenticatedAt: string;
  method: string;
  billingKey: string;
  card: TossCard;
}

/** One cancellation of a payment. */
export interface TossCancel {
  cancelAmount: number;
  cancelReason: string;
  taxFreeAmount: number;
  taxExemptionAmount: number;
  refundableAmount: number;
  transferDiscountAmount: number;
  easyPayDiscountAmount: number;
  canceledAt: string;
  transactionKey: string;
  receiptKey: string | null;
  cancelStatus: 'DONE';
  cancelRequestId: string | null;
}

export type TossPaymentStatus =
  | 'READY'
  | 'IN_PROGRESS'
  | 'WAITING_FOR_DEPOSIT'
  | 'DONE'
  | 'CANCELED'
  | 'PARTIAL_CANCELED'
  | 'ABORTED'
  | 'EXPIRED';

/** The Payment object (version 2022-11-16), with the card fields a billing payment fills. */
export interface TossPayment {
  mId: string;
  version: string;
  paymentKey: string;
  status: TossPaymentStatus;
  lastTransactionKey: string | null;
  orderId: string;
  orderName: string;
  requestedAt: string;
  approvedAt: string | null;
  useEscrow: boolean;
  cultureExpense: boolean;
  card:
    | (TossCard & {
        amount: number;
        installmentPlanMonths: number;
        isInterestFree: boolean;
        interestPayer: string | null;
        approveNo: string;
        useCardPoint: boolean;
        acquireStatus: 'READY' | 'REQUESTED' | 'COMPLETED' | 'CANCEL_REQUESTED' | 'CANCELED';
      })
    | null;
  virtualAccount: null;
  transfer: null;
  mobilePhone: null;
  giftCertificate: null;
  cashReceipt: null;
  cashReceipts: null;
  discount: null;
  cancels: TossCancel[] | null;
  secret: string | null;
  type: 'NORMAL' | 'BILLING' | 'BRANDPAY';
  easyPay: null;
  country: string;
  failure: { code: string; message: string } | null;
  isPartialCancelable: boolean;
  receipt: { url: string } | null;
  checkout: { url: string } | null;
  currency: 'KRW';
  totalAmount: number;
  balanceAmount: number;
  suppliedAmount: number;
  vat: number;
  taxFreeAmount: number;
  taxExemptionAmount: number;
  metadata: Record<string, string> | null;
  method: string | null;
}

/** Every Toss error body: `{ code, message }`. */
export interface TossErrorBody {
  code: string;
  message: string;
}

export interface IssueBillingKeyRequest {
  authKey: string;
  customerKey: string;
}

export interface ChargeBillingKeyRequest {
  customerKey: string;
  amount: number;
  orderId: string;
  orderName: string;
  customerEmail?: string;
  customerName?: string;
  taxFreeAmount?: number;
}

export interface CancelPaymentRequest {
  cancelReason: string;
  /** Omit for a full cancel. */
  cancelAmount?: number;
}

/** Supply value and VAT of an amount, as Toss computes them (VAT rounded from the taxable part / 11). */
export function vatOf(amount: number, taxFreeAmount = 0): { suppliedAmount: number; vat: number } {
  const vat = Math.round((amount - taxFreeAmount) / 11);
  return { vat, suppliedAmount: amount - taxFreeAmount - vat };
}

/** orderId: 6–64 characters of letters, digits, `-`, `_` and `=`. */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9_=-]{6,64}$/;
