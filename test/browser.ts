// A fetch-based HTTP client that behaves like the browser: a cookie jar and the CSRF header on mutations.
import type { Me } from '../domain/accounts';
import { signUpConsents } from './consents';

export interface Res<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    readonly ip?: string,
  ) {}

  private absorb(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      const expired = attrs.some((a) => /max-age=0|expires=thu, 01 jan 1970/i.test(a.trim()));
      if (!value || expired) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
  }

  /** Sends a request; `csrf: false` leaves the CSRF header off, `raw` sends the body unencoded. */
  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    opts: { csrf?: boolean | string; raw?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Res<T>> {
    if (method !== 'GET' && !this.cookies.has('dalgona_csrf')) await this.request('GET', '/api/auth/csrf');
    const headers: Record<string, string> = { accept: 'application/json', ...(opts.headers ?? {}) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && opts.csrf !== false) {
      headers['x-csrf-token'] =
        typeof opts.csrf === 'string' ? opts.csrf : (this.cookies.get('dalgona_csrf') ?? '');
    }
    if (this.ip) headers['x-forwarded-for'] = this.ip;
    let payload: string | Uint8Array | undefined;
    if (body instanceof Uint8Array) {
      payload = body;
    } else if (body !== undefined) {
      payload = opts.raw ? String(body) : JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload, redirect: 'manual' });
    this.absorb(res.headers);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = unknown>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = unknown>(path: string, body?: unknown, opts?: Parameters<Browser['request']>[3]) {
    return this.request<T>('POST', path, body, opts);
  }

  /** Signs up as the form does: the required consents given, with the versions of the documents in force. */
  async signUp(email: string, password = 'correct-horse-1', name = '테스트 사용자'): Promise<Me> {
    const consents = await signUpConsents(this);
    const res = await this.post<Me>('/api/auth/signup', { email, password, name, consents });
    if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async login(email: string, password: string): Promise<Me> {
    const res = await this.post<Me>('/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}
