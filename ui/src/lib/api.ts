import type { FieldIssue } from '$domain/validation';

/** An error answered by the API, in its one error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldIssue[] = [],
    /** The error's details as the API sent them (e.g. `providerCode` of a card the provider refused). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** Field errors keyed by path, for forms. */
  fieldMap(): Record<string, FieldIssue> {
    return Object.fromEntries(this.fields.map((f) => [f.path, f]));
  }
}

function csrfToken(): string {
  const match = document.cookie.match(/(?:^|;\s*)dalgona_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]!) : '';
}

/** Calls the API with the session cookie and, on mutations, the CSRF header. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  if (method !== 'GET' && !csrfToken()) await fetch('/api/auth/csrf', { credentials: 'same-origin' });
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' ? { 'x-csrf-token': csrfToken() } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = data?.error ?? { code: 'INTERNAL', message: res.statusText };
    throw new ApiError(res.status, err.code, err.message, err.details?.fields ?? [], err.details ?? {});
  }
  return data as T;
}

/** Uploads an image file as its raw bytes (the server checks and re-encodes it). */
export async function uploadImage(file: File): Promise<{ id: string; url: string; thumbUrl: string }> {
  if (!csrfToken()) await fetch('/api/auth/csrf', { credentials: 'same-origin' });
  const res = await fetch('/api/images', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': file.type, 'x-csrf-token': csrfToken(), accept: 'application/json' },
    body: file,
  });
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = data?.error ?? { code: 'INTERNAL', message: res.statusText };
    throw new ApiError(res.status, err.code, err.message, err.details?.fields ?? []);
  }
  return data;
}
