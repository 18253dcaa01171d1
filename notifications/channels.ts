// The delivery channels behind one interface (docs/architecture.md#messages): e-mail over SMTP, KakaoTalk 알림톡 and
// SMS through SOLAPI. The notifier renders, a channel only sends.
import type { DeliveryChannel } from '../domain/notifications';
import type { RenderedMessage } from './templates';

/** One notification on one channel, rendered in the recipient's language. */
export interface OutgoingMessage {
  /** The stable idempotency key of this notification on this channel (`<outbox id>.<channel>`). */
  key: string;
  /** The template's name (SOLAPI maps it to an approved 알림톡 template). */
  template: string;
  /** The e-mail address or phone number. */
  to: string;
  /** The recipient's display name. */
  name: string;
  message: RenderedMessage;
}

/** What a channel does with a message. */
export interface ChannelSender {
  readonly channel: DeliveryChannel;
  /** Sends once; resolves with the provider's id for it. Throws DeliveryError. */
  send(m: OutgoingMessage): Promise<{ providerId: string }>;
  /**
   * After an unknown outcome (a worker died mid-send): the provider's id if the message was sent already, else null.
   * Channels that cannot tell (SMTP) resend under the same key; the receiving side can dedupe on it (Message-ID).
   */
  findSent?(m: OutgoingMessage, since: Date): Promise<string | null>;
  close(): Promise<void>;
}

/** A failed send; `permanent`: no retry can fix it (a refused address, a bad number, a broken template). */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Our channels, by name, for the ones this deployment has. */
export type ChannelSet = Partial<Record<DeliveryChannel, ChannelSender>>;
