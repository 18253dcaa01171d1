/** The test databases: the same roles as development, in a database of their own. */
export function testDatabaseUrls(env: Record<string, string | undefined>): { worker: string; api: string } {
  return {
    worker: env.TEST_DATABASE_URL ?? 'postgres://dalgona_worker:dalgona_worker@127.0.0.1:5432/dalgona_test',
    api: env.TEST_API_DATABASE_URL ?? 'postgres://dalgona_api:dalgona_api@127.0.0.1:5432/dalgona_test',
  };
}
