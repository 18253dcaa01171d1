// Toss Payments' card company codes (카드사 코드, API version 2022-11-16: `card.issuerCode` / `acquirerCode` are
// these two-character codes). No zod: the browser imports this too.

/** A card company's name in both languages. */
export interface CardCompany {
  ko: string;
  en: string;
}

/** Toss's issuer codes, domestic then international brands (docs.tosspayments.com/codes/org-codes). */
export const cardCompanies: Readonly<Record<string, CardCompany>> = {
  '3K': { ko: 'IBK기업은행', en: 'IBK BC' },
  '46': { ko: '광주은행', en: 'Gwangju Bank' },
  '71': { ko: '롯데카드', en: 'Lotte Card' },
  '30': { ko: 'KDB산업은행', en: 'KDB' },
  '31': { ko: 'BC카드', en: 'BC Card' },
  '51': { ko: '삼성카드', en: 'Samsung Card' },
  '38': { ko: '새마을금고', en: 'MG Saemaul' },
  '41': { ko: '신한카드', en: 'Shinhan Card' },
  '62': { ko: '신협', en: 'Shinhyup' },
  '36': { ko: '씨티카드', en: 'Citi Card' },
  '33': { ko: '우리BC카드', en: 'Woori BC' },
  W1: { ko: '우리카드', en: 'Woori Card' },
  '37': { ko: '우체국예금보험', en: 'Korea Post' },
  '39': { ko: '저축은행중앙회', en: 'Savings Bank' },
  '35': { ko: '전북은행', en: 'Jeonbuk Bank' },
  '42': { ko: '제주은행', en: 'Jeju Bank' },
  '15': { ko: '카카오뱅크', en: 'KakaoBank' },
  '3A': { ko: '케이뱅크', en: 'K Bank' },
  '24': { ko: '토스뱅크', en: 'Toss Bank' },
  '21': { ko: '하나카드', en: 'Hana Card' },
  '61': { ko: '현대카드', en: 'Hyundai Card' },
  '11': { ko: 'KB국민카드', en: 'KB Kookmin Card' },
  '91': { ko: 'NH농협카드', en: 'NH NongHyup Card' },
  '34': { ko: 'Sh수협은행', en: 'Sh Suhyup Bank' },
  '6D': { ko: '다이너스 클럽', en: 'Diners Club' },
  '4M': { ko: '마스터카드', en: 'Mastercard' },
  '3C': { ko: '유니온페이', en: 'UnionPay' },
  '7A': { ko: '아메리칸 익스프레스', en: 'American Express' },
  '4J': { ko: 'JCB', en: 'JCB' },
  '4V': { ko: 'VISA', en: 'VISA' },
};

/** The company of an issuer code, or null for a code Toss added after this list (the page says "카드"). */
export function cardCompanyOf(issuerCode: string | null | undefined): CardCompany | null {
  return (issuerCode && cardCompanies[issuerCode]) || null;
}
