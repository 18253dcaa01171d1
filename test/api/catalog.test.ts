import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../api/app';
import type { CatalogCard, CatalogProduct, ProductForm } from '../../domain/product';
import { createRedis } from '../../infra/redis';
import { Task } from '../../db/models';
import { decideUpdate, reviewDeskHandle } from '../../domain/contracts/reviewDesk';
import { Browser } from '../browser';
import {
  eventually,
  makePartner,
  makeUser,
  pngImage,
  productForm,
  startStack,
  stopTemporal,
  uniq,
  type Stack,
} from '../harness';

interface Page {
  items: CatalogCard[];
  nextCursor: string | null;
}

let stack: Stack;
let anon: Browser;
let adminId: string;
let partnerA: { browser: Browser; partnerId: string };
let partnerB: { browser: Browser; partnerId: string };
const token = uniq(); // every product here carries it, so searches see only this file's products
const ids: Record<string, string> = {};

async function publish(p: Browser, form: ProductForm): Promise<string> {
  const res = await p.post<{ productId: string; revisionId: string }>('/api/partner/products', form);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const task = await eventually(() =>
    Task.query(stack.db).findOne({ subjectId: res.body.revisionId, state: 'open' }),
  );
  await reviewDeskHandle(stack.client, task).executeUpdate(decideUpdate, {
    args: [{ taskId: task.id, decision: 'approve', actor: { userId: adminId, roles: ['admin'] } }],
  });
  return res.body.productId;
}

before(async () => {
  stack = await startStack();
  anon = new Browser(stack.baseUrl);
  const admin = await makeUser(stack, ['customer', 'admin']);
  adminId = admin.me.id;
  for (const key of ['A', 'B'] as const) {
    const p = await makePartner(stack, adminId);
    const holder = { browser: p.browser, partnerId: p.me.partnerId! };
    if (key === 'A') partnerA = holder;
    else partnerB = holder;
  }
  const upload = await partnerA.browser.request<{ id: string }>(
    'POST',
    '/api/images',
    await pngImage('#6b3e26'),
    {
      headers: { 'content-type': 'image/png' },
    },
  );
  const img = upload.body.id;
  const base = (name: string, over: Partial<ProductForm>) =>
    productForm(img, { name: `${name} ${token}`, ...over });
  ids.kenya = await publish(
    partnerA.browser,
    base('Kenya Nyeri', {
      origin: { country: 'Kenya', region: 'Nyeri' },
      roastLevel: 'light',
      process: 'washed',
      tastingNotes: ['blackcurrant', 'grapefruit'],
      options: { weights: [{ grams: 200, priceKrw: 18000 }], grinds: ['whole_bean'], cycles: [2] },
    }),
  );
  ids.brazil = await publish(
    partnerA.browser,
    base('Brazil Cerrado', {
      origin: { country: 'Brazil', region: 'Cerrado' },
      roastLevel: 'medium_dark',
      process: 'natural',
      tastingNotes: ['chocolate', 'hazelnut'],
      options: { weights: [{ grams: 500, priceKrw: 22000 }], grinds: ['espresso'], cycles: [1, 2] },
    }),
  );
  ids.colombia = await publish(
    partnerB.browser,
    base('Colombia Huila', {
      origin: { country: 'Colombia', region: 'Huila' },
      roastLevel: 'medium',
      process: 'honey',
      tastingNotes: ['caramel', '사과'],
      options: {
        weights: [
          { grams: 200, priceKrw: 15000 },
          { grams: 1000, priceKrw: 60000 },
        ],
        grinds: ['pour_over'],
        cycles: [4],
      },
    }),
  );
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

const names = (p: Page) => p.items.map((c) => c.name.replace(` ${token}`, ''));
const get = async (qs: string) => {
  const res = await anon.get<Page>(`/api/catalog/products?q=${token}&${qs}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

describe('catalog API', () => {
  it('filters by roast, origin, process, partner and price range', async () => {
    assert.deepEqual(names(await get('roast=light,medium')).sort(), ['Colombia Huila', 'Kenya Nyeri']);
    assert.deepEqual(names(await get('origin=brazil')), ['Brazil Cerrado']);
    assert.deepEqual(names(await get('process=honey')), ['Colombia Huila']);
    assert.deepEqual(names(await get(`partner=${partnerB.partnerId}`)), ['Colombia Huila']);
    assert.deepEqual(names(await get('minPrice=16000&maxPrice=20000')), ['Kenya Nyeri']);
    // Colombia spans 15,000–60,000 and so overlaps a 50,000+ filter.
    assert.deepEqual(names(await get('minPrice=50000')), ['Colombia Huila']);
  });

  it('searches names, partners, origins and tasting notes (Korean too)', async () => {
    const one = await anon.get<Page>(
      `/api/catalog/products?q=${encodeURIComponent(`hazelnut`)}&partner=${partnerA.partnerId}`,
    );
    assert.deepEqual(names(one.body), ['Brazil Cerrado']);
    const ko = await anon.get<Page>(
      `/api/catalog/products?q=${encodeURIComponent('사과')}&partner=${partnerB.partnerId}`,
    );
    assert.deepEqual(names(ko.body), ['Colombia Huila']);
    const odd = await anon.get<Page>(`/api/catalog/products?q=${encodeURIComponent("%_' OR 1=1 --")}`);
    assert.equal(odd.status, 200);
    assert.equal(odd.body.items.length, 0);
  });

  it('sorts by price and newest, and pages with a cursor without repeats', async () => {
    assert.deepEqual(names(await get('sort=price_asc')), ['Colombia Huila', 'Kenya Nyeri', 'Brazil Cerrado']);
    assert.deepEqual(names(await get('sort=price_desc')), [
      'Brazil Cerrado',
      'Kenya Nyeri',
      'Colombia Huila',
    ]);
    assert.deepEqual(names(await get('sort=newest')), ['Colombia Huila', 'Brazil Cerrado', 'Kenya Nyeri']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await get(`sort=price_asc&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...names(page));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['Colombia Huila', 'Kenya Nyeri', 'Brazil Cerrado']);
  });

  it('refuses bad queries with 400 field details', async () => {
    for (const qs of [
      'roast=burnt',
      'sort=random',
      'limit=1000',
      'minPrice=-5',
      'cursor=nope',
      'partner=not-a-uuid',
      'extra=1',
    ]) {
      const res = await anon.get<{ error: { code: string } }>(`/api/catalog/products?${qs}`);
      assert.equal(res.status, 400, qs);
      assert.equal(res.body.error.code, 'VALIDATION_FAILED', qs);
    }
    assert.equal((await anon.get('/api/catalog/products/00000000-0000-4000-8000-000000000000')).status, 404);
  });

  it('answers the detail with options and partner, and a 304 for a matching ETag', async () => {
    const res = await anon.get<CatalogProduct>(`/api/catalog/products/${ids.colombia}`);
    assert.equal(res.body.partner.id, partnerB.partnerId);
    assert.deepEqual(res.body.options.cycles, [4]);
    const etag = res.headers.get('etag')!;
    // node:http, not fetch: fetch adds `Cache-Control: no-cache` to conditional requests, which rightly defeats 304.
    const status = await new Promise<number>((resolve, reject) =>
      http
        .get(
          `${stack.baseUrl}/api/catalog/products/${ids.colombia}`,
          { headers: { 'if-none-match': etag } },
          (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          },
        )
        .on('error', reject),
    );
    assert.equal(status, 304);
  });

  it('serves repeats from memory, then Redis, then PostgreSQL', async () => {
    const path = `/api/catalog/products?q=${token}&sort=popular`;
    await anon.get(path);
    assert.equal((await anon.get(path)).headers.get('x-cache'), 'memory');
    // A second API instance has nothing in memory but finds the answer in Redis.
    const other = createApp({ ...stack.apiDeps, subscriber: undefined });
    const server = other.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const b = new Browser(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      assert.equal((await b.get(path)).headers.get('x-cache'), 'redis');
    } finally {
      server.close();
    }
  });

  it('keeps answering from PostgreSQL when Redis is down, and /readyz says so', async () => {
    const dead = createRedis('redis://127.0.0.1:6390/0', 'x:');
    dead.on('error', () => undefined);
    const app = createApp({ ...stack.apiDeps, redis: dead, subscriber: undefined });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const b = new Browser(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const res = await b.get<Page>(`/api/catalog/products?q=${token}&sort=price_asc`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-cache'), 'database');
      assert.equal(res.body.items.length, 3);
      assert.equal((await b.get(`/api/catalog/products/${ids.kenya}`)).status, 200);
      assert.equal((await b.get('/api/catalog/facets')).status, 200);
      const ready = await b.get<{ error: { message: string } }>('/readyz');
      assert.equal(ready.status, 503);
      assert.match(ready.body.error.message, /redis/);
    } finally {
      server.close();
      dead.disconnect();
    }
  });

  it('offers facets for the filters', async () => {
    const res = await anon.get<{
      origins: { value: string; label: string; count: number }[];
      partners: { id: string }[];
      price: { min: number; max: number };
    }>('/api/catalog/facets');
    // Typed as "Kenya", listed by its code with the Korean name.
    assert.ok(res.body.origins.some((o) => o.value === 'KE' && o.label === '케냐'));
    assert.ok(res.body.partners.some((p) => p.id === partnerB.partnerId));
    assert.ok(res.body.price.min <= 15000 && res.body.price.max >= 60000);
  });
});

describe('product submission API', () => {
  it('customers cannot upload images or submit products; partners only see their own', async () => {
    const customer = await makeUser(stack);
    const img = await pngImage();
    assert.equal(
      (
        await customer.browser.request('POST', '/api/images', img, {
          headers: { 'content-type': 'image/png' },
        })
      ).status,
      403,
    );
    assert.equal(
      (await customer.browser.post('/api/partner/products', productForm('a'.repeat(64)))).status,
      403,
    );
    const mine = await partnerB.browser.get<{ items: { id: string }[] }>('/api/partner/products');
    assert.deepEqual(
      mine.body.items.map((p) => p.id),
      [ids.colombia],
    );
    assert.equal((await partnerB.browser.get(`/api/partner/products/${ids.kenya}`)).status, 404);
  });

  it('checks uploads by their bytes: type, size and that they are images at all', async () => {
    const p = partnerA.browser;
    const upload = (body: Uint8Array, type: string) =>
      p.request<{ error: { code: string } }>('POST', '/api/images', body, {
        headers: { 'content-type': type },
      });
    const notImage = await upload(Buffer.from('<?php echo 1; ?>'.padEnd(400, ' ')), 'image/png');
    assert.equal(notImage.status, 400);
    const lying = await upload(await pngImage(), 'image/jpeg');
    assert.equal(lying.status, 400);
    assert.equal((await upload(Buffer.from('GIF89a'), 'image/gif')).status, 415);
    assert.equal((await upload(Buffer.alloc(6 * 1024 * 1024, 1), 'image/png')).status, 413);
    const tiny = await upload(await pngImage('#000', 50), 'image/png');
    assert.equal(tiny.status, 400);
    const ok = await upload(await pngImage('#123456'), 'image/png');
    assert.equal(ok.status, 201);
  });

  it('validates the product form field by field', async () => {
    const res = await partnerA.browser.post<{
      error: { details: { fields: { path: string; key: string }[] } };
    }>('/api/partner/products', {
      ...productForm('a'.repeat(64)),
      name: '',
      tastingNotes: [],
      options: { weights: [{ grams: 200, priceKrw: 12.5 }], grinds: ['instant'], cycles: [3] },
    });
    assert.equal(res.status, 400);
    const keys = Object.fromEntries(res.body.error.details.fields.map((f) => [f.path, f.key]));
    assert.equal(keys.name, 'required');
    assert.equal(keys.tastingNotes, 'required');
    assert.ok(keys['options.weights.0.priceKrw']);
    assert.ok(keys['options.grinds.0']);
    assert.ok(keys['options.cycles.0']);
  });
});
