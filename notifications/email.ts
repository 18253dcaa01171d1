// E-mail over SMTP with nodemailer (docs/architecture.md#messages): any relay (`SMTP_URL`); MailDev under `npm start`.
import nodemailer from 'nodemailer';
import { DeliveryError, type ChannelSender, type OutgoingMessage } from './channels';

export interface EmailChannelOptions {
  smtpUrl: string;
  /** The From header (`달고나 <no-reply@dalgona.example>`); its domain names the Message-IDs. */
  from: string;
  /** Connect, greeting and socket timeouts: a relay that stops answering fails the send (retried later). */
  timeoutMs: number;
  /** Pooled SMTP connections. */
  maxConnections: number;
}

/** The domain of an address in a From header. */
export function mailDomain(from: string): string {
  const addr = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return addr.split('@')[1]?.trim() || 'dalgona.local';
}

/** The SMTP error codes no retry fixes: the relay refused the message or the recipient for good (5xx). */
function classify(err: unknown): DeliveryError {
  const e = err as { message?: string; responseCode?: number; code?: string; response?: string };
  const text = e.response ?? e.message ?? String(err);
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (code !== null && code >= 500 && code < 600) return new DeliveryError(`SMTP ${code}: ${text}`, true);
  if (e.code === 'EENVELOPE' && code === null) return new DeliveryError(`SMTP envelope: ${text}`, true);
  return new DeliveryError(`SMTP${code ? ` ${code}` : ''}${e.code ? ` ${e.code}` : ''}: ${text}`, false);
}

/**
 * The e-mail channel. The Message-ID is `<key@domain>`, the same for every attempt of a notification, so a resend
 * after an unknown outcome is recognisably the same message.
 */
export function createEmailChannel(opts: EmailChannelOptions): ChannelSender {
  const transport = nodemailer.createTransport({
    url: opts.smtpUrl,
    pool: true,
    maxConnections: opts.maxConnections,
    maxMessages: 1000,
    connectionTimeout: opts.timeoutMs,
    greetingTimeout: opts.timeoutMs,
    socketTimeout: opts.timeoutMs,
  });
  const domain = mailDomain(opts.from);
  return {
    channel: 'email',
    async send(m: OutgoingMessage) {
      try {
        const info = await transport.sendMail({
          from: opts.from,
          to: { name: m.name, address: m.to },
          subject: m.message.subject,
          text: m.message.text,
          html: m.message.html,
          messageId: `<${m.key}@${domain}>`,
          headers: { 'X-Dalgona-Notification': m.key },
        });
        return { providerId: info.messageId };
      } catch (err) {
        throw classify(err);
      }
    },
    close() {
      transport.close();
      return Promise.resolve();
    },
  };
}
