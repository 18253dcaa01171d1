// The Kakao (Daum) postcode search (우편번호 찾기), where its script loads. The address fields are plain inputs either
// way: offline, behind a filter or when the script fails, the customer types them (nothing depends on the search).

/** The script's address (allowed by the page's Content-Security-Policy: api/securityHeaders.ts). */
export const POSTCODE_SCRIPT = 'https://t1.daumcdn.net/mapjsapi/bundle/postcode/prod/postcode.v2.js';

/** What the search answers with (the fields this page uses). */
export interface PostcodeResult {
  zonecode: string;
  roadAddress: string;
  jibunAddress: string;
  address: string;
  buildingName: string;
  apartment: 'Y' | 'N';
}

interface DaumPostcode {
  new (opts: { oncomplete: (data: PostcodeResult) => void }): { open: () => void };
}

declare global {
  interface Window {
    daum?: { Postcode?: DaumPostcode };
  }
}

let loading: Promise<boolean> | null = null;

/** Loads the script once; answers whether the search can be used (false after an error or `timeoutMs`). */
export function loadPostcode(timeoutMs = 6000): Promise<boolean> {
  if (typeof window === 'undefined') return Promise.resolve(false);
  if (window.daum?.Postcode) return Promise.resolve(true);
  loading ??= new Promise<boolean>((resolve) => {
    const script = document.createElement('script');
    const timer = setTimeout(() => resolve(false), timeoutMs);
    script.src = POSTCODE_SCRIPT;
    script.async = true;
    script.onload = () => {
      clearTimeout(timer);
      resolve(!!window.daum?.Postcode);
    };
    script.onerror = () => {
      clearTimeout(timer);
      resolve(false);
    };
    document.head.appendChild(script);
  }).then((ok) => {
    if (!ok) loading = null; // a later form may try again
    return ok;
  });
  return loading;
}

/** Opens the search; `pick` gets the 우편번호 and the 기본주소 (road address, with the building's name). */
export function openPostcode(pick: (p: { postcode: string; address1: string }) => void): boolean {
  const Postcode = window.daum?.Postcode;
  if (!Postcode) return false;
  new Postcode({
    oncomplete(data) {
      const base = data.roadAddress || data.jibunAddress || data.address;
      const extra = data.buildingName && data.apartment === 'Y' ? ` (${data.buildingName})` : '';
      pick({ postcode: data.zonecode, address1: `${base}${extra}` });
    },
  }).open();
  return true;
}
