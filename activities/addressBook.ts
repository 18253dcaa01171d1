import type { Knex } from 'knex';
import {
  ADDRESS_BOOK_LIMIT,
  type AddressBookInput,
  type AddressBookResult,
  type StructuredShipTo,
} from '../domain/address';
import type { ActivityDeps } from './deps';

const columns = (a: StructuredShipTo) => ({
  name: a.name,
  phone: a.phone,
  postcode: a.postcode,
  address1: a.address1,
  address2: a.address2 ?? '',
  memo: a.memo ?? null,
});

/** Makes `id` the customer's one default (the partial unique index allows no second). */
async function makeDefault(trx: Knex.Transaction, userId: string, id: string): Promise<void> {
  await trx('addresses').where({ userId, isDefault: true }).whereNot({ id }).update({ isDefault: false });
  await trx('addresses').where({ userId, id }).update({ isDefault: true });
}

/** The addressBook workflow's activity: the customer's address book. */
export function createAddressBookActivities({ db }: ActivityDeps) {
  return {
    /**
     * One write to a customer's address book, in one transaction under a lock on the customer's row; there is always
     * exactly one default while the book has addresses (the first becomes it; removing it promotes the newest).
     * Idempotent: an add keeps its id (a retry finds it), edits set values, removing what is gone is done.
     */
    async writeAddressBook(input: AddressBookInput): Promise<AddressBookResult> {
      const { userId, action } = input;
      return db.transaction(async (trx): Promise<AddressBookResult> => {
        await trx('users').where({ id: userId }).forUpdate().first('id');
        const mine = () => trx('addresses').where({ userId });
        const gone: AddressBookResult = { ok: false, code: 'NOT_FOUND', reason: 'address_not_found' };
        switch (action.kind) {
          case 'add': {
            const existing = await mine().where({ id: action.id }).first('id');
            if (!existing) {
              const { n } = (await mine().first(trx.raw('count(*)::int as n'))) as { n: number };
              if (n >= ADDRESS_BOOK_LIMIT)
                return { ok: false, code: 'CONFLICT', reason: 'address_book_full' };
              await trx('addresses')
                .insert({ id: action.id, userId, ...columns(action.address) })
                .onConflict('id')
                .ignore();
            }
            break;
          }
          case 'edit': {
            const n = await mine()
              .where({ id: action.id })
              .update({ ...columns(action.address), updatedAt: trx.fn.now() });
            if (!n) return gone;
            break;
          }
          case 'remove':
            await mine().where({ id: action.id }).delete();
            break;
          case 'setDefault':
            if (!(await mine().where({ id: action.id }).first('id'))) return gone;
            await makeDefault(trx, userId, action.id);
            break;
        }
        const wantsDefault = (action.kind === 'add' || action.kind === 'edit') && action.makeDefault;
        const current = await mine().where({ isDefault: true }).first('id');
        if (wantsDefault) await makeDefault(trx, userId, action.id);
        else if (!current) {
          // The first address, or the default was removed: the newest one left becomes the default.
          const next = await mine()
            .orderBy([{ column: 'createdAt', order: 'desc' }, 'id'])
            .first('id');
          if (next) await makeDefault(trx, userId, next.id as string);
        }
        return { ok: true, id: action.id };
      });
    },
  };
}
