import pg from 'pg';

interface Creds {
  user: string;
  password: string;
  database: string;
}

function creds(url: string): Creds {
  const u = new URL(url);
  return {
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
  };
}

/** A superuser's URL on the local PostgreSQL server (POSTGRES_ADMIN_URL), for making roles and databases. */
export const adminUrl = () => process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const ident = (s: string) => pg.escapeIdentifier(s);
const literal = (s: string) => pg.escapeLiteral(s);

/**
 * Creates (if missing) the table-owning role, the read-only role (when given) and the database, as a superuser.
 * Idempotent: safe to run on every start.
 */
export async function ensureDatabase(
  adminUrl: string,
  workerUrl: string,
  apiUrl: string = workerUrl,
): Promise<void> {
  const worker = creds(workerUrl);
  const api = creds(apiUrl);
  if (worker.database !== api.database)
    throw new Error('DATABASE_URL and API_DATABASE_URL must name the same database');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const role of [worker, api]) {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.user]);
      const verb = rowCount ? 'ALTER' : 'CREATE';
      const password = role.password ? `PASSWORD ${literal(role.password)}` : '';
      await admin.query(
        `${verb} ROLE ${ident(role.user)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE ${password}`,
      );
    }
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [worker.database]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${ident(worker.database)} OWNER ${ident(worker.user)}`);
    // Nobody but the owner may create temp tables or connect unless granted.
    await admin.query(`REVOKE ALL ON DATABASE ${ident(worker.database)} FROM PUBLIC`);
    await admin.query(`GRANT CONNECT ON DATABASE ${ident(worker.database)} TO ${ident(api.user)}`);
    await admin.query(`GRANT ALL ON DATABASE ${ident(worker.database)} TO ${ident(worker.user)}`);
  } finally {
    await admin.end();
  }
  const adminInDb = new URL(adminUrl);
  adminInDb.pathname = `/${worker.database}`;
  const inDb = new pg.Client({ connectionString: adminInDb.toString() });
  await inDb.connect();
  try {
    await inDb.query(`ALTER SCHEMA public OWNER TO ${ident(worker.user)}`);
    await inDb.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
  } finally {
    await inDb.end();
  }
}
