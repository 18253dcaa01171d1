// Notification delivery words for admins (알림 발송 실패), Korean first.

export const notifierKo = {
  'nf.title': '알림 발송 실패',
  'nf.lead':
    '재시도해도 보내지 못한 알림입니다(주소·번호 거부, 재시도 한도 초과). 수신자는 앱의 알림함에서는 볼 수 있습니다.',
  'nf.backlog': '발송 대기 중',
  'nf.channel': '채널',
  'nf.all': '전체',
  'nf.recipient': '수신자',
  'nf.template': '알림 종류',
  'nf.attempts': '시도',
  'nf.error': '마지막 오류',
  'nf.failedAt': '실패 시각',
  'nf.empty': '발송에 실패한 알림이 없습니다.',
  'nf.more': '더 보기',
  'nf.ch.email': '이메일',
  'nf.ch.kakao': '알림톡',
  'nf.ch.sms': '문자',
};

export const notifierEn: Record<keyof typeof notifierKo, string> = {
  'nf.title': 'Undelivered notifications',
  'nf.lead':
    'Notifications that could not be sent even after retries (address or number refused, retries used up). Recipients still see them in the app.',
  'nf.backlog': 'Waiting to be sent',
  'nf.channel': 'Channel',
  'nf.all': 'All',
  'nf.recipient': 'Recipient',
  'nf.template': 'Kind',
  'nf.attempts': 'Attempts',
  'nf.error': 'Last error',
  'nf.failedAt': 'Failed at',
  'nf.empty': 'No undelivered notifications.',
  'nf.more': 'More',
  'nf.ch.email': 'E-mail',
  'nf.ch.kakao': 'KakaoTalk',
  'nf.ch.sms': 'SMS',
};
