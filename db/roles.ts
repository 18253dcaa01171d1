import { loadConfig } from '../infra/config';

/** The read-only role the API connects as: the user name in API_DATABASE_URL. */
export function apiRoleName(): string {
  return decodeURIComponent(new URL(loadConfig().apiDatabaseUrl).username);
}
