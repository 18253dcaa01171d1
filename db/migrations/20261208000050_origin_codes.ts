import type { Knex } from 'knex';
import { originCodeOf, originSearchWords } from '../../domain/origins';

// Origins from a fixed list (docs/architecture.md#product-publication): a product's `origin_country` becomes the country's code
// (ET, KE, …), so "Ethiopia" and "에티오피아" are one facet. Typed text that names no country on the list is kept as
// typed (trimmed): the catalog shows it as written and filters by it, and the roaster picks a country at the next
// edit. The catalog's search text gains the country's Korean and English names, so either finds the product.
export async function up(knex: Knex): Promise<void> {
  for (const table of ['product_revisions', 'catalog_products']) {
    const rows = (await knex(table).distinct('origin_country')) as { originCountry: string }[];
    for (const { originCountry } of rows) {
      const code = originCodeOf(originCountry) ?? originCountry.trim();
      if (code !== originCountry) await knex(table).where({ originCountry }).update({ originCountry: code });
    }
  }
  const entries = (await knex('catalog_products').select('product_id', 'origin_country', 'search_text')) as {
    productId: string;
    originCountry: string;
    searchText: string;
  }[];
  for (const e of entries) {
    const words = originSearchWords(e.originCountry)
      .map((w) => w.toLowerCase())
      .filter((w) => !e.searchText.includes(w));
    if (words.length)
      await knex('catalog_products')
        .where({ productId: e.productId })
        .update({ searchText: `${e.searchText} ${words.join(' ')}` });
  }
  await knex.raw('CREATE INDEX IF NOT EXISTS catalog_products_origin ON catalog_products (origin_country)');
}

// The codes stay: a code is what every later revision writes, and the names it stands for are in domain/origins.ts.
export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS catalog_products_origin');
}
