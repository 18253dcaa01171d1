import { createHash, randomBytes } from 'node:crypto';
import { vatOf, type TossCancel, type TossCard, type TossPayment } from '../types';

/** Toss's timestamp format: seconds, with the Asia/Seoul offset (2022-06-08T15:40:09+09:00). */
export function kst(date: Date = new Date()): string {
  const shifted = new Date(date.getTime() + 9 * 3600_000);
  return `${shifted.toISOString().slice(0, 19)}+09:00`;
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const alnum = (n: number) =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n);

/** Keys shaped like Toss's: opaque strings to every client. */
export const newPaymentKey = () => `tsbx_${kst().slice(0, 19).replace(/\D/g, '')}${alnum(10)}`;
export const newTransactionKey = () => randomBytes(16).toString('hex').toUpperCase();
export const newBillingKey = () =>
  `${randomBytes(30).toString('base64').replace(/\//g, '_').replace(/\+/g, '-')}`;
export const newAuthKey = () => `bln_${alnum(24)}`;

/** A DONE billing payment as Toss returns it (Payment object, version 2022-11-16). */
export function approvedPayment(p: {
  paymentKey: string;
  orderId: string;
  orderName: string;
  amount: number;
  taxFreeAmount: number;
  card: TossCard;
  requestedAt: Date;
  approvedAt: Date;
  publicUrl: string;
}): TossPayment {
  const transactionKey = newTransactionKey();
  const { vat, suppliedAmount } = vatOf(p.amount, p.taxFreeAmount);
  return {
    mId: 'tdalgona01',
    version: '2022-11-16',
    paymentKey: p.paymentKey,
    status: 'DONE',
    lastTransactionKey: transactionKey,
    orderId: p.orderId,
    orderName: p.orderName,
    requestedAt: kst(p.requestedAt),
    approvedAt: kst(p.approvedAt),
    useEscrow: false,
    cultureExpense: false,
    card: {
      ...p.card,
      amount: p.amount,
      installmentPlanMonths: 0,
      isInterestFree: false,
      interestPayer: null,
      approveNo: String(Math.floor(Math.random() * 1e8)).padStart(8, '0'),
      useCardPoint: false,
      acquireStatus: 'READY',
    },
    virtualAccount: null,
    transfer: null,
    mobilePhone: null,
    giftCertificate: null,
    cashReceipt: null,
    cashReceipts: null,
    discount: null,
    cancels: null,
    secret: `ps_${alnum(20)}`,
    type: 'BILLING',
    easyPay: null,
    country: 'KR',
    failure: null,
    isPartialCancelable: true,
    receipt: { url: `${p.publicUrl}/receipts/${p.paymentKey}` },
    checkout: { url: `${p.publicUrl}/v1/payments/${p.paymentKey}/checkout` },
    currency: 'KRW',
    totalAmount: p.amount,
    balanceAmount: p.amount,
    suppliedAmount,
    vat,
    taxFreeAmount: p.taxFreeAmount,
    taxExemptionAmount: 0,
    metadata: null,
    method: '카드',
  };
}

/** The payment after a (full or partial) cancel of `amount`. */
export function canceledPayment(payment: TossPayment, amount: number, reason: string, at: Date): TossPayment {
  const balance = payment.balanceAmount - amount;
  const transactionKey = newTransactionKey();
  const cancel: TossCancel = {
    transactionKey,
    cancelReason: reason,
    taxExemptionAmount: 0,
    canceledAt: kst(at),
    transferDiscountAmount: 0,
    easyPayDiscountAmount: 0,
    receiptKey: null,
    cancelAmount: amount,
    taxFreeAmount: 0,
    refundableAmount: balance,
    cancelStatus: 'DONE',
    cancelRequestId: null,
  };
  const cancels = [...(payment.cancels ?? []), cancel];
  const { vat, suppliedAmount } = vatOf(balance, 0);
  // A one-shot full cancel is CANCELED; partial cancels stay PARTIAL_CANCELED even at a zero balance (as Toss does).
  const full = cancels.length === 1 && amount === payment.totalAmount;
  return {
    ...payment,
    status: full ? 'CANCELED' : 'PARTIAL_CANCELED',
    lastTransactionKey: transactionKey,
    cancels,
    balanceAmount: balance,
    vat,
    suppliedAmount,
    card: payment.card
      ? { ...payment.card, acquireStatus: full ? 'CANCELED' : payment.card.acquireStatus }
      : null,
  };
}
