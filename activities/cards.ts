import { liveSubscriptionStatuses, type CustomerCardsResult } from '../domain/cards';
import type { ActivityDeps } from './deps';

/** A card a subscription may charge: the customer's own, not removed, its billing key still sealed here. */
export type UsableCard = { ok: true; cardId: string; cardMasked: string } | { ok: false; reason: string };

/**
 * Erases one card: its billing key deleted at Toss first (while we can still open it), then NULL here with removed_at
 * set. Idempotent: an erased card is left as it is, and a key Toss no longer has counts as deleted.
 */
export async function eraseCard(
  { db, toss, secrets, log }: Pick<ActivityDeps, 'db' | 'toss' | 'secrets' | 'log'>,
  cardId: string,
): Promise<{ erased: boolean }> {
  const card = await db('cards').where({ id: cardId }).first('billingKeyEnc');
  if (!card) return { erased: false };
  if (card.billingKeyEnc) {
    const { deleted } = await toss.deleteBillingKey(secrets.open(card.billingKeyEnc, `card:${cardId}`));
    if (!deleted) log.info({ cardId }, 'billing key already gone at Toss');
  }
  const updated = await db('cards')
    .where({ id: cardId })
    .whereNotNull('billingKeyEnc')
    .update({ billingKeyEnc: null, removedAt: db.raw('coalesce(removed_at, now())') });
  return { erased: updated > 0 };
}

/** The live subscriptions that charge a card. */
function liveUsers(db: ActivityDeps['db'], cardId: string) {
  return db('subscriptions')
    .where({ cardId })
    .whereIn('status', [...liveSubscriptionStatuses])
    .select('id');
}

/**
 * Erases every card of a customer, here and at Toss (회원 탈퇴 calls it once the subscriptions have ended; it does not
 * look at them). Idempotent: erased cards are skipped, so a retry goes on from where the last attempt stopped.
 */
export async function eraseCustomerCards(
  deps: Pick<ActivityDeps, 'db' | 'toss' | 'secrets' | 'log'>,
  userId: string,
): Promise<{ erased: number }> {
  const cards = (await deps.db('cards').where({ userId }).whereNotNull('billingKeyEnc').select('id')) as {
    id: string;
  }[];
  let erased = 0;
  for (const c of cards) if ((await eraseCard(deps, c.id)).erased) erased += 1;
  return { erased };
}

/** The customerCards workflow's activities, and the subscription workflow's card lookups (결제 수단). */
export function createCardActivities(deps: ActivityDeps) {
  const { db } = deps;
  return {
    /** Whether a subscription may charge this card (a read; the subscription's own workflow writes the choice). */
    async usableCard(input: { customerId: string; cardId: string }): Promise<UsableCard> {
      const card = await db('cards')
        .where({ id: input.cardId, userId: input.customerId })
        .first('id', 'numberMasked', 'billingKeyEnc', 'removedAt');
      if (!card) return { ok: false, reason: 'card_not_found' };
      if (!card.billingKeyEnc || card.removedAt) return { ok: false, reason: 'card_removed' };
      return { ok: true, cardId: card.id, cardMasked: card.numberMasked };
    },

    /**
     * 결제 수단 삭제: refused while a live subscription charges the card, else erased here and at Toss. Idempotent: a
     * card removed before answers the same. The check and the mark are one transaction holding the card's row, so
     * a subscription cannot take it in between through this path.
     */
    async removeCustomerCard(input: { userId: string; cardId: string }): Promise<CustomerCardsResult> {
      const refusal = await db.transaction(async (trx) => {
        const card = await trx('cards')
          .where({ id: input.cardId, userId: input.userId })
          .forUpdate()
          .first('id', 'numberMasked');
        if (!card) return { ok: false as const, code: 'NOT_FOUND' as const, message: 'No such card' };
        const users = await liveUsers(trx as never, input.cardId);
        if (users.length) {
          return {
            ok: false as const,
            code: 'CONFLICT' as const,
            reason: 'card_in_use',
            message: '이 카드로 결제하는 구독이 있어 삭제할 수 없습니다. 다른 카드로 바꾼 뒤 삭제해 주세요.',
          };
        }
        await trx('cards')
          .where({ id: input.cardId })
          .whereNull('removedAt')
          .update({ removedAt: trx.fn.now() });
        return null;
      });
      if (refusal) return refusal;
      await eraseCard(deps, input.cardId);
      const row = await db('cards').where({ id: input.cardId }).first('numberMasked');
      return { ok: true, cardId: input.cardId, cardMasked: row.numberMasked };
    },

    /**
     * A subscription moved off a card (이 카드로 결제, or a new card in the window): erased if no live subscription
     * charges it any more. Idempotent: an erased card stays erased, one still in use is left alone.
     */
    async releaseCard(input: { cardId: string }): Promise<{ erased: boolean }> {
      if ((await liveUsers(db, input.cardId)).length) return { erased: false };
      return eraseCard(deps, input.cardId);
    },

    /** Erases every card of a customer here and at Toss (see eraseCustomerCards). */
    async eraseCustomerCards(input: { userId: string }): Promise<{ erased: number }> {
      return eraseCustomerCards(deps, input.userId);
    },
  };
}
