// Test doubles for the notifier's outside world: MailDev itself (from node_modules, on free ports, read through its
// REST API), a TCP relay in front of it that can refuse connections or stall a message at DATA, and a local stand-in
// of the few SOLAPI endpoints the SDK calls.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A mail as MailDev's REST API (`GET /email`) returns it. */
export interface CaughtMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  to: { address: string; name: string }[];
  from: { address: string; name: string }[];
  headers: Record<string, string>;
}

export interface MailDev {
  smtpPort: number;
  webUrl: string;
  emails(): Promise<CaughtMail[]>;
  /** The mails addressed to one address. */
  to(address: string): Promise<CaughtMail[]>;
  stop(): Promise<void>;
}

/** Runs MailDev 2.2.1 from node_modules (SMTP and web on free ports, bound to 127.0.0.1). */
export async function startMailDev(): Promise<MailDev> {
  const smtpPort = await freePort();
  const webPort = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      `${root}node_modules/maildev/bin/maildev`,
      '--smtp',
      String(smtpPort),
      '--web',
      String(webPort),
      '--ip',
      '127.0.0.1',
      '--silent',
      // One command per packet, so the relay below sees each on its own.
      '--hide-extensions',
      'PIPELINING',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const webUrl = `http://127.0.0.1:${webPort}`;
  const emails = async () => (await (await fetch(`${webUrl}/email`)).json()) as CaughtMail[];
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await emails();
      break;
    } catch (err) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`MailDev did not start: ${String(err)} ${stderr}`, { cause: err });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    smtpPort,
    webUrl,
    emails,
    async to(address) {
      return (await emails()).filter((m) => m.to.some((t) => t.address === address));
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** A TCP relay in front of an SMTP server: passes through, refuses connections (down), or stalls at DATA. */
export interface SmtpRelay {
  port: number;
  url: string;
  /** `down`: nothing listens (connection refused); `stall`: a message's DATA never reaches the server. */
  setMode(mode: 'pass' | 'down' | 'stall'): Promise<void>;
  /** How many messages are held at DATA right now. */
  stalled(): number;
  /** Recipients the relay refuses for good (550), as a real relay refuses an unknown mailbox. */
  rejected: Set<string>;
  stop(): Promise<void>;
}

export async function startSmtpRelay(targetPort: number): Promise<SmtpRelay> {
  const port = await freePort();
  let mode: 'pass' | 'down' | 'stall' = 'pass';
  let held = 0;
  const sockets = new Set<net.Socket>();
  const rejected = new Set<string>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let holding = false;
    let sawData = false;
    client.on('data', (chunk: Buffer) => {
      if (holding) return;
      if (mode === 'stall' && sawData) {
        // The message body and its final dot never reach the server: it never answers 250, and a client that dies
        // now leaves nothing delivered (RFC 5321: no 250, no message).
        holding = true;
        held += 1;
        return;
      }
      const text = chunk.toString('latin1');
      const rcpt = /^RCPT TO:<([^>]+)>/i.exec(text);
      if (rcpt && rejected.has(rcpt[1]!.toLowerCase())) {
        client.write(`550 5.1.1 <${rcpt[1]}>: Recipient address rejected: User unknown\r\n`);
        return;
      }
      if (/^DATA\r\n/im.test(text)) sawData = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      if (holding) {
        holding = false;
        held -= 1;
      }
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  const listen = () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  await listen();
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    async setMode(next) {
      if (next === 'down' && mode !== 'down') {
        await new Promise<void>((r) => {
          server.close(() => r());
          for (const s of sockets) s.destroy();
        });
      } else if (next !== 'down' && mode === 'down') {
        await listen();
      }
      mode = next;
    },
    stalled: () => held,
    rejected,
    async stop() {
      for (const s of sockets) s.destroy();
      if (mode !== 'down') await new Promise((r) => server.close(r));
    },
  };
}

/** A message the SOLAPI stand-in accepted. */
export interface SolapiMessage {
  messageId: string;
  to: string;
  from: string;
  type: string;
  text: string;
  kakaoOptions: { pfId: string; templateId: string } | null;
  customFields: Record<string, string>;
  dateCreated: string;
}

export interface SolapiStandIn {
  url: string;
  messages: SolapiMessage[];
  /** Requests whose HMAC signature did not verify. */
  unauthorized: number;
  /** The next `n` sends answer 500 (a provider outage). */
  failNext(n: number): void;
  /** Numbers SOLAPI refuses to register (invalid recipient: a permanent failure). */
  refuse: Set<string>;
  stop(): Promise<void>;
}

const count = (n: Partial<Record<string, number>>) => ({
  total: 0,
  sentTotal: 0,
  sentFailed: 0,
  sentSuccess: 0,
  sentPending: 0,
  sentReplacement: 0,
  refund: 0,
  registeredFailed: 0,
  registeredSuccess: 0,
  ...n,
});

/**
 * The few SOLAPI endpoints the SDK calls (as the payment sandbox stands in for Toss): `POST
 * /messages/v4/send-many/detail` and `GET /messages/v4/list`, HMAC-SHA256 auth checked with the secret.
 */
export async function startSolapiStandIn(apiKey: string, apiSecret: string): Promise<SolapiStandIn> {
  const state: SolapiStandIn = {
    url: '',
    messages: [],
    unauthorized: 0,
    failNext: (n) => (failures = n),
    refuse: new Set(),
    stop: () => new Promise((r) => server.close(() => r())),
  };
  let failures = 0;
  let seq = 0;
  const authorised = (header: string | undefined) => {
    const m = /^HMAC-SHA256 apiKey=([^,]+), date=([^,]+), salt=([^,]+), signature=([0-9a-f]+)$/.exec(
      header ?? '',
    );
    if (!m || m[1] !== apiKey) return false;
    return createHmac('sha256', apiSecret).update(`${m[2]}${m[3]}`).digest('hex') === m[4];
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (!authorised(req.headers.authorization)) {
        state.unauthorized += 1;
        return json(401, { errorCode: 'InvalidAPIKey', errorMessage: 'Invalid API Key' });
      }
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST' && url.pathname === '/messages/v4/send-many/detail') {
        if (failures > 0) {
          failures -= 1;
          return json(500, { errorCode: 'InternalError', errorMessage: 'stand-in outage' });
        }
        const { messages } = JSON.parse(body) as {
          messages: {
            to: string;
            from: string;
            text: string;
            type?: string;
            kakaoOptions?: { pfId: string; templateId: string };
            customFields?: Record<string, string>;
          }[];
        };
        const groupId = `G4V${String(++seq).padStart(12, '0')}`;
        const accepted: SolapiMessage[] = [];
        const failed: unknown[] = [];
        for (const m of messages) {
          const messageId = `M4V${String(++seq).padStart(12, '0')}`;
          const type = m.type ?? (Buffer.byteLength(m.text) > 90 ? 'LMS' : 'SMS');
          if (state.refuse.has(m.to)) {
            failed.push({
              to: m.to,
              from: m.from,
              type,
              country: '82',
              messageId,
              statusCode: '1062',
              statusMessage: '유효하지 않은 수신번호',
              accountId: 'A1',
              customFields: m.customFields,
            });
            continue;
          }
          accepted.push({
            messageId,
            to: m.to,
            from: m.from,
            type,
            text: m.text,
            kakaoOptions: m.kakaoOptions ?? null,
            customFields: m.customFields ?? {},
            dateCreated: new Date().toISOString(),
          });
        }
        state.messages.push(...accepted);
        const now = new Date().toISOString();
        return json(200, {
          failedMessageList: failed,
          groupInfo: {
            groupId,
            status: 'SENDING',
            count: count({
              total: messages.length,
              registeredSuccess: accepted.length,
              registeredFailed: failed.length,
            }),
            dateCreated: now,
            dateUpdated: now,
          },
          messageList: accepted.map((m) => ({
            messageId: m.messageId,
            statusCode: '2000',
            statusMessage: '정상 접수(이통사로 접수 예정)',
            customFields: m.customFields,
          })),
        });
      }
      if (req.method === 'GET' && url.pathname === '/messages/v4/list') {
        const to = url.searchParams.get('to');
        const start = url.searchParams.get('startDate');
        const list = state.messages.filter(
          (m) => (!to || m.to === to) && (!start || Date.parse(m.dateCreated) >= Date.parse(start)),
        );
        return json(200, {
          limit: Number(url.searchParams.get('limit') ?? 20),
          startKey: null,
          nextKey: null,
          messageList: Object.fromEntries(
            list.map((m) => [
              m.messageId,
              {
                messageId: m.messageId,
                type: m.type,
                to: m.to,
                from: m.from,
                text: m.text,
                imageId: null,
                subject: null,
                country: '82',
                status: 'COMPLETE',
                statusCode: '4000',
                reason: null,
                networkName: null,
                networkCode: null,
                customFields: m.customFields,
                dateCreated: m.dateCreated,
                dateUpdated: m.dateCreated,
                dateProcessed: null,
                dateReceived: null,
                dateReported: null,
                clusterKey: null,
              },
            ]),
          ),
        });
      }
      json(404, { errorCode: 'NotFound', errorMessage: `${req.method} ${url.pathname}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
