import { loadTossPayments } from '@tosspayments/tosspayments-sdk';
import { api } from './api';

interface PublicConfig {
  toss: { clientKey: string; sdkUrl: string };
}

/**
 * Opens the card-registration window through Toss's official SDK. The script comes from the configured `src`
 * (Toss itself, or the local sandbox), so this code is the same in both.
 */
export async function requestCardRegistration(p: {
  customerKey: string;
  successUrl: string;
  failUrl: string;
  customerEmail?: string;
  customerName?: string;
}): Promise<void> {
  const config = await api<PublicConfig>('GET', '/api/config');
  const toss = await loadTossPayments(config.toss.clientKey, { src: config.toss.sdkUrl });
  await toss.payment({ customerKey: p.customerKey }).requestBillingAuth({
    method: 'CARD',
    successUrl: p.successUrl,
    failUrl: p.failUrl,
    customerEmail: p.customerEmail,
    customerName: p.customerName,
  });
}

export { customerKeyFor } from '$domain/keys';
