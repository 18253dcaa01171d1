// Toss's documented error codes with their HTTP status and Korean message, as the sandbox answers them.

export const tossErrors: Record<string, { status: number; message: string }> = {
  UNAUTHORIZED_KEY: { status: 401, message: '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.' },
  INCORRECT_BASIC_AUTH_FORMAT: { status: 403, message: "잘못된 요청입니다. ':' 를 포함해 인코딩해주세요." },
  INVALID_REQUEST: { status: 400, message: '잘못된 요청입니다.' },
  INVALID_IDEMPOTENCY_KEY: { status: 400, message: '멱등키는 300자 이하여야 합니다.' },
  IDEMPOTENT_REQUEST_PROCESSING: { status: 409, message: '이전 멱등 요청이 처리중입니다.' },
  INVALID_ORDER_ID: {
    status: 400,
    message: '`orderId`는 영문 대소문자, 숫자, 특수문자(-, _) 만 허용합니다. 6자 이상 64자 이하여야 합니다.',
  },
  INVALID_ORDER_NAME: { status: 400, message: '주문 이름은 100자 이하여야 합니다.' },
  INVALID_CUSTOMER_KEY: { status: 400, message: 'customerKey는 2자 이상 300자 이하여야 합니다.' },
  BELOW_MINIMUM_AMOUNT: {
    status: 400,
    message: '신용카드는 결제금액이 100원 이상, 계좌는 200원이상부터 결제가 가능합니다.',
  },
  BELOW_ZERO_AMOUNT: { status: 400, message: '금액은 0보다 커야 합니다.' },
  INVALID_TEST_CODE: { status: 400, message: '유효하지 않은 테스트 코드입니다.' },
  NOT_FOUND_BILLING: { status: 404, message: '존재하지 않는 빌링 결제 인증 정보 입니다.' },
  INVALID_BILL_KEY_REQUEST: {
    status: 400,
    message: '빌링키 인증이 완료되지 않았거나 유효하지 않은 빌링 거래 건입니다.',
  },
  ALREADY_REMOVED_BILLING_KEY: { status: 400, message: '이미 삭제된 빌링키입니다.' },
  NOT_MATCHES_CUSTOMER_KEY: {
    status: 400,
    message: '빌링 인증 고객키와 결제 요청 고객키가 일치하지 않습니다.',
  },
  DUPLICATED_ORDER_ID: {
    status: 400,
    message: '이미 승인 및 취소가 진행된 중복된 주문번호 입니다. 다른 주문번호로 진행해주세요.',
  },
  NOT_FOUND_PAYMENT: { status: 404, message: '존재하지 않는 결제 정보 입니다.' },
  ALREADY_CANCELED_PAYMENT: { status: 400, message: '이미 취소된 결제 입니다.' },
  NOT_CANCELABLE_AMOUNT: { status: 403, message: '취소 할 수 없는 금액 입니다.' },
  REJECT_CARD_PAYMENT: { status: 403, message: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.' },
  REJECT_CARD_COMPANY: { status: 403, message: '결제 승인이 거절되었습니다.' },
  EXCEED_MAX_DAILY_PAYMENT_COUNT: { status: 400, message: '하루 결제 가능 횟수를 초과했습니다.' },
  EXCEED_MAX_PAYMENT_AMOUNT: { status: 400, message: '하루 결제 가능 금액을 초과했습니다.' },
  INVALID_STOPPED_CARD: { status: 400, message: '정지된 카드 입니다.' },
  INVALID_CARD_EXPIRATION: { status: 400, message: '카드 정보를 다시 확인해주세요.(유효기간)' },
  INVALID_CARD_LOST_OR_STOLEN: { status: 400, message: '분실 혹은 도난 카드입니다.' },
  INVALID_CARD_NUMBER: { status: 400, message: '카드번호를 다시 확인해주세요.' },
  INVALID_REJECT_CARD: { status: 400, message: '카드 사용이 거절되었습니다. 카드사 문의가 필요합니다.' },
  PROVIDER_ERROR: { status: 400, message: '일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요.' },
  FAILED_INTERNAL_SYSTEM_PROCESSING: {
    status: 500,
    message: '내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요.',
  },
  FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING: {
    status: 500,
    message: '결제가 완료되지 않았어요. 다시 시도해주세요.',
  },
  UNKNOWN_PAYMENT_ERROR: {
    status: 500,
    message: '결제에 실패했어요. 같은 문제가 반복된다면 은행이나 카드사로 문의해주세요.',
  },
  NOT_FOUND: { status: 404, message: '존재하지 않는 정보 입니다.' },
};

/** A Toss error to answer with. */
export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message?: string,
  ) {
    super(message ?? tossErrors[code]?.message ?? code);
  }
  get status(): number {
    return tossErrors[this.code]?.status ?? 400;
  }
}
