import { route, type RouteDef } from '../route';

/** What the browser needs to know of the deployment: the payment provider's client key and SDK script. */
export function configRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/config',
      summary: "The storefront's public settings: Toss client key and SDK script URL (sandbox or Toss)",
      tag: 'ops',
      access: 'public',
      async handler({ ctx, deps: { config } }) {
        ctx.set('Cache-Control', 'public, max-age=60');
        return { toss: { clientKey: config.toss.clientKey, sdkUrl: config.toss.sdkUrl } };
      },
    }),
  ];
}
