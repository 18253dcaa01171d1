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

/** Each carrier's public tracking page; `{n}` is the tracking number (the 발송 notice links to it). */
const trackingPages: Record<Carrier, string> = {
  cj: 'https://trace.cjlogistics.com/next/tracking.html?wblNo={n}',
  lotte: 'https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={n}',
  hanjin:
    'https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2={n}',
  post: 'https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={n}',
  logen: 'https://www.ilogen.com/web/personal/trace/{n}',
  kdexp: 'https://kdexp.com/service/delivery/etc/delivery.do?barcode={n}',
};

/** The page where a parcel is tracked, or null for a carrier we do not know. */
export function trackingUrl(carrier: string, trackingNumber: string): string | null {
  if (!Object.hasOwn(trackingPages, carrier)) return null;
  return trackingPages[carrier as Carrier].replace('{n}', encodeURIComponent(trackingNumber));
}
