// What an account holder hears about the account itself (docs/architecture.md#accounts): the password-reset and
// e-mail-verification links, and the notice that the password changed. Category `account`: never switched off, never
// collected into a digest. The link's token arrives opened (`token`) only when the notifier sends the mail; the
// notification centre renders the same row without it, so the link lives in the mail alone.
import { dateTime, str, template } from '../format';
import type { Template } from '../templates';

const tokenLink = (path: string, token: unknown, url: (p: string) => string) => {
  const t = str(token);
  return /^[A-Za-z0-9_-]{43}$/.test(t) ? url(`${path}?token=${t}`) : null;
};

export const accountTemplates: Record<string, Template> = {
  password_reset: template('account', (p, c) => {
    const link = tokenLink('/reset-password', p.token, c.url);
    const until = dateTime(p.expiresAt, c.locale);
    return {
      subject: c.w('비밀번호 재설정 안내', 'Reset your password'),
      body: [
        link
          ? c.w(
              '비밀번호 재설정을 요청하셨습니다. 아래 버튼을 눌러 새 비밀번호를 정해 주세요.',
              'Someone asked to reset the password of your Dalgona account. Use the button below to choose a new one.',
            )
          : c.w(
              '비밀번호 재설정 링크를 이메일로 보냈습니다. 메일의 버튼을 눌러 새 비밀번호를 정해 주세요.',
              'A password reset link was sent to your e-mail. Use the button in the mail to choose a new one.',
            ),
        c.w(
          `이 링크는 ${until}까지 한 번만 쓸 수 있습니다. 비밀번호를 바꾸면 모든 기기에서 로그아웃됩니다.`,
          `The link works once, until ${until}. Changing the password signs you out everywhere.`,
        ),
        c.w(
          '요청하신 적이 없다면 이 메일을 무시하셔도 됩니다. 비밀번호는 바뀌지 않습니다.',
          'If it was not you, ignore this mail: your password stays as it is.',
        ),
      ],
      action: link ? { label: c.w('새 비밀번호 정하기', 'Choose a new password'), url: link } : null,
      short: c.w('비밀번호 재설정 링크입니다.', 'Your password reset link.'),
    };
  }),
  email_verification: template('account', (p, c) => {
    const link = tokenLink('/verify-email', p.token, c.url);
    return {
      subject: c.w('이메일 주소를 인증해 주세요', 'Please confirm your e-mail address'),
      body: [
        link
          ? c.w(
              '달고나에 가입해 주셔서 감사합니다. 아래 버튼을 눌러 이 이메일 주소가 맞는지 확인해 주세요.',
              'Thank you for joining Dalgona. Use the button below to confirm this is your address.',
            )
          : c.w(
              '달고나에 가입해 주셔서 감사합니다. 이메일로 보낸 인증 링크를 눌러 주소를 확인해 주세요.',
              'Thank you for joining Dalgona. Use the link we sent to your e-mail to confirm your address.',
            ),
        c.w(
          `링크는 ${dateTime(p.expiresAt, c.locale)}까지 쓸 수 있습니다. 결제 영수증과 배송 안내가 이 주소로 갑니다.`,
          `The link works until ${dateTime(p.expiresAt, c.locale)}. Receipts and delivery notices go to this address.`,
        ),
      ],
      action: link ? { label: c.w('이메일 인증하기', 'Confirm my address'), url: link } : null,
      short: c.w('이메일 인증 링크입니다.', 'Your e-mail confirmation link.'),
    };
  }),
  password_changed: template('account', (p, c) => ({
    subject: c.w('비밀번호가 변경되었습니다', 'Your password was changed'),
    body: [
      c.w(
        `${dateTime(p.at, c.locale)}에 계정의 비밀번호가 바뀌었고, 모든 기기에서 로그아웃되었습니다.`,
        `The password of your account was changed on ${dateTime(p.at, c.locale)}, and every device was signed out.`,
      ),
      c.w(
        '직접 바꾸지 않으셨다면 곧바로 로그인 화면의 "비밀번호를 잊으셨나요?"로 다시 바꿔 주세요.',
        'If it was not you, reset it at once with "Forgot your password?" on the sign-in page.',
      ),
    ],
    action: { label: c.w('로그인', 'Sign in'), url: c.url('/login') },
    short: c.w('계정 비밀번호가 변경되었습니다.', 'Your account password was changed.'),
  })),
};
