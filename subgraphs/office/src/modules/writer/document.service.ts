// Writer documents: tenant scope plus document-level roles. The owner (documents.owner_id) and
// callers holding office:admin may do everything; collaborators act by role: viewers read,
// commenters also comment, editors also edit and share. A document the caller may not read
// behaves as one that does not exist (null / NOT_FOUND).
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  assertTenantUser, badInput, conflict, containsText, diffFields, forbidden, hasPermission, isUuid, lockRow, manyByKey, notFound, pageSize, paginate, parseInput, plainText, recordChange, snapshot, tenantScope, unknownReference, type PageArgs,
} from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Document, DocumentCollaborator, DocumentComment, Prisma } from '../../generated/prisma/client';

export interface DocumentFilter {
  search?: string | null;
  ownerId?: string | null;
}

export type DocumentAccess = 'owner' | 'admin' | 'editor' | 'commenter' | 'viewer';
export const COLLABORATOR_ROLES = ['viewer', 'commenter', 'editor'] as const;
type Tx = Prisma.TransactionClient;

const NO_ID = '00000000-0000-0000-0000-000000000000';
const jsonObject = z.record(z.string(), z.unknown());
const title = z.string().trim().min(1).max(500);
const createSchema = z.object({ title, content: jsonObject.nullish(), folderId: z.string().uuid().nullish() });
const editSchema = z
  .object({ baseVersion: z.number().int().min(1), title: title.nullish(), content: jsonObject.nullish(), changeSummary: z.string().trim().max(500).nullish() })
  .refine((v) => v.title != null || v.content != null, { message: 'Give a title or content to change', path: ['title'] });
const shareSchema = z.object({ userId: z.string().uuid(), role: z.enum(['viewer', 'commenter', 'editor']) });
const commentSchema = z.object({
  body: z.string().trim().min(1).max(10_000),
  anchor: z.unknown().nullish(),
  parentId: z.string().uuid().nullish(),
});

/** Fields an event and an audit entry carry. */
export const DOCUMENT_FIELDS = ['title', 'content', 'version', 'folderId'];
const documentData = (d: Document) => ({ documentId: d.id, ...snapshot(d, ['id', 'title', 'version', 'ownerId', 'folderId', 'createdAt', 'updatedAt']) });
/**
 * What the search index needs of a document (EVENTS.md): its plain text and who may read it (the
 * owner and every collaborator, all of them, so a consumer can replace its access list).
 */
const searchData = async (tx: Tx, d: Document) => ({
  text: plainText(d.content),
  readerIds: [d.ownerId, ...(await tx.documentCollaborator.findMany({ where: { tenantId: d.tenantId, documentId: d.id }, select: { userId: true } })).map((c) => c.userId)],
});

export const commentData = (c: DocumentComment) => snapshot(c, ['id', 'documentId', 'parentId', 'authorId', 'body', 'anchor', 'resolved', 'createdAt', 'updatedAt']);
export const collaboratorData = (c: DocumentCollaborator) => snapshot(c, ['id', 'documentId', 'userId', 'role', 'addedBy', 'createdAt', 'updatedAt']);

export class DocumentService {
  private readonly tenantId: string | null;
  private readonly userId: string | null;
  private readonly loaders: ReturnType<DocumentService['createLoaders']>;

  constructor(private readonly ctx: OfficeContext) {
    this.tenantId = ctx.caller.tenantId;
    this.userId = ctx.caller.userId;
    this.loaders = this.createLoaders();
  }

  /** Per request, batched, always within the caller's tenant. */
  private createLoaders() {
    return {
    myRole: new DataLoader<string, string | null>(async (ids) => {
      if (!this.tenantId || !this.userId) return ids.map(() => null);
      const rows = await this.ctx.db.documentCollaborator.findMany({ where: { tenantId: this.tenantId, userId: this.userId, documentId: { in: [...ids] } } });
      return ids.map((id) => rows.find((r) => r.documentId === id)?.role ?? null);
    }),
    comments: new DataLoader<string, DocumentComment[]>(async (ids) =>
      manyByKey(ids, this.tenantId ? await this.ctx.db.documentComment.findMany({
        where: { tenantId: this.tenantId, documentId: { in: [...ids] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }) : [], (c) => c.documentId)),
    collaborators: new DataLoader<string, DocumentCollaborator[]>(async (ids) =>
      manyByKey(ids, this.tenantId ? await this.ctx.db.documentCollaborator.findMany({
        where: { tenantId: this.tenantId, documentId: { in: [...ids] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }) : [], (c) => c.documentId)),
    };
  }

  private scope(permission: 'office:read' | 'office:write', where: Prisma.DocumentWhereInput = {}): Prisma.DocumentWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, permission, where);
  }

  private get isAdmin(): boolean {
    return hasPermission(this.ctx.caller.permissions, 'office:admin');
  }

  /** Documents the caller may read, as a where-clause. */
  private readable(): Prisma.DocumentWhereInput {
    if (this.isAdmin) return {};
    if (!this.userId) return { id: NO_ID };
    return { OR: [{ ownerId: this.userId }, { collaborators: { some: { userId: this.userId } } }] };
  }

  private accessOf(doc: Document, collaboratorRole: string | null): DocumentAccess | null {
    if (this.userId && doc.ownerId === this.userId) return 'owner';
    if (this.isAdmin) return 'admin';
    return (COLLABORATOR_ROLES as readonly string[]).includes(collaboratorRole ?? '') ? (collaboratorRole as DocumentAccess) : null;
  }

  /** The caller's access to a loaded document (null: may not read it). */
  async access(doc: Document): Promise<DocumentAccess | null> {
    if ((this.userId && doc.ownerId === this.userId) || this.isAdmin) return this.accessOf(doc, null);
    return this.accessOf(doc, this.userId ? await this.loaders.myRole.load(doc.id) : null);
  }

  /** Locks the document for the rest of the transaction and checks the caller's access. */
  private async lockForUpdate(tx: Tx, tenantId: string, id: string, allowed: DocumentAccess[], what: string): Promise<Document> {
    const locked = isUuid(id) && (await lockRow(tx, 'office.documents', id, tenantId));
    const row = locked ? await tx.document.findFirst({ where: { id, tenantId } }) : null;
    if (!row) throw notFound('Document', 'id');
    const role = this.userId ? (await tx.documentCollaborator.findFirst({ where: { tenantId, documentId: id, userId: this.userId } }))?.role ?? null : null;
    const access = this.accessOf(row, role);
    if (!access) throw notFound('Document', 'id');
    if (!allowed.includes(access)) throw forbidden(`Your role on this document does not allow you to ${what}`);
    return row;
  }

  async list(args: PageArgs & { filter?: DocumentFilter | null }) {
    const filter: Prisma.DocumentWhereInput = {};
    if (args.filter?.search?.trim()) filter.title = containsText(args.filter.search.trim());
    if (args.filter?.ownerId) filter.ownerId = isUuid(args.filter.ownerId) ? args.filter.ownerId : NO_ID;
    const where = this.scope('office:read', { AND: [filter, this.readable()] });
    return paginate<Document>({
      args,
      sort: { field: 'createdAt', direction: 'desc', type: 'date' },
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.document.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.DocumentOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.document.count({ where }),
    });
  }

  async get(id: string): Promise<Document | null> {
    this.scope('office:read');
    const doc = isUuid(id) ? await this.ctx.loaders.documentById.load(id) : null;
    return doc && (await this.access(doc)) ? doc : null;
  }

  /** Newest first; the cursor is the version number (stable, unique per document). */
  async versions(documentId: string, args: PageArgs) {
    const tenantId = this.scope('office:read').tenantId;
    const size = pageSize(args.first);
    let below: number | undefined;
    if (args.after) {
      const parsed = Number(/^v(\d+)$/.exec(Buffer.from(args.after, 'base64url').toString('utf8'))?.[1]);
      if (!Number.isInteger(parsed) || parsed < 1 || parsed > 2_147_483_647) throw badInput('after is not a cursor of this list', 'after');
      below = parsed;
    }
    const where: Prisma.DocumentVersionWhereInput = { tenantId, documentId };
    const rows = size === 0 ? [] : await this.ctx.db.documentVersion.findMany({
      where: below ? { ...where, version: { lt: below } } : where, orderBy: { version: 'desc' }, take: size + 1,
    });
    const edges = rows.slice(0, size).map((node) => ({ cursor: Buffer.from(`v${node.version}`).toString('base64url'), node }));
    let counted: Promise<number> | undefined;
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > size, hasPreviousPage: below !== undefined, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount: () => (counted ??= this.ctx.db.documentVersion.count({ where })),
    };
  }

  comments(documentId: string): Promise<DocumentComment[]> {
    this.scope('office:read');
    return this.loaders.comments.load(documentId);
  }

  collaborators(documentId: string): Promise<DocumentCollaborator[]> {
    this.scope('office:read');
    return this.loaders.collaborators.load(documentId);
  }

  async create(input: unknown): Promise<Document> {
    const tenantId = this.scope('office:write').tenantId;
    const data = parseInput(createSchema, input);
    if (!this.userId) throw forbidden('Documents are created by users, not API keys');
    const userId = this.userId;
    return this.ctx.db.$transaction(async (tx) => {
      if (data.folderId && !(await tx.folder.findFirst({ where: { tenantId, id: data.folderId }, select: { id: true } }))) throw unknownReference('folder', 'folderId');
      const now = new Date();
      const doc = await tx.document.create({
        data: {
          id: randomUUID(), tenantId, ownerId: userId, folderId: data.folderId ?? null, title: data.title,
          content: (data.content ?? {}) as Prisma.InputJsonValue, version: 1, lastEditedBy: userId, createdAt: now, updatedAt: now,
        },
      });
      await tx.documentVersion.create({
        data: { tenantId, documentId: doc.id, version: 1, title: doc.title, content: doc.content as Prisma.InputJsonValue, authorId: userId, changeSummary: 'created', createdAt: now },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.document.created', aggregateType: 'Document', aggregateId: doc.id, action: 'create',
        changes: diffFields(null, doc, DOCUMENT_FIELDS), data: { ...documentData(doc), ...(await searchData(tx, doc)) },
      });
      return doc;
    });
  }

  /** Conditional update on the base version: a stale one is CONFLICT and nothing is written. */
  async edit(id: string, input: unknown): Promise<Document> {
    const tenantId = this.scope('office:write').tenantId;
    const data = parseInput(editSchema, input);
    if (!this.userId) throw forbidden('Documents are edited by users, not API keys');
    const authorId = this.userId;
    return this.ctx.db.$transaction(async (tx) => {
      const before = await this.lockForUpdate(tx, tenantId, id, ['owner', 'admin', 'editor'], 'edit it');
      const stale = () => conflict(`The document is at version ${before.version}, not ${data.baseVersion}; reload and edit again`, 'baseVersion');
      if (before.version !== data.baseVersion) throw stale();
      const updated = await tx.document.updateMany({
        where: { id, tenantId, version: data.baseVersion },
        data: {
          ...(data.title != null ? { title: data.title } : {}),
          ...(data.content != null ? { content: data.content as Prisma.InputJsonValue } : {}),
          version: { increment: 1 }, lastEditedBy: this.userId, updatedAt: new Date(),
        },
      });
      if (updated.count !== 1) throw stale();
      const doc = await tx.document.findFirstOrThrow({ where: { id, tenantId } });
      await tx.documentVersion.create({
        data: {
          tenantId, documentId: id, version: doc.version, title: doc.title, content: doc.content as Prisma.InputJsonValue,
          authorId, changeSummary: data.changeSummary ?? null, createdAt: doc.updatedAt,
        },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.document.edited', aggregateType: 'Document', aggregateId: id, action: 'update',
        changes: diffFields(before, doc, DOCUMENT_FIELDS), data: { ...documentData(doc), ...(await searchData(tx, doc)) },
      });
      return doc;
    });
  }

  async share(id: string, userId: string, role: string): Promise<Document> {
    const tenantId = this.scope('office:write').tenantId;
    const data = parseInput(shareSchema, { userId, role });
    const stored = data.role;
    await assertTenantUser(this.ctx.db, 'office', this.ctx.caller, data.userId, 'userId');
    return this.ctx.db.$transaction(async (tx) => {
      const doc = await this.lockForUpdate(tx, tenantId, id, ['owner', 'admin', 'editor'], 'share it');
      if (data.userId === doc.ownerId) throw badInput('The owner cannot be added as a collaborator', 'userId');
      const existing = await tx.documentCollaborator.findFirst({ where: { tenantId, documentId: id, userId: data.userId } });
      const collaborator = existing
        ? await tx.documentCollaborator.update({ where: { id: existing.id }, data: { role: stored, addedBy: this.userId } })
        : await tx.documentCollaborator.create({ data: { tenantId, documentId: id, userId: data.userId, role: stored, addedBy: this.userId } });
      await recordChange(tx, this.ctx.caller, {
        // Every event of a document is keyed by the document, so its activity stays in commit order.
        type: 'office.document.shared', aggregateType: 'Document', aggregateId: id, action: 'share',
        changes: { [`collaborators.${data.userId}`]: { from: existing?.role ?? null, to: stored } },
        data: { ...documentData(doc), ...(await searchData(tx, doc)), collaborator: collaboratorData(collaborator) },
      });
      return doc;
    });
  }

  /**
   * Whether the id is a user of the tenant, from the office's own replica of the platform's users
   * (office.directory_users, kept from platform user events; see modules/directory).
   */
  async comment(documentId: string, args: { body: string; anchor?: unknown; parentId?: string | null }): Promise<DocumentComment> {
    const tenantId = this.scope('office:write').tenantId;
    const data = parseInput(commentSchema, args);
    if (!this.userId) throw forbidden('Comments are written by users, not API keys');
    const authorId = this.userId;
    return this.ctx.db.$transaction(async (tx) => {
      const doc = await this.lockForUpdate(tx, tenantId, documentId, ['owner', 'admin', 'editor', 'commenter'], 'comment on it');
      if (data.parentId && !(await tx.documentComment.findFirst({ where: { tenantId, documentId, id: data.parentId }, select: { id: true } }))) {
        throw unknownReference('comment of this document', 'parentId');
      }
      const comment = await tx.documentComment.create({
        data: {
          tenantId, documentId, authorId, body: data.body, parentId: data.parentId ?? null, createdAt: new Date(),
          anchor: data.anchor == null ? undefined : (data.anchor as Prisma.InputJsonValue),
        },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.document.commented', aggregateType: 'Document', aggregateId: documentId, action: 'comment',
        changes: { comment: { from: null, to: { id: comment.id, body: comment.body, anchor: comment.anchor, parentId: comment.parentId } } },
        data: { ...documentData(doc), comment: commentData(comment) },
      });
      return comment;
    });
  }
}
