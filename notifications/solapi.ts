// KakaoTalk 알림톡 and SMS through SOLAPI's official SDK (docs/architecture.md#messages), on only when its keys are
// set. Each message carries its idempotency key in SOLAPI's customFields, so after an unknown outcome the notifier
// asks SOLAPI whether it was sent before sending again.
import { SolapiMessageService } from 'solapi';
import { DeliveryError, type ChannelSender, type OutgoingMessage } from './channels';

export interface SolapiOptions {
  apiKey: string;
  apiSecret: string;
  /** The registered sender number (발신번호). */
  sender: string;
  /** The KakaoTalk channel (pfId); null: no 알림톡, phone messages go by SMS. */
  kakaoPfId: string | null;
  /** Our template name → Kakao's approved 알림톡 template id. */
  kakaoTemplates: Readonly<Record<string, string>>;
  /** A stand-in's URL instead of https://api.solapi.com (tests, demos); null: SOLAPI itself. */
  baseUrl: string | null;
}

const SOLAPI_ORIGIN = 'https://api.solapi.com';
/** The customFields key that carries our idempotency key. */
const KEY_FIELD = 'dalgonaKey';

let redirectTo: string | null = null;

/**
 * The SDK has no base-URL option: it calls the global fetch with https://api.solapi.com/…. With a stand-in
 * configured, requests to that origin (and only those) go to the stand-in instead; nothing else is touched.
 */
function redirectSolapi(baseUrl: string): void {
  const wasInstalled = redirectTo !== null;
  redirectTo = baseUrl.replace(/\/$/, '');
  if (wasInstalled) return;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (redirectTo && typeof input === 'string' && url.startsWith(`${SOLAPI_ORIGIN}/`))
      return realFetch(`${redirectTo}${url.slice(SOLAPI_ORIGIN.length)}`, init);
    return realFetch(input, init);
  };
}

/** Digits only: SOLAPI takes 01012345678. */
export const phoneDigits = (phone: string) => phone.replace(/\D/g, '');

interface SolapiFailure {
  _tag?: string;
  message?: string;
  httpStatus?: number;
  failedMessageList?: { statusCode: string; statusMessage: string }[];
}

function classify(err: unknown): DeliveryError {
  const e = err as SolapiFailure;
  const text = e.message ?? String(err);
  switch (e._tag) {
    case 'MessageNotReceivedError': {
      const first = e.failedMessageList?.[0];
      return new DeliveryError(
        `SOLAPI refused: ${first ? `${first.statusCode} ${first.statusMessage}` : text}`,
        true,
      );
    }
    case 'BadRequestError':
    case 'ApiKeyError':
      return new DeliveryError(`SOLAPI ${e._tag}: ${text}`, e._tag === 'BadRequestError');
    case 'ClientError':
      // 401/403 are our keys (fixable by the operator: retried); 429 is a limit; other 4xx refuse the message.
      return new DeliveryError(
        `SOLAPI ${e.httpStatus ?? ''} ${text}`,
        ![401, 403, 408, 429].includes(e.httpStatus ?? 0),
      );
    default:
      return new DeliveryError(`SOLAPI ${e._tag ?? 'error'}: ${text}`, false);
  }
}

/** The 알림톡 and SMS channels, sharing one SOLAPI client. */
export function createSolapiChannels(opts: SolapiOptions): {
  kakao: ChannelSender | null;
  sms: ChannelSender;
} {
  if (opts.baseUrl) redirectSolapi(opts.baseUrl);
  const service = new SolapiMessageService(opts.apiKey, opts.apiSecret);

  async function send(m: OutgoingMessage, kakaoTemplateId: string | null): Promise<{ providerId: string }> {
    try {
      const res = await service.send(
        {
          to: phoneDigits(m.to),
          from: opts.sender,
          text: m.message.short,
          ...(kakaoTemplateId && opts.kakaoPfId
            ? // 알림톡; if KakaoTalk cannot deliver it, SOLAPI sends the same text by SMS.
              { type: 'ATA' as const, kakaoOptions: { pfId: opts.kakaoPfId, templateId: kakaoTemplateId } }
            : { autoTypeDetect: true }),
          customFields: { [KEY_FIELD]: m.key },
        },
        { showMessageList: true },
      );
      const failed = res.failedMessageList[0];
      if (failed)
        throw new DeliveryError(`SOLAPI refused: ${failed.statusCode} ${failed.statusMessage}`, true);
      return { providerId: res.messageList?.[0]?.messageId ?? res.groupInfo.groupId };
    } catch (err) {
      throw err instanceof DeliveryError ? err : classify(err);
    }
  }

  async function findSent(m: OutgoingMessage, since: Date): Promise<string | null> {
    try {
      const res = await service.getMessages({ to: phoneDigits(m.to), startDate: since, limit: 100 });
      for (const [id, msg] of Object.entries(res.messageList)) {
        if (msg.customFields?.[KEY_FIELD] === m.key) return msg.messageId ?? id;
      }
      return null;
    } catch (err) {
      throw classify(err);
    }
  }

  const close = () => Promise.resolve();
  return {
    kakao: opts.kakaoPfId
      ? {
          channel: 'kakao',
          send: (m) => send(m, opts.kakaoTemplates[m.template] ?? null),
          findSent,
          close,
        }
      : null,
    sms: { channel: 'sms', send: (m) => send(m, null), findSent, close },
  };
}
