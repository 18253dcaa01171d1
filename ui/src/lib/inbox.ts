import type { InboxTask } from '$domain/inbox';

export type { InboxTask };

export interface InboxPage {
  items: InboxTask[];
  nextCursor: string | null;
  counts: { open: number; overdue: number; unclaimed: number; mine: number };
}
