// The workflow bundle's entry: every workflow type the workers run.
export { signUp } from './signUp';
export { partnerApplication } from './partnerApplication';
export { partnerProfileChange } from './partnerProfileChange';
export { productPublication } from './productPublication';
export { subscription } from './subscription';
export { refundPayment } from './refundPayment';
export { fulfilment } from './fulfilment';
export { settlementRun } from './settlementRun';
export { settlementStatement } from './settlementStatement';
export { setPartnerCommission } from './setPartnerCommission';
export { demoHistory } from './demoHistory';
export { notifier } from './notifier';
export { notificationDigest } from './notificationDigest';
export { notificationSettings } from './notificationSettings';
