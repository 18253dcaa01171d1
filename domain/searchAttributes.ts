import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Every custom search attribute the project uses; the dev-server script and tests register this list. */
export const ReviewState = defineSearchAttributeKey('ReviewState', SearchAttributeType.KEYWORD);
export const ApplicantId = defineSearchAttributeKey('ApplicantId', SearchAttributeType.KEYWORD);
export const SubscriptionStatus = defineSearchAttributeKey('SubscriptionStatus', SearchAttributeType.KEYWORD);
export const PaymentState = defineSearchAttributeKey('PaymentState', SearchAttributeType.KEYWORD);
export const NextChargeAt = defineSearchAttributeKey('NextChargeAt', SearchAttributeType.DATETIME);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const PartnerId = defineSearchAttributeKey('PartnerId', SearchAttributeType.KEYWORD);
/** A fulfilment's step: to_roast | roasted | shipped | delivered. */
export const FulfilmentStatus = defineSearchAttributeKey('FulfilmentStatus', SearchAttributeType.KEYWORD);

export const searchAttributes = [
  ReviewState,
  ApplicantId,
  SubscriptionStatus,
  PaymentState,
  NextChargeAt,
  CustomerId,
  PartnerId,
  FulfilmentStatus,
];

const cliTypes: Record<string, string> = {
  KEYWORD: 'Keyword',
  DATETIME: 'Datetime',
  INT: 'Int',
  TEXT: 'Text',
};

/** `Name=Type` pairs for `temporal server start-dev --search-attribute`. */
export function searchAttributeFlags(): string[] {
  return searchAttributes.map((k) => `${k.name}=${cliTypes[k.type.toUpperCase()] ?? 'Keyword'}`);
}

/** Temporal's own: the time a Schedule meant an action to run (a backfill names a past one). Not registered by us. */
export const TemporalScheduledStartTime = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);
