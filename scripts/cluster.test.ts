import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionDefaults } from '../infra/config';
import { clusterAppEnv, loadClusterConfig } from './cluster';

describe('npm run start:cluster: the application keeps its own stores', () => {
  it('moves the application to its own database and Redis database, keeping roles, hosts and ports', () => {
    const cluster = loadClusterConfig({});
    assert.deepEqual([cluster.appDatabase, cluster.redisDb], ['dalgona_cluster', 2]);
    assert.deepEqual(clusterAppEnv({}, cluster, connectionDefaults), {
      DATABASE_URL: 'postgres://dalgona_worker:dalgona_worker@127.0.0.1:5432/dalgona_cluster',
      API_DATABASE_URL: 'postgres://dalgona_api:dalgona_api@127.0.0.1:5432/dalgona_cluster',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
    });
    // A .env that points elsewhere keeps its server and credentials; only the database changes.
    const moved = clusterAppEnv(
      {
        DATABASE_URL: 'postgres://w:secret@db.internal:6543/shop',
        API_DATABASE_URL: 'postgres://r:secret@db.internal:6543/shop',
        REDIS_URL: 'redis://:pw@cache.internal:6380/5',
      },
      loadClusterConfig({ TEMPORAL_CLUSTER_APP_DATABASE: 'shop_cluster', TEMPORAL_CLUSTER_REDIS_DB: '7' }),
      connectionDefaults,
    );
    assert.deepEqual(moved, {
      DATABASE_URL: 'postgres://w:secret@db.internal:6543/shop_cluster',
      API_DATABASE_URL: 'postgres://r:secret@db.internal:6543/shop_cluster',
      REDIS_URL: 'redis://:pw@cache.internal:6380/7',
    });
  });

  it('refuses a database name PostgreSQL would need quoting for', () => {
    assert.throws(() => loadClusterConfig({ TEMPORAL_CLUSTER_APP_DATABASE: 'shop; drop' }), /APP_DATABASE/);
    assert.throws(() => loadClusterConfig({ TEMPORAL_CLUSTER_REDIS_DB: '16' }), /REDIS_DB/);
  });
});
