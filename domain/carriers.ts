// No zod here: workflows import this module, and everything a workflow imports is instantiated once per cached
// workflow run (a library like zod costs megabytes each — see the bundle check in test/replay).
/** Carriers a partner ships with (Korean parcel services), by code. */
export const carriers = {
  cj: 'CJ대한통운',
  lotte: '롯데택배',
  hanjin: '한진택배',
  post: '우체국택배',
  logen: '로젠택배',
  kdexp: '경동택배',
} as const;
export type Carrier = keyof typeof carriers;
