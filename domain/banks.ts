// Korean bank codes (금융결제원 표준 은행코드) for settlement accounts, and how an account number is shown.
// Without zod, so the partner pages stay small.

/** A bank a settlement account can be held at: its three-digit code and its names. */
export interface Bank {
  code: string;
  ko: string;
  en: string;
  /** Other names seen in applications typed before the list (matched without spaces, case-insensitively). */
  aliases?: readonly string[];
}

/** The banks offered, most used first. */
export const banks = [
  {
    code: '004',
    ko: 'KB국민은행',
    en: 'KB Kookmin Bank',
    aliases: ['국민은행', '국민', 'kb', 'kb국민', 'kookmin'],
  },
  { code: '088', ko: '신한은행', en: 'Shinhan Bank', aliases: ['신한', 'shinhan'] },
  { code: '020', ko: '우리은행', en: 'Woori Bank', aliases: ['우리', 'woori'] },
  { code: '081', ko: '하나은행', en: 'Hana Bank', aliases: ['하나', 'keb하나은행', 'hana'] },
  {
    code: '011',
    ko: 'NH농협은행',
    en: 'NH NongHyup Bank',
    aliases: ['농협', '농협은행', 'nh농협', 'nonghyup'],
  },
  { code: '003', ko: 'IBK기업은행', en: 'IBK Industrial Bank', aliases: ['기업은행', '기업', 'ibk'] },
  { code: '090', ko: '카카오뱅크', en: 'KakaoBank', aliases: ['카카오', 'kakao', 'kakaobank'] },
  { code: '092', ko: '토스뱅크', en: 'Toss Bank', aliases: ['토스', 'toss', 'tossbank'] },
  { code: '089', ko: '케이뱅크', en: 'K bank', aliases: ['k뱅크', 'kbank'] },
  { code: '023', ko: 'SC제일은행', en: 'SC First Bank', aliases: ['sc은행', '제일은행', 'sc'] },
  {
    code: '027',
    ko: '한국씨티은행',
    en: 'Citibank Korea',
    aliases: ['씨티은행', '씨티', 'citi', 'citibank'],
  },
  { code: '031', ko: 'iM뱅크(대구)', en: 'iM Bank (Daegu)', aliases: ['대구은행', '대구', 'im뱅크', 'dgb'] },
  { code: '032', ko: '부산은행', en: 'Busan Bank', aliases: ['부산', 'bnk부산은행'] },
  { code: '034', ko: '광주은행', en: 'Kwangju Bank', aliases: ['광주'] },
  { code: '035', ko: '제주은행', en: 'Jeju Bank', aliases: ['제주'] },
  { code: '037', ko: '전북은행', en: 'Jeonbuk Bank', aliases: ['전북'] },
  { code: '039', ko: '경남은행', en: 'Kyongnam Bank', aliases: ['경남', 'bnk경남은행'] },
  { code: '045', ko: '새마을금고', en: 'MG Saemaul Geumgo', aliases: ['새마을', 'mg새마을금고'] },
  { code: '048', ko: '신협', en: 'Shinhyup (Credit Union)', aliases: ['신용협동조합'] },
  { code: '071', ko: '우체국', en: 'Korea Post', aliases: ['우체국예금', 'epost'] },
  { code: '007', ko: '수협은행', en: 'Suhyup Bank', aliases: ['수협'] },
  { code: '002', ko: 'KDB산업은행', en: 'KDB Korea Development Bank', aliases: ['산업은행', 'kdb'] },
  { code: '050', ko: '저축은행', en: 'Savings bank', aliases: ['상호저축은행'] },
  { code: '064', ko: '산림조합', en: 'Korea Forestry Cooperatives', aliases: ['산림조합중앙회'] },
] as const satisfies readonly Bank[];

export type BankCode = (typeof banks)[number]['code'];
export const bankCodes = banks.map((b) => b.code) as [BankCode, ...BankCode[]];

const squash = (s: string) => s.normalize('NFC').toLowerCase().replace(/\s+/g, '');

/** The code a typed bank name stands for ("국민은행" → 004), or null. */
export function bankCodeOf(name: string): BankCode | null {
  const key = squash(name);
  for (const b of banks as readonly Bank[])
    if ([b.code, b.ko, b.en, ...(b.aliases ?? [])].some((n) => squash(n) === key)) return b.code as BankCode;
  return null;
}

/** A bank's name in the reader's language (a code not on the list is shown as is). */
export function bankName(code: string, locale: 'ko' | 'en' = 'ko'): string {
  const b = (banks as readonly Bank[]).find((x) => x.code === code);
  return b ? b[locale] : code;
}

/**
 * An account number as everyone but the admin paying it out sees it: the first three and last three digits,
 * the others starred, dashes kept (123-456-789012 → 123-***-***012).
 */
export function maskAccount(account: string): string {
  const total = account.replace(/\D/g, '').length;
  let seen = 0;
  return account.replace(/\d/g, (d) => {
    seen += 1;
    return seen <= 3 || seen > total - 3 ? d : '*';
  });
}
