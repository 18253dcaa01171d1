// Coffee origins from a fixed list (docs/architecture.md#product-publication): a product names its country by code, the region
// stays free text. Without zod, so the storefront's pages stay small.

/** One producing country: its ISO 3166-1 code and its names (or BLEND, for beans of several). */
export interface Origin {
  code: string;
  ko: string;
  en: string;
  /** Other spellings seen in products typed before the list (matched case- and space-insensitively). */
  aliases?: readonly string[];
}

/** The origins a product may name, in the order the form offers them (Africa, Americas, Asia–Pacific). */
export const origins = [
  { code: 'ET', ko: '에티오피아', en: 'Ethiopia', aliases: ['ethiopian', '이디오피아'] },
  { code: 'KE', ko: '케냐', en: 'Kenya', aliases: ['kenyan'] },
  { code: 'RW', ko: '르완다', en: 'Rwanda', aliases: ['rwandan'] },
  { code: 'BI', ko: '부룬디', en: 'Burundi' },
  { code: 'TZ', ko: '탄자니아', en: 'Tanzania' },
  { code: 'UG', ko: '우간다', en: 'Uganda' },
  {
    code: 'CD',
    ko: '콩고민주공화국',
    en: 'DR Congo',
    aliases: ['congo', 'democratic republic of the congo', '콩고'],
  },
  { code: 'MW', ko: '말라위', en: 'Malawi' },
  { code: 'ZM', ko: '잠비아', en: 'Zambia' },
  { code: 'YE', ko: '예멘', en: 'Yemen', aliases: ['yemeni'] },
  { code: 'CO', ko: '콜롬비아', en: 'Colombia', aliases: ['columbia', 'colombian', '컬럼비아'] },
  { code: 'BR', ko: '브라질', en: 'Brazil', aliases: ['brasil', 'brazilian'] },
  { code: 'GT', ko: '과테말라', en: 'Guatemala', aliases: ['guatemalan'] },
  { code: 'CR', ko: '코스타리카', en: 'Costa Rica', aliases: ['costarica'] },
  { code: 'PA', ko: '파나마', en: 'Panama', aliases: ['panamanian'] },
  { code: 'HN', ko: '온두라스', en: 'Honduras' },
  { code: 'SV', ko: '엘살바도르', en: 'El Salvador', aliases: ['salvador'] },
  { code: 'NI', ko: '니카라과', en: 'Nicaragua' },
  { code: 'MX', ko: '멕시코', en: 'Mexico', aliases: ['méxico', 'mexican'] },
  { code: 'PE', ko: '페루', en: 'Peru', aliases: ['perú', 'peruvian'] },
  { code: 'BO', ko: '볼리비아', en: 'Bolivia' },
  { code: 'EC', ko: '에콰도르', en: 'Ecuador' },
  { code: 'JM', ko: '자메이카', en: 'Jamaica', aliases: ['jamaican', 'blue mountain', '블루마운틴'] },
  { code: 'DO', ko: '도미니카공화국', en: 'Dominican Republic', aliases: ['도미니카'] },
  {
    code: 'US',
    ko: '미국(하와이)',
    en: 'United States (Hawaiʻi)',
    aliases: ['hawaii', 'hawaiʻi', 'kona', '하와이', '미국', 'usa', 'united states'],
  },
  { code: 'IN', ko: '인도', en: 'India', aliases: ['indian'] },
  {
    code: 'ID',
    ko: '인도네시아',
    en: 'Indonesia',
    aliases: ['indonesian', 'sumatra', 'java', 'sulawesi', '수마트라', '자바'],
  },
  { code: 'PG', ko: '파푸아뉴기니', en: 'Papua New Guinea', aliases: ['png', '파푸아 뉴기니'] },
  { code: 'CN', ko: '중국', en: 'China', aliases: ['yunnan', '윈난'] },
  { code: 'VN', ko: '베트남', en: 'Vietnam', aliases: ['viet nam'] },
  { code: 'TH', ko: '태국', en: 'Thailand' },
  { code: 'LA', ko: '라오스', en: 'Laos' },
  { code: 'MM', ko: '미얀마', en: 'Myanmar' },
  { code: 'TL', ko: '동티모르', en: 'Timor-Leste', aliases: ['east timor'] },
  { code: 'AU', ko: '호주', en: 'Australia' },
  // Not a country: a blend of several, named in the region ("Brazil · Colombia").
  { code: 'BLEND', ko: '블렌드', en: 'Blend', aliases: ['blended', 'house blend', '하우스 블렌드'] },
] as const satisfies readonly Origin[];

export type OriginCode = (typeof origins)[number]['code'];
export const originCodes = origins.map((o) => o.code) as [OriginCode, ...OriginCode[]];

const squash = (s: string) =>
  s
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s.\-_]+/g, '');
const byName = new Map<string, OriginCode>();
for (const o of origins as readonly Origin[]) {
  for (const name of [o.code, o.ko, o.en, ...(o.aliases ?? [])])
    byName.set(squash(name), o.code as OriginCode);
}

/** The code a typed origin names ("Ethiopia", "에티오피아", "et" → ET), or null when it names none on the list. */
export function originCodeOf(text: string): OriginCode | null {
  return byName.get(squash(text)) ?? null;
}

/** Whether a stored origin is a code on the list (rows that could not be mapped keep their text). */
export function isOriginCode(value: string): value is OriginCode {
  return (originCodes as string[]).includes(value);
}

/**
 * How to show a stored origin: the name of its code in the reader's language, or, for a product typed before the list
 * whose text named no country on it, that text as it was typed.
 */
export function originName(value: string, locale: 'ko' | 'en' = 'ko'): string {
  const o = (origins as readonly Origin[]).find((x) => x.code === value);
  return o ? o[locale] : value;
}

/** Words a catalog search finds a product by: the code's names in both languages (or the legacy text). */
export function originSearchWords(value: string): string[] {
  const o = (origins as readonly Origin[]).find((x) => x.code === value);
  return o ? [o.ko, o.en] : [value];
}
