import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CustomerCardsInput, CustomerCardsResult } from '../domain/cards';
import { cardFailureWords } from '../domain/cardErrors';
import type { CustomerCardsWorkflow } from '../domain/contracts/customerCards';
import { providerActivityOptions } from './options';

// 새 카드 등록 answers the customer waiting at the card window's return: a budget they can wait for.
const registering = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  scheduleToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5s' },
});
// A removal goes on until Toss has the key deleted: the card is unusable from its first step.
const removing = proxyActivities<Activities>(providerActivityOptions);

/** A customer registers a card (결제 수단 → 새 카드 등록) or removes one no live subscription charges. */
export async function customerCards(input: CustomerCardsInput): Promise<CustomerCardsResult> {
  const { userId, action } = input;
  switch (action.kind) {
    case 'register': {
      let result;
      try {
        result = await registering.connectCard({
          customerId: userId,
          customerKey: action.customerKey,
          authKey: action.authKey,
        });
      } catch {
        const words = cardFailureWords('PROVIDER_UNAVAILABLE');
        return {
          ok: false,
          code: 'PAYMENT_PROVIDER_UNAVAILABLE',
          providerCode: 'PROVIDER_UNAVAILABLE',
          message: words.ko,
        };
      }
      if (result.ok) return result;
      const words = cardFailureWords(result.code);
      return {
        ok: false,
        code: words.kind === 'auth' ? 'CARD_AUTH_INVALID' : 'CARD_DECLINED',
        providerCode: result.code,
        message: words.ko,
      };
    }
    case 'remove':
      return removing.removeCustomerCard({ userId, cardId: action.cardId });
  }
}
customerCards satisfies CustomerCardsWorkflow;
