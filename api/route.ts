import type { z } from 'zod';
import type { Role } from '../domain/accounts';
import type { ApiContext, ApiDeps } from './context';
import type { Sessions } from './sessions';

/** Who may call a route: anyone, any signed-in account, or a role. */
export type Access = 'public' | 'user' | Role;

/** Everything a handler gets: validated input, the caller, and the process's dependencies. */
export interface HandlerArgs<B, Q, P> {
  ctx: ApiContext;
  body: B;
  query: Q;
  params: P;
  deps: ApiDeps & { sessions: Sessions };
}

/** One API route: its contract (used by the router, the OpenAPI document and the matrix / fuzz tests). */
export interface RouteDef<B = unknown, Q = unknown, P = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  summary: string;
  tag: string;
  access: Access;
  /**
   * A token that stands in for a session of the `access` role when sent as `Authorization: Bearer <token>` (tools
   * without a browser, e.g. the Temporal CLI at the codec endpoint). A request with any other Authorization is 401.
   */
  bearerToken?: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Status on success (default 200). */
  status?: number;
  /** A raw (non-JSON) body, e.g. an image upload: accepted content types and a size limit. */
  raw?: { types: string[]; maxBytes: number };
  handler: (args: HandlerArgs<B, Q, P>) => Promise<unknown>;
}

/** Returned by a handler that has written the response itself (files, cached JSON text). */
export const RESPONDED = Symbol('responded');

/** Declares a route with inferred input types. */
export function route<B = undefined, Q = undefined, P = undefined>(def: RouteDef<B, Q, P>): RouteDef {
  return def as unknown as RouteDef;
}
