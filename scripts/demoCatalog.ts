// Demo roasters and their beans for `npm start`, with generated bag artwork (SVG rendered by sharp).
import sharp from 'sharp';
import type { ProductForm, RoastLevel } from '../domain/product';

export interface DemoPartner {
  email: string;
  name: string;
  company: string;
  businessNumber: string;
  /** 통신판매업 신고번호 (made up, like every demo number). */
  mailOrderNumber: string;
  intro: string;
  address: string;
  products: Omit<ProductForm, 'imageId'>[];
  /** A live product to leave an edit of waiting in the admin inbox. */
  pendingEdit?: string;
}

const w = (grams: number, priceKrw: number) => ({ grams, priceKrw });

export const demoPartners: DemoPartner[] = [
  {
    email: 'roaster@dalgona.local',
    name: '박로스터',
    company: '달고나 로스터스',
    businessNumber: '2208162517',
    mailOrderNumber: '2024-서울마포-01234',
    address: '서울특별시 마포구 와우산로 94',
    intro: '매주 소량으로 로스팅하는 스페셜티 커피 로스터리입니다.',
    pendingEdit: '콜롬비아 후일라 수프리모',
    products: [
      {
        name: '에티오피아 예가체프 코체레',
        description:
          '자스민 향과 복숭아 같은 단맛, 베르가못의 산뜻한 여운. 핸드드립으로 내리면 가장 빛나는 원두입니다.',
        origin: { country: 'ET', region: 'Yirgacheffe', farm: 'Kochere' },
        process: 'washed',
        roastLevel: 'light',
        tastingNotes: ['자스민', '복숭아', '베르가못'],
        options: {
          weights: [w(200, 17000), w(500, 39000)],
          grinds: ['whole_bean', 'pour_over'],
          cycles: [1, 2, 4],
        },
        capacityPerCycle: 80,
      },
      {
        name: '달고나 하우스 블렌드',
        description:
          '브라질과 콜롬비아를 섞어 흑당과 카카오의 진한 단맛을 낸 블렌드. 라떼와 달고나 커피에 잘 어울립니다.',
        origin: { country: 'BLEND', region: 'Brazil · Colombia' },
        process: 'natural',
        roastLevel: 'dark',
        tastingNotes: ['흑당', '카카오', '구운 견과'],
        options: {
          weights: [w(200, 13000), w(500, 29000), w(1000, 52000)],
          grinds: ['whole_bean', 'espresso', 'moka_pot'],
          cycles: [1, 2, 4],
        },
        capacityPerCycle: 200,
      },
      {
        name: '콜롬비아 후일라 수프리모',
        description: '캐러멜과 사과, 밀크초콜릿이 균형 잡힌 데일리 원두. 어떤 추출 방식에도 편안합니다.',
        origin: { country: 'CO', region: 'Huila', farm: 'La Plata' },
        process: 'washed',
        roastLevel: 'medium',
        tastingNotes: ['캐러멜', '사과', '밀크초콜릿'],
        options: {
          weights: [w(200, 14000), w(500, 32000), w(1000, 60000)],
          grinds: ['whole_bean', 'pour_over', 'french_press'],
          cycles: [2, 4],
        },
        capacityPerCycle: 120,
      },
      {
        name: '디카페인 콜롬비아 슈가케인',
        description: '사탕수수 발효 방식으로 카페인을 뺀 원두. 저녁에도 부담 없이 마시는 부드러운 단맛.',
        origin: { country: 'CO', region: 'Caldas' },
        process: 'decaf',
        roastLevel: 'medium',
        tastingNotes: ['황설탕', '자두', '코코아'],
        options: {
          weights: [w(200, 16000), w(500, 37000)],
          grinds: ['whole_bean', 'pour_over', 'espresso'],
          cycles: [2, 4],
        },
        capacityPerCycle: 40,
      },
    ],
  },
  {
    email: 'seongsu@dalgona.local',
    name: '정브루',
    company: '성수 브루웍스',
    businessNumber: '1048153114',
    mailOrderNumber: '2023-서울성동-00412',
    address: '서울특별시 성동구 연무장길 45',
    intro: '성수동 공장형 로스터리. 산지별 싱글 오리진을 라이트하게 볶습니다.',
    products: [
      {
        name: '케냐 니에리 AA',
        description: '블랙커런트와 자몽의 선명한 산미, 토마토 같은 감칠맛. 식어도 맛있는 케냐 AA.',
        origin: { country: 'KE', region: 'Nyeri', farm: 'Gatomboya' },
        process: 'washed',
        roastLevel: 'medium_light',
        tastingNotes: ['블랙커런트', '자몽', '토마토'],
        options: {
          weights: [w(200, 19000), w(500, 44000)],
          grinds: ['whole_bean', 'pour_over'],
          cycles: [2, 4],
        },
        capacityPerCycle: 60,
      },
      {
        name: '파나마 보케테 게이샤',
        description: '재스민, 망고, 얼그레이. 한 잔으로 기억에 남는 게이샤를 소량만 볶아 보냅니다.',
        origin: { country: 'PA', region: 'Boquete', farm: 'Elida' },
        process: 'natural',
        roastLevel: 'light',
        tastingNotes: ['재스민', '망고', '얼그레이'],
        options: {
          weights: [w(100, 28000), w(200, 52000)],
          grinds: ['whole_bean', 'pour_over'],
          cycles: [4],
        },
        capacityPerCycle: 15,
      },
      {
        name: '에티오피아 구지 무산소 내추럴',
        description: '블루베리 잼과 레드와인 같은 화려한 발효 향. 실험적인 한 잔을 좋아한다면.',
        origin: { country: 'ET', region: 'Guji', farm: 'Hambela' },
        process: 'anaerobic',
        roastLevel: 'light',
        tastingNotes: ['블루베리', '레드와인', '다크체리'],
        options: { weights: [w(200, 21000)], grinds: ['whole_bean', 'pour_over'], cycles: [2, 4] },
        capacityPerCycle: 30,
      },
      {
        name: '르완다 후예 버번',
        description: '붉은 사과와 홍차, 꿀의 깨끗한 단맛. 산미가 부드러워 입문용으로도 좋습니다.',
        origin: { country: 'RW', region: 'Huye' },
        process: 'washed',
        roastLevel: 'medium_light',
        tastingNotes: ['붉은 사과', '홍차', '꿀'],
        options: {
          weights: [w(200, 16000), w(500, 37000)],
          grinds: ['whole_bean', 'pour_over', 'french_press'],
          cycles: [1, 2, 4],
        },
        capacityPerCycle: 70,
      },
    ],
  },
  {
    email: 'jeju@dalgona.local',
    name: '고오름',
    company: '제주 오름 커피',
    businessNumber: '6168201488',
    mailOrderNumber: '2025-제주제주-00077',
    address: '제주특별자치도 제주시 애월읍 애월해안로 272',
    intro: '제주 바다 옆 작은 로스터리. 진하고 묵직한 커피를 좋아합니다.',
    products: [
      {
        name: '브라질 세하도 미네이로',
        description: '다크초콜릿과 헤이즐넛, 흑설탕. 에스프레소와 모카포트에 맞춘 묵직한 바디.',
        origin: { country: 'BR', region: 'Cerrado Mineiro', farm: 'Fazenda Santa Lucia' },
        process: 'natural',
        roastLevel: 'medium_dark',
        tastingNotes: ['다크초콜릿', '헤이즐넛', '흑설탕'],
        options: {
          weights: [w(500, 24000), w(1000, 45000)],
          grinds: ['whole_bean', 'espresso', 'moka_pot'],
          cycles: [2, 4],
        },
        capacityPerCycle: 150,
      },
      {
        name: '과테말라 안티구아',
        description: '코코아와 오렌지 껍질, 꿀의 단맛이 어우러진 클래식한 중배전.',
        origin: { country: 'GT', region: 'Antigua' },
        process: 'washed',
        roastLevel: 'medium',
        tastingNotes: ['코코아', '오렌지', '꿀'],
        options: {
          weights: [w(200, 15000), w(500, 34000)],
          grinds: ['whole_bean', 'espresso', 'pour_over'],
          cycles: [1, 2, 4],
        },
        capacityPerCycle: 90,
      },
      {
        name: '인도네시아 수마트라 만델링',
        description: '허브와 삼나무, 다크초콜릿. 웻헐링 특유의 묵직함이 우유와 만나면 더 좋습니다.',
        origin: { country: 'ID', region: 'Sumatra', farm: 'Lintong' },
        process: 'wet_hulled',
        roastLevel: 'dark',
        tastingNotes: ['허브', '삼나무', '다크초콜릿'],
        options: {
          weights: [w(200, 15000), w(500, 33000)],
          grinds: ['whole_bean', 'espresso', 'french_press', 'cold_brew'],
          cycles: [2, 4],
        },
        capacityPerCycle: 100,
      },
      {
        name: '코스타리카 따라주 허니',
        description: '살구와 꿀, 황설탕. 허니 프로세스의 달콤함이 돋보이는 원두입니다.',
        origin: { country: 'CR', region: 'Tarrazú', farm: 'La Pastora' },
        process: 'honey',
        roastLevel: 'medium_light',
        tastingNotes: ['살구', '꿀', '황설탕'],
        options: {
          weights: [w(200, 18000), w(500, 41000)],
          grinds: ['whole_bean', 'pour_over', 'cold_brew'],
          cycles: [2, 4],
        },
        capacityPerCycle: 50,
      },
    ],
  },
];

const roastColor: Record<RoastLevel, string> = {
  light: '#d9a05b',
  medium_light: '#c0803f',
  medium: '#9a5b2c',
  medium_dark: '#6e3c1c',
  dark: '#3f2212',
};
const accents = ['#2f6f62', '#8a3b4b', '#3b5b8a', '#7a6a2a', '#5b3b8a', '#2a6f8a'];

const esc = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** A kraft coffee bag with the origin on its label, coloured by roast level. */
export async function bagArtwork(p: Omit<ProductForm, 'imageId'>, index: number): Promise<Buffer> {
  const roast = roastColor[p.roastLevel];
  const accent = accents[index % accents.length]!;
  const title = esc(p.origin.country.toUpperCase());
  const sub = esc((p.origin.region ?? '').toUpperCase());
  const beans = Array.from({ length: 9 }, (_, i) => {
    const x = 140 + ((i * 97) % 520);
    const y = 640 + ((i * 53) % 110);
    const r = (i * 37) % 180;
    return `<g transform="translate(${x} ${y}) rotate(${r})"><ellipse rx="34" ry="24" fill="${roast}"/><path d="M-30 0 Q0 -12 30 0" stroke="#2a160b" stroke-width="4" fill="none" opacity=".55"/></g>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" viewBox="0 0 800 800">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fbf5ec"/><stop offset="1" stop-color="#efe0c8"/></linearGradient>
  <linearGradient id="bag" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#c9a77c"/><stop offset=".5" stop-color="#dcc09a"/><stop offset="1" stop-color="#bf9a6c"/></linearGradient></defs>
  <rect width="800" height="800" fill="url(#bg)"/>
  <path d="M230 120 L570 120 L600 660 L200 660 Z" fill="url(#bag)"/>
  <path d="M230 120 L570 120 L575 170 L225 170 Z" fill="#a9855b"/>
  <rect x="262" y="250" width="276" height="300" rx="14" fill="#fffaf2"/>
  <rect x="262" y="250" width="276" height="56" rx="14" fill="${accent}"/>
  <rect x="262" y="290" width="276" height="16" fill="${accent}"/>
  <text x="400" y="288" font-family="DejaVu Sans, Arial, sans-serif" font-size="24" font-weight="700" fill="#fffaf2" text-anchor="middle" letter-spacing="4">DALGONA</text>
  <text x="400" y="395" font-family="DejaVu Serif, Georgia, serif" font-size="${title.length > 10 ? 30 : 40}" font-weight="700" fill="#3b2416" text-anchor="middle">${title}</text>
  <text x="400" y="435" font-family="DejaVu Sans, Arial, sans-serif" font-size="20" fill="#7a6a5e" text-anchor="middle" letter-spacing="2">${sub}</text>
  <rect x="330" y="470" width="140" height="30" rx="15" fill="${roast}"/>
  <text x="400" y="491" font-family="DejaVu Sans, Arial, sans-serif" font-size="15" font-weight="700" fill="#fffaf2" text-anchor="middle">${p.roastLevel.replace('_', ' ').toUpperCase()}</text>
  ${beans}
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}
