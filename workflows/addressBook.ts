import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AddressBookWorkflow } from '../domain/contracts/addressBook';
import type { AddressBookInput, AddressBookResult } from '../domain/address';
import { dbActivityOptions } from './options';

const acts = proxyActivities<Activities>(dbActivityOptions);

/** A customer adds, edits or removes an address, or picks the default (domain/address.ts): one write per start. */
export async function addressBook(input: AddressBookInput): Promise<AddressBookResult> {
  return acts.writeAddressBook(input);
}
addressBook satisfies AddressBookWorkflow;
