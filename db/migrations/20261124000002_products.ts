import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Trigram search over the catalog (a trusted extension: the table owner may create it).
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');

  await knex.schema.createTable('images', (t) => {
    t.text('id').primary(); // sha256 of the stored (re-encoded) bytes
    t.uuid('partner_id').references('partners.id');
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.integer('bytes').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('products', (t) => {
    t.uuid('id').primary();
    t.uuid('partner_id').notNullable().references('partners.id');
    t.text('workflow_id').notNullable();
    t.text('status').notNullable().defaultTo('in_review');
    t.uuid('live_revision_id');
    t.uuid('latest_revision_id');
    t.timestamp('published_at', { useTz: true });
    t.timestamp('unpublished_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['partner_id', 'created_at']);
  });
  await knex.raw(`ALTER TABLE products ADD CONSTRAINT products_status
    CHECK (status IN ('in_review','published','unpublished','rejected'))`);

  await knex.schema.createTable('product_revisions', (t) => {
    t.uuid('id').primary();
    t.uuid('product_id').notNullable().references('products.id');
    t.uuid('partner_id').notNullable().references('partners.id');
    t.integer('number').notNullable();
    t.text('status').notNullable();
    t.text('name').notNullable();
    t.text('description').notNullable();
    t.text('origin_country').notNullable();
    t.text('origin_region');
    t.text('origin_farm');
    t.text('process').notNullable();
    t.text('roast_level').notNullable();
    t.specificType('tasting_notes', 'text[]').notNullable();
    t.jsonb('options').notNullable();
    t.integer('capacity_per_cycle').notNullable();
    t.text('image_id').notNullable();
    t.jsonb('reasons').notNullable().defaultTo('[]');
    t.text('decision_reason');
    t.uuid('decided_by').references('users.id');
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('submitted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['product_id', 'number']);
    t.index(['partner_id', 'submitted_at']);
  });
  await knex.raw(`ALTER TABLE product_revisions ADD CONSTRAINT product_revisions_status
    CHECK (status IN ('validating','in_review','approved','rejected','auto_rejected','superseded','replaced'))`);

  // The storefront's read model: one row per published product, product and partner together
  // (the deck's 통합제품 관리), shaped for the catalog's filters and sorts.
  await knex.schema.createTable('catalog_products', (t) => {
    t.uuid('product_id').primary().references('products.id');
    t.uuid('revision_id').notNullable().references('product_revisions.id');
    t.uuid('partner_id').notNullable().references('partners.id');
    t.text('partner_name').notNullable();
    t.text('status').notNullable(); // live | unpublished
    t.text('name').notNullable();
    t.text('description').notNullable();
    t.text('origin_country').notNullable();
    t.text('origin_region');
    t.text('origin_farm');
    t.text('process').notNullable();
    t.text('roast_level').notNullable();
    t.specificType('tasting_notes', 'text[]').notNullable();
    t.jsonb('options').notNullable();
    t.integer('min_price').notNullable();
    t.integer('max_price').notNullable();
    t.integer('capacity_per_cycle').notNullable();
    t.text('image_id').notNullable();
    t.integer('subscriber_count').notNullable().defaultTo(0);
    t.text('search_text').notNullable();
    t.timestamp('published_at', { useTz: true, precision: 3 }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `ALTER TABLE catalog_products ADD CONSTRAINT catalog_products_status CHECK (status IN ('live','unpublished'))`,
  );
  await knex.raw(
    `CREATE INDEX catalog_live_newest ON catalog_products (published_at DESC, product_id) WHERE status = 'live'`,
  );
  await knex.raw(
    `CREATE INDEX catalog_live_price ON catalog_products (min_price, product_id) WHERE status = 'live'`,
  );
  await knex.raw(
    `CREATE INDEX catalog_live_popular ON catalog_products (subscriber_count DESC, product_id) WHERE status = 'live'`,
  );
  await knex.raw(`CREATE INDEX catalog_search ON catalog_products USING gin (search_text gin_trgm_ops)`);
  await knex.raw(`CREATE INDEX catalog_partner ON catalog_products (partner_id)`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['catalog_products', 'product_revisions', 'products', 'images']) {
    await knex.schema.dropTableIfExists(table);
  }
}
