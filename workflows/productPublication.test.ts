import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  productPublicationHandle,
  productStatusQuery,
  startProductPublication,
  submitRevisionUpdate,
} from '../domain/contracts/productPublication';
import { decideUpdate, reviewDeskHandle } from '../domain/contracts/reviewDesk';
import type { CatalogCard, CatalogProduct, ProductForm } from '../domain/product';
import { OutboxMessage, Task } from '../db/models';
import type { Browser } from '../test/browser';
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
} from '../test/harness';

let stack: Stack;
let admin: { userId: string; roles: string[] };
let partner: Browser;
let partnerUserId: string;
let imageId: string;
let anon: Browser;

before(async () => {
  stack = await startStack();
  const a = await makeUser(stack, ['customer', 'admin']);
  admin = { userId: a.me.id, roles: a.me.roles };
  const p = await makePartner(stack, a.me.id);
  partner = p.browser;
  partnerUserId = p.me.id;
  const upload = await partner.request<{ id: string }>('POST', '/api/images', await pngImage(), {
    headers: { 'content-type': 'image/png' },
  });
  assert.equal(upload.status, 201);
  imageId = upload.body.id;
  const { Browser } = await import('../test/browser');
  anon = new Browser(stack.baseUrl);
});
after(async () => {
  await stack.stop();
  await stopTemporal();
});

async function submit(
  form: ProductForm = productForm(imageId),
): Promise<{ productId: string; revisionId: string }> {
  const res = await partner.post<{ productId: string; revisionId: string }>('/api/partner/products', form);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body;
}

const reviewTask = (revisionId: string) =>
  eventually(() => Task.query(stack.db).findOne({ subjectId: revisionId, state: 'open' }));
const revision = (id: string) => eventually(() => stack.db('product_revisions').where({ id }).first());
const revisionStatus = (id: string, status: string) =>
  eventually(async () =>
    (await stack.db('product_revisions').where({ id }).first())?.status === status ? true : undefined,
  );

async function decide(revisionId: string, decision: 'approve' | 'reject', reason?: string) {
  const task = await reviewTask(revisionId);
  return reviewDeskHandle(stack.client, task).executeUpdate(decideUpdate, {
    args: [{ taskId: task.id, decision, reason, actor: admin }],
  });
}

const list = async (query = '') =>
  (await anon.get<{ items: CatalogCard[] }>(`/api/catalog/products${query}`)).body.items;

describe('productPublication workflow (real dev server, PostgreSQL, Redis)', () => {
  it('validates, waits in the inbox, publishes to the catalog and invalidates the cached list at once', async () => {
    const form = productForm(imageId);
    const before = await list(); // warms the cache with a list that does not have it
    assert.ok(!before.some((c) => c.name === form.name));
    const { productId, revisionId } = await submit(form);
    const task = await reviewTask(revisionId);
    assert.equal(task.kind, 'product_review');
    assert.equal((await stack.db('products').where({ id: productId }).first()).status, 'in_review');
    assert.deepEqual(await decide(revisionId, 'approve'), { status: 'approved', subjectId: revisionId });

    const listed = await list();
    const card = listed.find((c) => c.id === productId);
    assert.ok(card, 'the new product is in the very next list (cache invalidated)');
    assert.equal(card.minPrice, 16000);
    assert.equal(card.maxPrice, 36000);
    const detail = await anon.get<CatalogProduct>(`/api/catalog/products/${productId}`);
    assert.equal(detail.body.status, 'live');
    assert.deepEqual(detail.body.options, form.options);
    assert.ok(detail.body.partner.name.startsWith('Roastery'));
    const image = await anon.get(detail.body.image.thumbUrl);
    assert.equal(image.status, 200);
    assert.match(image.headers.get('cache-control') ?? '', /immutable/);
    const notice = await OutboxMessage.query(stack.db).findOne({
      dedupeKey: `productRevision:${revisionId}:approved`,
    });
    assert.equal(notice?.template, 'product_published');
    assert.equal(notice?.recipientUserId, partnerUserId);
  });

  it('rejects with a reason the partner reads; the product never reaches the catalog', async () => {
    const { productId, revisionId } = await submit();
    await decide(revisionId, 'reject', '사진이 실제 원두와 다릅니다');
    const rev = await revision(revisionId);
    await revisionStatus(revisionId, 'rejected');
    assert.equal(
      (await stack.db('product_revisions').where({ id: revisionId }).first()).decisionReason,
      '사진이 실제 원두와 다릅니다',
    );
    assert.equal((await stack.db('products').where({ id: productId }).first()).status, 'rejected');
    assert.equal(await stack.db('catalog_products').where({ productId }).first(), undefined);
    assert.ok(rev);
  });

  it('auto-rejects an absurd price or a name the partner already uses, without an inbox task', async () => {
    const cheap = await submit(
      productForm(imageId, {
        options: { weights: [{ grams: 1000, priceKrw: 1000 }], grinds: ['whole_bean'], cycles: [2] },
      }),
    );
    await revisionStatus(cheap.revisionId, 'auto_rejected');
    const cheapRev = await stack.db('product_revisions').where({ id: cheap.revisionId }).first();
    assert.deepEqual(
      cheapRev.reasons.map((r: { key: string }) => r.key),
      ['price_out_of_range'],
    );

    const form = productForm(imageId);
    const first = await submit(form);
    await reviewTask(first.revisionId);
    const dup = await submit({ ...form, name: form.name.toUpperCase() });
    await revisionStatus(dup.revisionId, 'auto_rejected');
    const dupRev = await stack.db('product_revisions').where({ id: dup.revisionId }).first();
    assert.deepEqual(
      dupRev.reasons.map((r: { key: string }) => r.key),
      ['duplicate_name'],
    );
    assert.equal(await Task.query(stack.db).findOne({ subjectId: dup.revisionId }), undefined);
  });

  it('reviews an edit while the live revision stays; approval swaps it in and keeps the old one on record', async () => {
    const form = productForm(imageId);
    const { productId, revisionId } = await submit(form);
    await decide(revisionId, 'approve');
    const edit = await partner.post<{ revisionId: string; number: number }>(
      `/api/partner/products/${productId}/revisions`,
      {
        ...form,
        name: `${form.name} (new crop)`,
        options: { ...form.options, weights: [{ grams: 200, priceKrw: 17000 }] },
      },
    );
    assert.equal(edit.status, 202);
    assert.equal(edit.body.number, 2);
    await reviewTask(edit.body.revisionId);
    // While the edit waits, shoppers still see the live revision.
    assert.equal((await anon.get<CatalogProduct>(`/api/catalog/products/${productId}`)).body.name, form.name);
    await decide(edit.body.revisionId, 'approve');
    const after = await anon.get<CatalogProduct>(`/api/catalog/products/${productId}`);
    assert.equal(after.body.name, `${form.name} (new crop)`);
    assert.equal(after.body.minPrice, 17000);
    assert.equal((await stack.db('product_revisions').where({ id: revisionId }).first()).status, 'replaced');
    const mine = await partner.get<{ revisions: { number: number; status: string }[] }>(
      `/api/partner/products/${productId}`,
    );
    assert.deepEqual(
      mine.body.revisions.map((r) => [r.number, r.status]),
      [
        [2, 'approved'],
        [1, 'replaced'],
      ],
    );
  });

  it('a newer edit supersedes one still waiting in the inbox', async () => {
    const form = productForm(imageId);
    const { productId, revisionId } = await submit(form);
    await decide(revisionId, 'approve');
    const a = await partner.post<{ revisionId: string }>(`/api/partner/products/${productId}/revisions`, {
      ...form,
      description: `${form.description} A`,
    });
    const taskA = await reviewTask(a.body.revisionId);
    const b = await partner.post<{ revisionId: string }>(`/api/partner/products/${productId}/revisions`, {
      ...form,
      description: `${form.description} B`,
    });
    await revisionStatus(a.body.revisionId, 'superseded');
    assert.equal((await Task.query(stack.db).findById(taskA.id))?.state, 'cancelled');
    // The admin's stale view of A is refused; B is the one to decide.
    const stale = await reviewDeskHandle(stack.client, taskA)
      .executeUpdate(decideUpdate, { args: [{ taskId: taskA.id, decision: 'approve', actor: admin }] })
      .then(
        () => 'accepted',
        (err: Error) => err.name,
      );
    assert.equal(stale, 'WorkflowUpdateFailedError');
    await decide(b.body.revisionId, 'approve');
    assert.match(
      (await anon.get<CatalogProduct>(`/api/catalog/products/${productId}`)).body.description,
      / B$/,
    );
  });

  it('unpublish takes it off the list (the page says so), republish brings it back', async () => {
    const { productId, revisionId } = await submit();
    await decide(revisionId, 'approve');
    assert.ok((await list()).some((c) => c.id === productId));
    const off = await partner.post<{ listed: boolean }>(`/api/partner/products/${productId}/unpublish`, {
      reason: 'Out of season',
    });
    assert.equal(off.status, 200);
    assert.equal(off.body.listed, false);
    assert.ok(!(await list()).some((c) => c.id === productId));
    assert.equal(
      (await anon.get<CatalogProduct>(`/api/catalog/products/${productId}`)).body.status,
      'unpublished',
    );
    const on = await partner.post<{ listed: boolean }>(`/api/partner/products/${productId}/republish`, {});
    assert.equal(on.body.listed, true);
    assert.ok((await list()).some((c) => c.id === productId));
  });

  it('refuses an edit from anyone but the owning partner (Update validator), and unlisting before publication', async () => {
    const { productId, revisionId } = await submit();
    await reviewTask(revisionId);
    const handle = productPublicationHandle(stack.client, productId);
    const intruder = { userId: randomUUID(), roles: ['customer', 'partner'] };
    await assert.rejects(
      handle.executeUpdate(submitRevisionUpdate, {
        args: [{ revisionId: randomUUID(), form: productForm(imageId), actor: intruder }],
      }),
      /Update failed/,
    );
    const early = await partner.post<{ error: { code: string } }>(
      `/api/partner/products/${productId}/unpublish`,
      {},
    );
    assert.equal(early.status, 409);
    const other = await makePartner(stack, admin.userId);
    const theirs = await other.browser.post(
      `/api/partner/products/${productId}/revisions`,
      productForm(imageId),
    );
    assert.equal(theirs.status, 404);
    assert.equal((await other.browser.get(`/api/partner/products/${productId}`)).status, 404);
    assert.equal((await handle.query(productStatusQuery)).reviewing, revisionId);
  });

  it('continues as new when its history grows, carrying the live revision and the numbering', async () => {
    const form = productForm(imageId);
    const productId = randomUUID();
    const first = randomUUID();
    const handle = await startProductPublication(stack.client, stack.config.temporal, {
      productId,
      partnerId: (await stack.db('partners').where({ userId: partnerUserId }).first()).id,
      ownerUserId: partnerUserId,
      reviewSlaMs: 60_000,
      historyLimit: 10,
      first: { revisionId: first, form },
    });
    await decide(first, 'approve');
    const firstRun = handle.firstExecutionRunId;
    const actor = { userId: partnerUserId, roles: ['customer', 'partner'] };
    await eventually(async () => (await handle.describe()).runId !== firstRun);
    const second = await handle.executeUpdate(submitRevisionUpdate, {
      args: [
        { revisionId: randomUUID(), form: { ...form, description: `${form.description} ${uniq()}` }, actor },
      ],
    });
    assert.equal(second.number, 2, 'numbering carried across continue-as-new');
    assert.equal((await handle.query(productStatusQuery)).liveRevisionId, first);
  });
});
