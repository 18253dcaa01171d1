// The roaster's order export (주문 · 발송 → CSV), pure: Korean headers and values, Asia/Seoul times, the 배송 메모, and
// the courier's bulk-upload layout (택배사 대량 등록 양식). api/routes/fulfilment.ts writes it with a UTF-8 BOM for Excel.
import { carriers, type Carrier } from './carriers';
import type { GrindType } from './catalog';
import { addressParts, type ShipTo } from './address';
import type { FulfilmentStatus } from './fulfilment';

/** The layouts: every column of the order (`orders`), or one row per order as couriers take them (`courier`). */
export const exportLayouts = ['orders', 'courier'] as const;
export type ExportLayout = (typeof exportLayouts)[number];

/** 분쇄 as a roaster writes it on the bag. */
export const grindNamesKo: Record<GrindType, string> = {
  whole_bean: '홀빈',
  espresso: '에스프레소',
  moka_pot: '모카포트',
  pour_over: '핸드드립',
  french_press: '프렌치프레스',
  cold_brew: '콜드브루',
};

/** 상태 as the 주문 · 발송 page words it. */
export const orderStatusNamesKo: Record<FulfilmentStatus, string> = {
  to_roast: '로스팅 대기',
  roasted: '로스팅 완료',
  shipped: '배송 중',
  delivered: '배송 완료',
  canceled: '취소됨',
};

const SEOUL_OFFSET_MS = 9 * 3600_000;

/** An instant as Asia/Seoul wall time, `YYYY-MM-DD HH:mm` (24-hour; Seoul has no daylight saving). */
export function seoulDateTime(at: Date | string | number | null | undefined): string {
  if (at === null || at === undefined) return '';
  const ms = new Date(at).getTime();
  if (Number.isNaN(ms)) return '';
  return new Date(ms + SEOUL_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** One order as the export reads it. */
export interface ExportOrder {
  id: string;
  productName: string;
  grams: number;
  grind: string;
  quantity: number;
  shipTo: ShipTo;
  shipBy: Date | string;
  status: string;
  carrier: string | null;
  trackingNumber: string | null;
  createdAt: Date | string;
}

/** 기본주소 and 상세주소 on one line (the 우편번호 has its own column). */
const streetAddress = (s: ShipTo) => {
  const p = addressParts(s);
  return [p.address1, p.address2].filter(Boolean).join(' ');
};

const grindKo = (g: string) => grindNamesKo[g as GrindType] ?? g;
const statusKo = (s: string) => orderStatusNamesKo[s as FulfilmentStatus] ?? s;

/** 품목명 on the courier's label: the bean, its weight and grind. */
export const itemName = (o: ExportOrder) => `${o.productName} ${o.grams}g (${grindKo(o.grind)})`;

/** The header and rows of a layout. */
export function exportTable(
  layout: ExportLayout,
  orders: ExportOrder[],
): { header: string[]; rows: string[][] } {
  if (layout === 'courier') {
    return {
      header: ['받는분', '연락처', '우편번호', '주소', '상세주소', '배송메모', '품목명', '수량'],
      rows: orders.map((o) => {
        const p = addressParts(o.shipTo);
        return [
          o.shipTo.name,
          o.shipTo.phone,
          p.postcode,
          p.address1,
          p.address2,
          o.shipTo.memo ?? '',
          itemName(o),
          String(o.quantity),
        ];
      }),
    };
  }
  return {
    header: [
      '주문번호',
      '주문일시',
      '상품명',
      '용량(g)',
      '분쇄',
      '수량',
      '받는 분',
      '연락처',
      '우편번호',
      '주소',
      '배송 메모',
      '발송 기한',
      '상태',
      '택배사',
      '운송장 번호',
    ],
    rows: orders.map((o) => [
      o.id,
      seoulDateTime(o.createdAt),
      o.productName,
      String(o.grams),
      grindKo(o.grind),
      String(o.quantity),
      o.shipTo.name,
      o.shipTo.phone,
      addressParts(o.shipTo).postcode,
      streetAddress(o.shipTo),
      o.shipTo.memo ?? '',
      seoulDateTime(o.shipBy),
      statusKo(o.status),
      o.carrier ? (carriers[o.carrier as Carrier] ?? o.carrier) : '',
      o.trackingNumber ?? '',
    ]),
  };
}
