// The addressBook workflow's contract (domain/address.ts): a customer's writes to their own address book — add, edit,
// remove, set the default — each a short workflow, one at a time per customer.
import type { Client, WorkflowHandle, WorkflowStartOptions } from '@temporalio/client';
import type { AddressBookInput, AddressBookResult } from '../address';
import { taskQueue, type Domain } from '../taskQueues';
import type { StartContext, StartOptions } from './start';

export type { AddressBookInput, AddressBookResult };

/** The workflow type (what workflows/addressBook.ts exports). */
export const addressBookWorkflowType = 'addressBook';
/** Served by the accounts workers (a customer's own addresses). */
export const addressBookDomain: Domain = 'accounts';
/** One at a time per user: `addressBook:<user id>`. */
export const addressBookWorkflowId = (userId: string) => `addressBook:${userId}`;
/** The workflow's signature; the implementation is checked against it. */
export type AddressBookWorkflow = (input: AddressBookInput) => Promise<AddressBookResult>;

/** The options that start one action. */
export function addressBookStartOptions(
  ctx: StartContext,
  input: AddressBookInput,
  opts: StartOptions<AddressBookWorkflow> = {},
): WorkflowStartOptions<AddressBookWorkflow> {
  return {
    ...opts,
    workflowId: addressBookWorkflowId(input.userId),
    taskQueue: taskQueue(ctx.taskQueuePrefix, addressBookDomain),
    args: [input],
  };
}

/** Starts one action; its `result()` says whether it was done. */
export function startAddressBook(
  client: Client,
  ctx: StartContext,
  input: AddressBookInput,
  opts?: StartOptions<AddressBookWorkflow>,
) {
  return client.workflow.start<AddressBookWorkflow>(
    addressBookWorkflowType,
    addressBookStartOptions(ctx, input, opts),
  );
}

/** The user's latest action (the one running, if any). */
export function addressBookHandle(client: Client, userId: string): WorkflowHandle<AddressBookWorkflow> {
  return client.workflow.getHandle<AddressBookWorkflow>(addressBookWorkflowId(userId));
}
