import { z } from 'zod';
import { plainText } from './validation';

// Delivery addresses (docs/architecture.md#addresses): the customer's address book, and the shape a subscription and
// each of its orders carry (`ship_to`). Rows written before the book existed carry one free-text `address`; they stay
// readable everywhere, and `formatAddress` is the one way any layer shows either shape.

const phone = () =>
  z
    .string({ error: 'required' })
    .trim()
    .regex(/^\+?[0-9][0-9 -]{7,18}[0-9]$/, 'invalid_phone');

/** 받는 분, 연락처, 우편번호 (5 digits), 기본주소, 상세주소, 배송 메모: where a package goes. */
export const structuredShipToSchema = z.strictObject({
  name: plainText('required').min(1, 'required').max(60, 'too_long'),
  phone: phone(),
  postcode: z
    .string({ error: 'required' })
    .trim()
    .regex(/^\d{5}$/, 'invalid_postcode'),
  address1: plainText('required').min(5, 'too_short').max(200, 'too_long'),
  address2: plainText().max(100, 'too_long').optional(),
  memo: plainText().max(100, 'too_long').optional(),
});
export type StructuredShipTo = z.infer<typeof structuredShipToSchema>;

/** The one free-text 주소 checkouts sent before the address book (old subscriptions and orders still carry it). */
export const legacyShipToSchema = z.strictObject({
  name: plainText('required').min(1, 'required').max(60, 'too_long'),
  phone: phone(),
  address: plainText('required').min(5, 'too_short').max(300, 'too_long'),
  memo: plainText().max(100, 'too_long').optional(),
});
export type LegacyShipTo = z.infer<typeof legacyShipToSchema>;

/** A delivery address in either shape. */
export type ShipTo = StructuredShipTo | LegacyShipTo;

/** Either shape (a stored row, or a client that still sends the free-text address). */
export const anyShipToSchema = z.union([structuredShipToSchema, legacyShipToSchema]);

export const isStructured = (s: ShipTo): s is StructuredShipTo => 'address1' in s;

/** The address parts a courier form asks for; a free-text address is all 기본주소 with no 우편번호. */
export function addressParts(s: ShipTo): { postcode: string; address1: string; address2: string } {
  if (isStructured(s)) return { postcode: s.postcode, address1: s.address1, address2: s.address2 ?? '' };
  return { postcode: '', address1: s.address, address2: '' };
}

/** One line for people: "(04524) 서울특별시 중구 세종대로 110 3층", or the free-text address as it was typed. */
export function formatAddress(s: ShipTo): string {
  const p = addressParts(s);
  return [p.postcode && `(${p.postcode})`, p.address1, p.address2].filter(Boolean).join(' ');
}

/** How many addresses one customer may keep. */
export const ADDRESS_BOOK_LIMIT = 20;

/** A saved address as the address book lists it. */
export interface AddressEntry extends StructuredShipTo {
  id: string;
  isDefault: boolean;
  createdAt: string;
}

/** Add or edit an address: its fields, and whether it becomes the default (the first one always does). */
export const addressFormSchema = structuredShipToSchema.extend({ makeDefault: z.boolean().optional() });
export type AddressForm = z.infer<typeof addressFormSchema>;

/** A live subscription's new address: one from the customer's book. */
export const changeAddressSchema = z.strictObject({ addressId: z.uuid() });

/** What the addressBook workflow does for a customer: one write per start. */
export type AddressBookAction =
  | { kind: 'add'; id: string; address: StructuredShipTo; makeDefault: boolean }
  | { kind: 'edit'; id: string; address: StructuredShipTo; makeDefault: boolean }
  | { kind: 'remove'; id: string }
  | { kind: 'setDefault'; id: string };

/** Input of the `addressBook` workflow. */
export interface AddressBookInput {
  userId: string;
  action: AddressBookAction;
}

/** Done, or why not (a business outcome, not an exception): the address is gone, or the book is full. */
export type AddressBookResult =
  { ok: true; id: string } | { ok: false; code: 'NOT_FOUND' | 'CONFLICT'; reason: string };
