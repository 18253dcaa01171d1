import { structuredShipToSchema, type AddressEntry } from '$domain/address';
import { toFieldIssues, type FieldIssue } from '$domain/validation';
import { api } from './api';
import { addressBody, type AddressDraft } from './components/AddressForm.svelte';

/** The signed-in customer's addresses, the default first. */
export async function loadAddresses(): Promise<AddressEntry[]> {
  return (await api<{ items: AddressEntry[] }>('GET', '/api/me/addresses')).items;
}

/** Checks a draft as the API will: field errors by path, or the body to send. */
export function checkAddress(
  d: AddressDraft,
): { ok: true; body: ReturnType<typeof addressBody> } | { ok: false; errors: Record<string, FieldIssue> } {
  const body = addressBody(d);
  const parsed = structuredShipToSchema.safeParse(body);
  if (parsed.success) return { ok: true, body };
  return { ok: false, errors: Object.fromEntries(toFieldIssues(parsed.error).map((i) => [i.path, i])) };
}

/** A saved address as a draft to edit. */
export const draftOf = (a: AddressEntry): AddressDraft => ({
  name: a.name,
  phone: a.phone,
  postcode: a.postcode,
  address1: a.address1,
  address2: a.address2 ?? '',
  memo: a.memo ?? '',
});
