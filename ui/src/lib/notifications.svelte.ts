import { api } from './api';
import { session } from './session.svelte';

/** The signed-in user's unread count, shared by the header's bell and the 알림 page. */
export const notices = $state<{ unread: number }>({ unread: 0 });

/** Asks the API for the unread count (nothing when signed out; a failed poll keeps the last count). */
export async function refreshUnread(): Promise<void> {
  if (!session.me) {
    notices.unread = 0;
    return;
  }
  try {
    notices.unread = (await api<{ count: number }>('GET', '/api/notifications/unread')).count;
  } catch {
    // The next poll tries again.
  }
}
