// Which e-mail addresses belong to users of the caller's tenant. Users are platform entities; the
// office subgraph keeps its own replica of them (office.directory_users), filled from the
// platform's user events (modules/directory), and never reads the platform's tables.
import type { OfficeContext } from '../../context';

export interface DirectoryUser {
  id: string;
  email: string;
}

export class UserDirectory {
  private readonly byId = new Map<string, DirectoryUser | null>();

  constructor(private readonly ctx: OfficeContext) {}

  /** Users of the tenant with these addresses (compared lower-case). */
  async byEmails(tenantId: string, emails: string[]): Promise<DirectoryUser[]> {
    if (!emails.length) return [];
    const rows = await this.ctx.db.directoryUser.findMany({ where: { tenantId, email: { in: emails.map((e) => e.toLowerCase()) } } });
    return rows.map((r) => ({ id: r.userId, email: r.email }));
  }

  /** One user of the tenant by id (cached for the request); the caller's own address comes from their token. */
  async user(tenantId: string, id: string): Promise<DirectoryUser | null> {
    const { caller } = this.ctx;
    if (id === caller.userId && caller.tenantId === tenantId && caller.email) return { id, email: caller.email.toLowerCase() };
    if (!this.byId.has(id)) {
      const row = await this.ctx.db.directoryUser.findUnique({ where: { tenantId_userId: { tenantId, userId: id } } });
      this.byId.set(id, row ? { id: row.userId, email: row.email } : null);
    }
    return this.byId.get(id) ?? null;
  }
}
