// Two tenants for the tests that work below the gateway (a subgraph in process, a service, the
// database): each has an owner known to the platform and to every subgraph's user directory, and a
// builder adds rows of any subgraph's table to one tenant or, as isolation checks need, to both.
// Rows are written with the database owner's connection (as migrations and seeds are), so a test
// states exactly the data it reads; the subgraph under test then reads it as the application role,
// behind row-level security.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CONTEXT_HEADER, GATED_MODULES, SUBGRAPH_MANIFEST, anonymousCaller, internalContextSecret, signCallerIdentitySync, type CallerIdentity } from '@bacbos/common';

export type Row = Record<string, any>;

export interface SeedTenant {
  /** 'a' or 'b': which of the two. */
  key: 'a' | 'b';
  tenantId: string;
  slug: string;
  ownerId: string;
  ownerEmail: string;
}

/** The subgraphs that keep a replica of the platform's users (the manifest's `userDirectory`). */
const DIRECTORIES = SUBGRAPH_MANIFEST.filter((s) => s.userDirectory).map((s) => `${s.schema}.directory_users`);
/** Every module a tenant can switch on (the manifest's gated modules): the seeded tenants have them all. */
const ALL_MODULES: string[] = [...GATED_MODULES];
const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

const quoted = (name: string): string => {
  if (!IDENTIFIER.test(name)) throw new Error(`seed: ${JSON.stringify(name)} is not a plain SQL identifier`);
  return `"${name}"`;
};
const tableName = (table: string): string => {
  const [schema, name, extra] = table.split('.');
  if (!name || extra !== undefined) throw new Error(`seed: name the table with its schema (crm.contacts), not ${JSON.stringify(table)}`);
  return `${quoted(schema)}.${quoted(name)}`;
};

export class TwoTenantSeed {
  private readonly sharedRows = new Map<string, Promise<{ a: Row; b: Row }>>();

  private constructor(
    private readonly db: Client,
    readonly a: SeedTenant,
    readonly b: SeedTenant,
  ) {}

  /** Creates tenants A and B with their owners (platform.tenants, platform.users, every directory). */
  static async create(databaseUrl = process.env.DATABASE_URL): Promise<TwoTenantSeed> {
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const tenant = async (key: 'a' | 'b'): Promise<SeedTenant> => {
      const slug = `seed-${key}-${randomUUID().slice(0, 12)}`;
      const ownerEmail = `owner@${slug}.example`;
      const { rows: [t] } = await db.query(
        'INSERT INTO platform.tenants (name, slug, plan, enabled_modules) VALUES ($1, $2, $3, $4) RETURNING id',
        [`Tenant ${key.toUpperCase()}`, slug, 'professional', ALL_MODULES],
      );
      const { rows: [u] } = await db.query(
        "INSERT INTO platform.users (tenant_id, email, first_name, last_name, status) VALUES ($1, $2, 'Olive', $3, 'active') RETURNING id",
        [t.id, ownerEmail, `Owner${key.toUpperCase()}`],
      );
      for (const directory of DIRECTORIES) {
        await db.query(`INSERT INTO ${tableName(directory)} (tenant_id, user_id, email) VALUES ($1, $2, $3)`, [t.id, u.id, ownerEmail]);
      }
      return { key, tenantId: t.id, slug, ownerId: u.id, ownerEmail };
    };
    try {
      return new TwoTenantSeed(db, await tenant('a'), await tenant('b'));
    } catch (error) {
      await db.end();
      throw error;
    }
  }

  get tenants(): [SeedTenant, SeedTenant] {
    return [this.a, this.b];
  }

  /**
   * Inserts one row of `table` (`schema.table`, snake_case columns) into the tenant; tenant_id is set,
   * and a fresh id unless given (Prisma generates some ids client-side, so not every table has a default).
   */
  async insert(table: string, tenant: SeedTenant, values: Row): Promise<Row> {
    const row: Row = { id: randomUUID(), tenant_id: tenant.tenantId, ...values };
    const columns = Object.keys(row);
    const { rows } = await this.db.query(
      `INSERT INTO ${tableName(table)} (${columns.map(quoted).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
      columns.map((column) => row[column]),
    );
    return rows[0];
  }

  /** One row in each tenant, built from the tenant: the pair every isolation check starts from. */
  async both(table: string, build: (tenant: SeedTenant) => Row | Promise<Row>): Promise<{ a: Row; b: Row }> {
    return { a: await this.insert(table, this.a, await build(this.a)), b: await this.insert(table, this.b, await build(this.b)) };
  }

  /** Like both(), once per seed: for a parent row (an employee, a spreadsheet) that several cases hang rows on. */
  shared(name: string, create: (seed: this) => Promise<{ a: Row; b: Row }>): Promise<{ a: Row; b: Row }> {
    let rows = this.sharedRows.get(name);
    if (!rows) this.sharedRows.set(name, (rows = create(this)));
    return rows;
  }

  /** The tenant's owner as the gateway describes a signed-in user: every permission, every module. */
  caller(tenant: SeedTenant, extra: Partial<CallerIdentity> = {}): CallerIdentity {
    return anonymousCaller({
      kind: 'user', tenantId: tenant.tenantId, userId: tenant.ownerId, sessionId: randomUUID(), email: tenant.ownerEmail,
      permissions: ['*'], modules: ALL_MODULES, timeZone: 'UTC', ipAddress: '127.0.0.1', userAgent: 'jest', ...extra,
    });
  }

  close(): Promise<void> {
    return this.db.end();
  }
}

/** The header the gateway adds to every subgraph fetch: the caller, signed with INTERNAL_CONTEXT_SECRET. */
export function signedContext(caller: CallerIdentity, secret = internalContextSecret()): Record<string, string> {
  return { [CONTEXT_HEADER]: signCallerIdentitySync(caller, secret) };
}

/** The ids of a pair of rows made by both(). */
export const idsOf = (pair: { a: Row; b: Row }): { a: string; b: string } => ({ a: pair.a.id, b: pair.b.id });
