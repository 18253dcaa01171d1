import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import {
  addressFormSchema,
  changeAddressSchema,
  type AddressBookInput,
  type AddressEntry,
  type StructuredShipTo,
} from '../../domain/address';
import { addressBookHandle, startAddressBook } from '../../domain/contracts/addressBook';
import { changeAddressUpdate, subscriptionHandle } from '../../domain/contracts/subscription';
import { AppError } from '../../domain/errors';
import type { ApiContext, ApiDeps } from '../context';
import { route, type RouteDef } from '../route';
import { fromTemporal } from '../temporalErrors';

// The customer's address book (domain/address.ts) and a live subscription's 배송지 변경. Reads come from the
// `addresses` table; every write is an addressBook workflow (one at a time per customer) or the subscription's Update.

const idParams = z.strictObject({ id: z.uuid() });
const userOf = (ctx: ApiContext) => ctx.state.user!;

interface AddressRow {
  id: string;
  name: string;
  phone: string;
  postcode: string;
  address1: string;
  address2: string;
  memo: string | null;
  isDefault: boolean;
  createdAt: Date;
}

function present(r: AddressRow): AddressEntry {
  return {
    id: r.id,
    name: r.name,
    phone: r.phone,
    postcode: r.postcode,
    address1: r.address1,
    ...(r.address2 ? { address2: r.address2 } : {}),
    ...(r.memo ? { memo: r.memo } : {}),
    isDefault: r.isDefault,
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

/** The customer's addresses, the default first, then the newest. */
export async function addressesOf(db: Knex, userId: string): Promise<AddressEntry[]> {
  const rows = (await db('addresses')
    .where({ userId })
    .orderBy([
      { column: 'isDefault', order: 'desc' },
      { column: 'createdAt', order: 'desc' },
      { column: 'id' },
    ])
    .select('*')) as AddressRow[];
  return rows.map(present);
}

/** One of the customer's own addresses; anyone else's is "not found". */
async function ownAddress(db: Knex, userId: string, id: string): Promise<AddressEntry> {
  const row = (await db('addresses').where({ id, userId }).first()) as AddressRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', 'No such address', { reason: 'address_not_found' });
  return present(row);
}

/** The fields a subscription and its orders carry (no book bookkeeping). */
const shipToOf = (a: AddressEntry): StructuredShipTo => {
  const { id: _id, isDefault: _d, createdAt: _c, ...shipTo } = a;
  return shipTo;
};

/** One write to the book, one at a time per customer: a second one waits for the running one, then starts. */
async function runAction(deps: ApiDeps, input: AddressBookInput): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await (await startAddressBook(deps.temporal, deps.config.temporal, input)).result();
      if (!result.ok)
        throw new AppError(
          result.code,
          result.reason === 'address_book_full' ? 'The address book is full' : 'No such address',
          { reason: result.reason },
        );
      return;
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || attempt >= 5) throw fromTemporal(err);
      await addressBookHandle(deps.temporal, input.userId)
        .result()
        .catch(() => undefined);
    }
  }
}

/** A write to one of my addresses that answers with the whole book (remove, make default). */
function bookAction(
  method: 'DELETE' | 'POST',
  path: string,
  summary: string,
  kind: 'remove' | 'setDefault',
): RouteDef {
  return route({
    method,
    path,
    summary,
    tag: 'addresses',
    access: 'user',
    params: idParams,
    async handler({ ctx, params, deps }) {
      const userId = userOf(ctx).id;
      await ownAddress(deps.db, userId, params.id);
      await runAction(deps, { userId, action: { kind, id: params.id } });
      return { items: await addressesOf(deps.db, userId) };
    },
  });
}

export function addressRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/me/addresses',
      summary: 'My address book (배송지 관리): the default first',
      tag: 'addresses',
      access: 'user',
      async handler({ ctx, deps: { db } }) {
        return { items: await addressesOf(db, userOf(ctx).id) };
      },
    }),
    route({
      method: 'POST',
      path: '/api/me/addresses',
      summary: 'Save a new address (the first one becomes the default)',
      tag: 'addresses',
      access: 'user',
      body: addressFormSchema,
      status: 201,
      async handler({ ctx, body, deps }) {
        const userId = userOf(ctx).id;
        const { makeDefault, ...address } = body;
        const id = randomUUID();
        await runAction(deps, { userId, action: { kind: 'add', id, address, makeDefault: !!makeDefault } });
        return ownAddress(deps.db, userId, id);
      },
    }),
    route({
      method: 'PUT',
      path: '/api/me/addresses/:id',
      summary: 'Edit one of my addresses (subscriptions keep theirs until I change them)',
      tag: 'addresses',
      access: 'user',
      params: idParams,
      body: addressFormSchema,
      async handler({ ctx, params, body, deps }) {
        const userId = userOf(ctx).id;
        await ownAddress(deps.db, userId, params.id);
        const { makeDefault, ...address } = body;
        await runAction(deps, {
          userId,
          action: { kind: 'edit', id: params.id, address, makeDefault: !!makeDefault },
        });
        return ownAddress(deps.db, userId, params.id);
      },
    }),
    bookAction(
      'DELETE',
      '/api/me/addresses/:id',
      'Remove one of my addresses (removing the default makes the newest other one the default)',
      'remove',
    ),
    bookAction(
      'POST',
      '/api/me/addresses/:id/default',
      'Make one of my addresses the default (기본 배송지)',
      'setDefault',
    ),
    route({
      method: 'POST',
      path: '/api/subscriptions/:id/address',
      summary:
        'Ship a subscription to one of my saved addresses from now on: its orders not shipped yet go there too (shipped ones keep theirs)',
      tag: 'subscriptions',
      access: 'user',
      params: idParams,
      body: changeAddressSchema,
      async handler({ ctx, params, body, deps }) {
        const user = userOf(ctx);
        const sub = await deps.db('subscriptions').where({ id: params.id }).first('customerId');
        if (!sub || (sub.customerId !== user.id && !user.roles.includes('admin')))
          throw new AppError('NOT_FOUND', 'No such subscription');
        // The address comes from the subscriber's own book (an admin acting for them picks from theirs too).
        const address = await ownAddress(deps.db, sub.customerId as string, body.addressId);
        try {
          const { ordersUpdated } = await subscriptionHandle(deps.temporal, params.id).executeUpdate(
            changeAddressUpdate,
            {
              args: [{ actor: { userId: user.id, roles: user.roles }, args: { shipTo: shipToOf(address) } }],
            },
          );
          return { shipTo: shipToOf(address), ordersUpdated };
        } catch (err) {
          throw fromTemporal(
            err,
            new AppError('CONFLICT', 'This subscription has ended', { reason: 'subscription_ended' }),
          );
        }
      },
    }),
  ];
}
