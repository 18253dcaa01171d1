// Every workflow's messages live in its contract, domain/contracts/<workflow type>.ts (the inbox's claim / release /
// decide in domain/contracts/reviewDesk.ts).

/** The inbox's decide Update, for workflows/subscription.test.ts until it imports domain/contracts/reviewDesk.ts. */
export { decideUpdate } from '../domain/contracts/reviewDesk';
