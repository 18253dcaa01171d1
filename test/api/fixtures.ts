// Shared by the authorisation matrix and the fuzz test: one account per role, plus someone else's resources.
import { Task } from '../../db/models';
import { Browser } from '../browser';
import {
  applicationForm,
  eventually,
  makePartner,
  makeUser,
  pngImage,
  publishProduct,
  type Stack,
} from '../harness';

export type Who = 'anon' | 'customer' | 'partner' | 'admin';

export interface Fixtures {
  as: Record<Who, Browser>;
  /** An account with every role, for routes any signed-in user may call. */
  superuser: Browser;
  /** A pending application of a customer who is none of the above ("someone else's resource"). */
  otherApplicationId: string;
  otherTaskId: string;
  /** A published product of another partner, and one of the fixture partner's own. */
  otherProductId: string;
  ownProductId: string;
  imageId: string;
}

export async function buildFixtures(stack: Stack): Promise<Fixtures> {
  const admin = await makeUser(stack, ['customer', 'admin']);
  const customer = await makeUser(stack);
  const partner = await makePartner(stack, admin.me.id);
  const otherPartner = await makePartner(stack, admin.me.id);
  const superuser = await makeUser(stack, ['customer', 'partner', 'admin']);
  const other = await makeUser(stack);
  const applied = await other.browser.post<{ id: string }>('/api/partner-applications', applicationForm());
  const task = await eventually(() =>
    Task.query(stack.db).findOne({ subjectId: applied.body.id, state: 'open' }),
  );
  const upload = await partner.browser.request<{ id: string }>('POST', '/api/images', await pngImage(), {
    headers: { 'content-type': 'image/png' },
  });
  const imageId = upload.body.id;
  return {
    as: {
      anon: new Browser(stack.baseUrl),
      customer: customer.browser,
      partner: partner.browser,
      admin: admin.browser,
    },
    superuser: superuser.browser,
    otherApplicationId: applied.body.id,
    otherTaskId: task.id,
    otherProductId: await publishProduct(stack, otherPartner.browser, admin.me.id),
    ownProductId: await publishProduct(stack, partner.browser, admin.me.id),
    imageId,
  };
}

/** Fills `:param` placeholders from the fixtures. */
export function fillPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no fixture for :${name} in ${path}`);
    return encodeURIComponent(value);
  });
}
