import { validationMessages } from '$domain/validation';
import { catalogEn, catalogKo } from './messages/catalog';
import { fulfilmentEn, fulfilmentKo } from './messages/fulfilment';
import { notificationsEn, notificationsKo } from './messages/notifications';
import { settlementEn, settlementKo } from './messages/settlement';
import { dashboardEn, dashboardKo } from './messages/dashboard';
import { subscriptionEn, subscriptionKo } from './messages/subscription';
import { notifierEn, notifierKo } from './messages/notifier';
import { legalEn, legalKo } from './messages/legal';
import { customerActionsEn, customerActionsKo } from './messages/customerActions';
import { addressEn, addressKo } from './messages/address';
import { cardsEn, cardsKo } from './messages/cards';
import { adminEn, adminKo } from './messages/admin';
import { accountEn, accountKo } from './messages/account';
import { roasterEn, roasterKo } from './messages/roaster';

/** The UI's two languages: Korean first, English on request (remembered in localStorage). */
export type Lang = 'ko' | 'en';

const ko = {
  'app.name': '달고나',
  'app.tagline': '동네 로스터리의 원두를 정기구독으로',
  'nav.home': '홈',
  'nav.apply': '파트너 신청',
  'nav.myApplication': '내 신청 현황',
  'nav.inbox': '관리자 수신함',
  'nav.login': '로그인',
  'nav.signup': '회원가입',
  'nav.logout': '로그아웃',
  'lang.toggle': 'English',
  'home.title': '갓 볶은 원두가, 정해진 날에 집으로',
  'home.lead':
    '달고나 커피 열풍 이후 홈카페는 일상이 되었습니다. 달고나는 동네 로스터리와 홈카페를 구독으로 잇습니다.',
  'home.partnerTitle': '로스터리 사장님이신가요?',
  'home.partnerLead':
    '파트너로 신청하면 관리자가 검토 후 승인합니다. 승인되면 원두를 등록하고 구독 주문을 받을 수 있어요.',
  'home.applyCta': '파트너 신청하기',
  'home.signupCta': '회원가입하고 시작하기',
  'home.catalogSoon': '원두 카탈로그가 곧 열립니다.',
  'auth.email': '이메일',
  'auth.password': '비밀번호',
  'auth.name': '이름',
  'auth.loginTitle': '로그인',
  'auth.signupTitle': '회원가입',
  'auth.loginCta': '로그인',
  'auth.signupCta': '가입하기',
  'auth.noAccount': '계정이 없으신가요?',
  'auth.haveAccount': '이미 계정이 있으신가요?',
  'auth.passwordHint': '10자 이상',
  'apply.title': '파트너쉽 신청',
  'apply.lead': '사업자 정보와 정산 계좌를 입력해 주세요. 사업자등록번호는 검증번호까지 바로 확인합니다.',
  'apply.companyName': '상호',
  'apply.businessNumber': '사업자등록번호',
  'apply.businessNumberHint': '10자리 숫자 (예: 124-81-00998)',
  'apply.representative': '대표자',
  'apply.phone': '연락처',
  'apply.email': '사업자 이메일',
  'apply.address': '사업장 주소',
  'apply.bankName': '정산 은행',
  'apply.bankAccount': '정산 계좌번호',
  'apply.introduction': '로스터리 소개',
  'apply.introductionHint': '20자 이상: 원두, 로스팅 방식, 강점 등',
  'apply.submit': '신청서 제출',
  'apply.checkDigitOk': '검증번호가 맞습니다',
  'apply.alreadyPartner': '이미 파트너입니다.',
  'apply.signInFirst': '신청하려면 먼저 로그인하세요.',
  'status.title': '내 파트너 신청 현황',
  'status.none': '아직 신청 내역이 없습니다.',
  'status.validating': '자동 검증 중',
  'status.pending': '관리자 검토 중',
  'status.approved': '승인됨',
  'status.rejected': '반려됨',
  'status.auto_rejected': '자동 반려',
  'status.expired': '기간 만료',
  'status.cleared': '해소됨',
  'status.reasons': '반려 사유',
  'status.decisionReason': '관리자 메모',
  'status.submittedAt': '제출',
  'status.decidedAt': '결정',
  'status.reapply': '다시 신청하기',
  'status.approvedLead': '축하합니다! 이제 파트너로 원두를 등록할 수 있습니다.',
  'status.pendingLead': '관리자가 검토 중입니다. 결과는 이메일과 이 화면에서 알려드립니다.',
  'inbox.title': '관리자 수신함',
  'inbox.search': '상호·상품명 검색',
  'inbox.kind': '유형',
  'inbox.kind.all': '전체',
  'inbox.kind.partner_application': '파트너 신청',
  'inbox.kind.product_review': '상품 검토',
  'inbox.kind.fulfilment_escalation': '배송 지연',
  'inbox.kind.reconcile_mismatch': '데이터 불일치',
  'inbox.state.open': '열림',
  'inbox.state.overdue': '기한 초과',
  'inbox.state.unclaimed': '미배정',
  'inbox.state.mine': '내 담당',
  'inbox.state.closed': '완료',
  'inbox.state.all': '전체',
  'inbox.empty': '처리할 작업이 없습니다.',
  'inbox.age': '경과',
  'inbox.sla': 'SLA',
  'inbox.overdue': '기한 초과',
  'inbox.claimedBy': '담당',
  'inbox.unclaimed': '미배정',
  'inbox.claim': '담당하기',
  'inbox.release': '담당 해제',
  'inbox.open': '열기',
  'inbox.more': '더 보기',
  'inbox.approve': '승인',
  'inbox.reject': '반려',
  'inbox.reason': '사유',
  'inbox.reasonHint': '반려 시 필수: 신청자에게 그대로 전달됩니다',
  'inbox.decided': '처리되었습니다',
  'inbox.outcome': '결과',
  'recon.lead': 'PostgreSQL의 행과 Temporal 워크플로가 서로 다릅니다. 점검(reconcile)이 찾은 내용입니다.',
  'recon.closesItself':
    '복구되어 다음 점검에서 불일치가 사라지면 자동으로 닫힙니다 (npm run reconcile -- --repair).',
  'inbox.workflow': 'Temporal 워크플로',
  'inbox.back': '수신함으로',
  'common.loading': '불러오는 중…',
  'common.error': '문제가 발생했습니다',
  'common.retry': '다시 시도',
  'duration.d': '일',
  'duration.h': '시간',
  'duration.m': '분',
  'err.INVALID_CREDENTIALS': '이메일 또는 비밀번호가 올바르지 않습니다.',
  'err.EMAIL_TAKEN': '이미 가입된 이메일입니다.',
  'err.RATE_LIMITED': '시도가 너무 많습니다. 잠시 후 다시 시도하세요.',
  'err.APPLICATION_OPEN': '이미 검토 중인 신청이 있습니다.',
  'err.ALREADY_PARTNER': '이미 파트너입니다.',
  'err.TASK_CLAIMED': '다른 관리자가 담당 중인 작업입니다.',
  'err.TASK_NOT_OPEN': '이미 처리된 작업입니다.',
  'err.UNAUTHENTICATED': '로그인이 필요합니다.',
  'err.FORBIDDEN': '권한이 없습니다.',
  'err.CSRF_FAILED': '보안 토큰이 만료되었습니다. 새로고침 후 다시 시도하세요.',
  'err.VALIDATION_FAILED': '입력값을 확인해 주세요.',
  'err.NOT_FOUND': '찾을 수 없습니다.',
  'err.CONFLICT': '지금은 처리할 수 없습니다. 새로고침 후 다시 시도하세요.',
  'err.PAYLOAD_TOO_LARGE': '파일이 너무 큽니다.',
  'err.UNSUPPORTED_MEDIA_TYPE': '지원하지 않는 형식입니다.',
  'err.UNAVAILABLE': '일시적으로 사용할 수 없습니다.',
  'err.INTERNAL': '서버 오류가 발생했습니다.',
  'v.required': '필수 항목입니다',
  'v.too_long': '너무 깁니다',
  'v.too_short': '너무 짧습니다',
  'v.invalid_email': '올바른 이메일을 입력하세요',
  'v.invalid_phone': '올바른 전화번호를 입력하세요',
  'v.invalid_business_number': '10자리 숫자를 입력하세요 (예: 124-81-00998)',
  'v.invalid_check_digit': '검증번호가 맞지 않습니다. 번호를 다시 확인하세요',
  'v.invalid_bank_account': '계좌번호(숫자와 -)를 입력하세요',
  'v.weak_password': '10자 이상 입력하세요',
  'v.reason_required': '반려 사유를 입력하세요',
  'v.duplicate_business_number': '이미 등록되었거나 검토 중인 사업자등록번호입니다',
  'v.invisible_characters': '보이지 않는 제어 문자는 쓸 수 없습니다 (글자 방향 제어 문자, 폭 없는 문자 등)',
  'v.invalid_cursor': '잘못된 페이지 정보입니다. 목록을 처음부터 다시 불러오세요',
};

type Key = keyof typeof ko;

const en: Record<Key, string> = {
  'app.name': 'Dalgona',
  'app.tagline': "Your neighbourhood roaster's beans, by subscription",
  'nav.home': 'Home',
  'nav.apply': 'Become a partner',
  'nav.myApplication': 'My application',
  'nav.inbox': 'Admin inbox',
  'nav.login': 'Log in',
  'nav.signup': 'Sign up',
  'nav.logout': 'Log out',
  'lang.toggle': '한국어',
  'home.title': 'Freshly roasted beans, at your door on schedule',
  'home.lead':
    'Since the dalgona-coffee craze, the home café is part of daily life. Dalgona connects local roasters and home cafés by subscription.',
  'home.partnerTitle': 'Do you run a roastery?',
  'home.partnerLead':
    'Apply as a partner and an admin reviews your application. Once approved you can list beans and take subscriptions.',
  'home.applyCta': 'Apply as a partner',
  'home.signupCta': 'Sign up to start',
  'home.catalogSoon': 'The bean catalog opens soon.',
  'auth.email': 'E-mail',
  'auth.password': 'Password',
  'auth.name': 'Name',
  'auth.loginTitle': 'Log in',
  'auth.signupTitle': 'Sign up',
  'auth.loginCta': 'Log in',
  'auth.signupCta': 'Create account',
  'auth.noAccount': 'No account yet?',
  'auth.haveAccount': 'Already have an account?',
  'auth.passwordHint': 'At least 10 characters',
  'apply.title': 'Partner application',
  'apply.lead':
    'Tell us about your business and settlement account. The business registration number is checked as you type.',
  'apply.companyName': 'Company name',
  'apply.businessNumber': 'Business registration number',
  'apply.businessNumberHint': '10 digits (e.g. 124-81-00998)',
  'apply.representative': 'Representative',
  'apply.phone': 'Phone',
  'apply.email': 'Business e-mail',
  'apply.address': 'Business address',
  'apply.bankName': 'Settlement bank',
  'apply.bankAccount': 'Settlement account number',
  'apply.introduction': 'About your roastery',
  'apply.introductionHint': '20+ characters: your beans, roasting style, strengths',
  'apply.submit': 'Submit application',
  'apply.checkDigitOk': 'Check digit matches',
  'apply.alreadyPartner': 'You are already a partner.',
  'apply.signInFirst': 'Log in to apply.',
  'status.title': 'My partner application',
  'status.none': 'You have not applied yet.',
  'status.validating': 'Checking automatically',
  'status.pending': 'Under review',
  'status.approved': 'Approved',
  'status.rejected': 'Rejected',
  'status.auto_rejected': 'Rejected automatically',
  'status.expired': 'Expired',
  'status.cleared': 'Cleared',
  'status.reasons': 'Reasons',
  'status.decisionReason': 'Note from the admin',
  'status.submittedAt': 'Submitted',
  'status.decidedAt': 'Decided',
  'status.reapply': 'Apply again',
  'status.approvedLead': 'Congratulations! You can now list your beans as a partner.',
  'status.pendingLead': 'An admin is reviewing it. We will tell you by e-mail and on this page.',
  'inbox.title': 'Admin inbox',
  'inbox.search': 'Search by company or product',
  'inbox.kind': 'Kind',
  'inbox.kind.all': 'All',
  'inbox.kind.partner_application': 'Partner application',
  'inbox.kind.product_review': 'Product review',
  'inbox.kind.fulfilment_escalation': 'Late shipment',
  'inbox.kind.reconcile_mismatch': 'Data mismatch',
  'inbox.state.open': 'Open',
  'inbox.state.overdue': 'Overdue',
  'inbox.state.unclaimed': 'Unclaimed',
  'inbox.state.mine': 'Mine',
  'inbox.state.closed': 'Closed',
  'inbox.state.all': 'All',
  'inbox.empty': 'Nothing to do here.',
  'inbox.age': 'Age',
  'inbox.sla': 'SLA',
  'inbox.overdue': 'Overdue',
  'inbox.claimedBy': 'Claimed by',
  'inbox.unclaimed': 'Unclaimed',
  'inbox.claim': 'Claim',
  'inbox.release': 'Release',
  'inbox.open': 'Open',
  'inbox.more': 'Load more',
  'inbox.approve': 'Approve',
  'inbox.reject': 'Reject',
  'inbox.reason': 'Reason',
  'inbox.reasonHint': 'Required to reject: the applicant sees it as written',
  'inbox.decided': 'Done',
  'inbox.outcome': 'Outcome',
  'recon.lead': 'A PostgreSQL row and its Temporal workflow disagree: what the reconcile pass found.',
  'recon.closesItself':
    'Closes by itself once a pass no longer finds the mismatch (npm run reconcile -- --repair).',
  'inbox.workflow': 'Temporal workflow',
  'inbox.back': 'Back to inbox',
  'common.loading': 'Loading…',
  'common.error': 'Something went wrong',
  'common.retry': 'Retry',
  'duration.d': 'd',
  'duration.h': 'h',
  'duration.m': 'm',
  'err.INVALID_CREDENTIALS': 'E-mail or password is wrong.',
  'err.EMAIL_TAKEN': 'An account with this e-mail already exists.',
  'err.RATE_LIMITED': 'Too many attempts. Please wait and try again.',
  'err.APPLICATION_OPEN': 'You already have an application under review.',
  'err.ALREADY_PARTNER': 'You are already a partner.',
  'err.TASK_CLAIMED': 'Another admin holds this task.',
  'err.TASK_NOT_OPEN': 'This task has already been handled.',
  'err.UNAUTHENTICATED': 'Please log in.',
  'err.FORBIDDEN': 'You are not allowed to do that.',
  'err.CSRF_FAILED': 'Your security token expired. Reload and try again.',
  'err.VALIDATION_FAILED': 'Please check the highlighted fields.',
  'err.NOT_FOUND': 'Not found.',
  'err.CONFLICT': 'That cannot be done right now. Reload and try again.',
  'err.PAYLOAD_TOO_LARGE': 'The file is too large.',
  'err.UNSUPPORTED_MEDIA_TYPE': 'That format is not supported.',
  'err.UNAVAILABLE': 'Temporarily unavailable.',
  'err.INTERNAL': 'Something went wrong on our side.',
  'v.required': 'Required',
  'v.too_long': validationMessages.too_long!,
  'v.too_short': validationMessages.too_short!,
  'v.invalid_email': validationMessages.invalid_email!,
  'v.invalid_phone': validationMessages.invalid_phone!,
  'v.invalid_business_number': validationMessages.invalid_business_number!,
  'v.invalid_check_digit': validationMessages.invalid_check_digit!,
  'v.invalid_bank_account': validationMessages.invalid_bank_account!,
  'v.weak_password': validationMessages.weak_password!,
  'v.reason_required': validationMessages.reason_required!,
  'v.duplicate_business_number': 'This number belongs to a partner or an application under review',
  'v.invisible_characters': validationMessages.invisible_characters!,
  'v.invalid_cursor': validationMessages.invalid_cursor!,
};

const dictionaries: Record<Lang, Record<string, string>> = {
  ko: {
    ...ko,
    ...catalogKo,
    ...subscriptionKo,
    ...fulfilmentKo,
    ...settlementKo,
    ...adminKo,
    ...dashboardKo,
    ...notifierKo,
    ...notificationsKo,
    ...legalKo,
    ...customerActionsKo,
    ...addressKo,
    ...cardsKo,
    ...accountKo,
    ...roasterKo,
  },
  en: {
    ...en,
    ...catalogEn,
    ...subscriptionEn,
    ...fulfilmentEn,
    ...settlementEn,
    ...adminEn,
    ...dashboardEn,
    ...notifierEn,
    ...notificationsEn,
    ...legalEn,
    ...customerActionsEn,
    ...addressEn,
    ...cardsEn,
    ...accountEn,
    ...roasterEn,
  },
};

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('lang') : null;
export const i18n = $state<{ lang: Lang }>({ lang: stored === 'en' ? 'en' : 'ko' });

/** Translates a key in the current language (unknown keys come back as given). */
export function t(key: Key | string): string {
  return dictionaries[i18n.lang][key] ?? key;
}

/** Translates a validation / error key, falling back to the server's message. */
export function tv(key: string, fallback?: string): string {
  const k = `v.${key}`;
  return k in dictionaries.ko ? t(k) : (fallback ?? key);
}

/** A count with its unit in the current language: `tn('db.people', 12)` → "12명" / "12". Keys hold `{n}`. */
export function tn(key: Key | string, n: number): string {
  return fill(t(key), { n: n.toLocaleString(i18n.lang === 'ko' ? 'ko-KR' : 'en-GB') });
}

/** Fills a message's `{name}` placeholders (unknown ones stay as written). */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}

export function setLang(lang: Lang): void {
  i18n.lang = lang;
  localStorage.setItem('lang', lang);
  document.documentElement.lang = lang;
}

/** "3일 4시간" / "3d 4h" from seconds. */
export function formatAge(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d}${t('duration.d')} ${h}${t('duration.h')}`;
  if (h > 0) return `${h}${t('duration.h')} ${m}${t('duration.m')}`;
  return `${m}${t('duration.m')}`;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(i18n.lang === 'ko' ? 'ko-KR' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    hourCycle: 'h23',
    timeZone: 'Asia/Seoul',
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway value, not state
  }).format(new Date(iso));
}

/**
 * What to tell a person about a failed request, in their language: the refusal's own reason (`details.reason`, a
 * key under `err.reason.*`) where the API gives one, else its error code's message — never the server's sentence.
 */
export function errorText(err: unknown): string {
  const e = err as { code?: unknown; details?: Record<string, unknown> } | null;
  if (!e || typeof e.code !== 'string') return t('common.error');
  const reason = e.details?.reason;
  // A reason's words may name the error's details ({left}: how many are left).
  if (typeof reason === 'string' && `err.reason.${reason}` in dictionaries.ko)
    return fill(t(`err.reason.${reason}`), e.details as Record<string, string | number>);
  return `err.${e.code}` in dictionaries.ko ? t(`err.${e.code}`) : t('common.error');
}
