import type { Me } from '$domain/accounts';
import { api, ApiError } from './api';

/** The signed-in account, shared by every page. */
export const session = $state<{ me: Me | null; loaded: boolean }>({ me: null, loaded: false });

export async function refreshSession(): Promise<Me | null> {
  try {
    session.me = await api<Me>('GET', '/api/auth/me');
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
    session.me = null;
  } finally {
    session.loaded = true;
  }
  return session.me;
}

export function hasRole(role: string): boolean {
  return session.me?.roles.includes(role as Me['roles'][number]) ?? false;
}
