import { z } from 'zod';
import { legalDocSlugs, type LegalDocument, type LegalOverview, type SellerInfo } from '../../domain/legal';
import { legalLibrary } from '../../infra/legal';
import { getSeller } from '../catalog';
import { route, type RouteDef } from '../route';

const slugParams = z.strictObject({ slug: z.enum(legalDocSlugs) });
const idParams = z.strictObject({ id: z.uuid() });

/**
 * The operator's business information and legal documents (docs/architecture.md#terms-and-consents): the footer of
 * every page, the 이용약관 / 개인정보처리방침 / 취소·환불 정책 pages, the versions the consent forms post back, and the
 * business information of the roaster who sells a product (the marketplace is only the intermediary).
 */
export function legalRoutes(): RouteDef[] {
  return [
    route({
      method: 'GET',
      path: '/api/legal',
      summary:
        "The operator's business information (footer) and the legal documents in force with their versions",
      tag: 'legal',
      access: 'public',
      async handler({ ctx, deps: { config, log } }): Promise<LegalOverview> {
        // Revalidated every time: a consent form posts these versions back, and a stale one is refused.
        ctx.set('Cache-Control', 'no-cache');
        const library = legalLibrary(config.legal.dir, (err) =>
          log.error({ err: err.message }, 'legal document'),
        );
        return { business: config.business, documents: library.list() };
      },
    }),
    route({
      method: 'GET',
      path: '/api/legal/documents/:slug',
      summary:
        'One legal document rendered to HTML (terms, privacy, refund), with its version and effective date',
      tag: 'legal',
      access: 'public',
      params: slugParams,
      async handler({ ctx, params, deps: { config, log } }): Promise<LegalDocument> {
        ctx.set('Cache-Control', 'no-cache');
        const library = legalLibrary(config.legal.dir, (err) =>
          log.error({ err: err.message }, 'legal document'),
        );
        return library.get(params.slug);
      },
    }),
    route({
      method: 'GET',
      path: '/api/sellers/:id',
      summary:
        "A roaster's business information for its product pages: 상호, 대표자, 사업자등록번호, 통신판매업 신고번호, 주소, 연락처",
      tag: 'legal',
      access: 'public',
      params: idParams,
      async handler({ ctx, params, deps: { db } }): Promise<SellerInfo> {
        ctx.set('Cache-Control', 'no-cache');
        return getSeller(db, params.id);
      },
    }),
  ];
}
