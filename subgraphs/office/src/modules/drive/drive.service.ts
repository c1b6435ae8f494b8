import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  appError, assertTenantUser, authorize, badInput, byId, conflict, createObjectStore, diffFields, forbidden, isUuid, lockRow, manyByKey, notFound, paginate, parseInput, recordChange, snapshot, unknownReference, type ObjectStore, type PageArgs,
} from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Activity, File, FileVersion, Folder, Prisma } from '../../generated/prisma/client';

/** Presigned upload and download URLs live this long; a pending upload counts against storage as long. */
export const UPLOAD_TTL_SECONDS = 15 * 60;
export const DOWNLOAD_TTL_SECONDS = 15 * 60;

const itemName = z.string().trim().min(1).max(255).refine((s) => !s.includes('/'), 'must not contain /');
const requestUploadSchema = z.object({
  name: itemName,
  contentType: z.string().trim().min(1).max(255).regex(/^[\w.+-]+\/[\w.+-]+(;.*)?$/, 'must be a MIME type'),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  folderId: z.string().uuid().nullish(),
});
const shareSchema = z.object({
  userId: z.string().uuid(),
  permission: z.enum(['view', 'edit']),
  expiresAt: z.date().nullish().refine((d) => !d || d.getTime() > Date.now(), 'must be in the future'),
});

/** A folder row, or the virtual root of a user's drive (id = the user's id). */
export type FolderView = Folder & { root?: boolean };
type Access = 'none' | 'view' | 'edit';
const FILE_FIELDS = ['name', 'contentType', 'size', 'checksum', 'status', 'version', 'folderId', 'storageKey'];

/**
 * What the search index needs of a file (EVENTS.md): its path and who may open it, the whole list
 * (the owner, the owners of the folders above it, users with an unexpired permission on it or on a
 * folder above it), read inside the writing transaction so it includes the change being made, and
 * when the access of those whose every grant expires ends (readerExpiry). The file's events and
 * search:reindex's listing (search-listing.ts) both read it here.
 */
export async function fileSearchData(tx: Prisma.TransactionClient, file: { id: string; tenantId: string; folderId: string | null; ownerId: string }) {
  const chain = file.folderId ? await tx.$queryRaw<{ id: string; owner_id: string; path: string }[]>`
    WITH RECURSIVE up(id, parent_id, owner_id, path, depth) AS (
      SELECT id, parent_id, owner_id, path, 0 FROM office.folders WHERE id = ${file.folderId}::uuid AND tenant_id = ${file.tenantId}::uuid
      UNION ALL
      SELECT f.id, f.parent_id, f.owner_id, f.path, up.depth + 1 FROM office.folders f JOIN up ON f.id = up.parent_id WHERE up.depth < 100
    ) SELECT id::text, owner_id::text, path FROM up` : [];
  const grants = await tx.permission.findMany({
    where: {
      tenantId: file.tenantId, principalType: 'user', OR: [{ fileId: file.id }, ...(chain.length ? [{ folderId: { in: chain.map((f) => f.id) } }] : [])],
      AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] }],
    },
    select: { principalId: true, expiresAt: true },
  });
  const readerIds = [...new Set([file.ownerId, ...chain.map((f) => f.owner_id), ...grants.map((g) => g.principalId)])];
  // Users whose every grant expires, with the latest expiry: the index stops showing them the file then.
  const permanent = new Set([file.ownerId, ...chain.map((f) => f.owner_id), ...grants.filter((g) => !g.expiresAt).map((g) => g.principalId)]);
  const readerExpiry: Record<string, string> = {};
  for (const { principalId: user, expiresAt } of grants) {
    if (!user || !expiresAt || permanent.has(user)) continue;
    const until = expiresAt.toISOString();
    if (!readerExpiry[user] || readerExpiry[user] < until) readerExpiry[user] = until;
  }
  return { ownerId: file.ownerId, path: chain[0]?.path ?? '/', readerIds, readerExpiry };
}

export class DriveService {
  constructor(private readonly ctx: OfficeContext) {}

  private get objects(): ObjectStore {
    return this.ctx.objects;
  }

  private tenant(permission: 'office:read' | 'office:write'): string {
    return authorize(this.ctx.caller, permission);
  }

  private get userId(): string | null {
    return this.ctx.caller.userId;
  }

  private requireUser(): string {
    if (!this.userId) throw forbidden('The drive belongs to users: sign in as a user');
    return this.userId;
  }

  // ---- loaders (per request, tenant-scoped) ----
  private readonly foldersByParent = new DataLoader<string, Folder[]>(async (parentIds) => {
    const rows = await this.ctx.db.folder.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', parentId: { in: [...parentIds] }, trashedAt: null }, orderBy: { name: 'asc' } });
    return parentIds.map((id) => rows.filter((r) => r.parentId === id));
  });
  private readonly filesByFolder = new DataLoader<string, File[]>(async (folderIds) => {
    const rows = await this.ctx.db.file.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', folderId: { in: [...folderIds] }, trashedAt: null }, orderBy: { name: 'asc' } });
    return folderIds.map((id) => rows.filter((r) => r.folderId === id));
  });
  private readonly versionsByFile = new DataLoader<string, FileVersion[]>(async (fileIds) => {
    const rows = await this.ctx.db.fileVersion.findMany({
      where: { tenantId: this.ctx.caller.tenantId ?? '', fileId: { in: [...fileIds] }, status: 'ready' }, orderBy: { version: 'desc' },
    });
    return manyByKey(fileIds, rows, (r) => r.fileId);
  });
  private readonly folderById = new DataLoader<string, Folder | null>(async (ids) => {
    const rows = await this.ctx.db.folder.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', id: { in: [...ids] } } });
    return byId(ids, rows);
  });
  readonly fileById = new DataLoader<string, File | null>(async (ids) => {
    const rows = await this.ctx.db.file.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', id: { in: [...ids] } } });
    return byId(ids, rows);
  });
  private readonly accessCache = new Map<string, Promise<Access>>();

  // ---- access ----
  /** Folder ids from `folderId` up to the top, with their owners. */
  private async chain(tenantId: string, folderId: string | null) {
    if (!folderId) return [];
    return this.ctx.db.$queryRaw<{ id: string; owner_id: string }[]>`
      WITH RECURSIVE up(id, parent_id, owner_id, depth) AS (
        SELECT id, parent_id, owner_id, 0 FROM office.folders WHERE id = ${folderId}::uuid AND tenant_id = ${tenantId}::uuid
        UNION ALL
        SELECT f.id, f.parent_id, f.owner_id, up.depth + 1 FROM office.folders f JOIN up ON f.id = up.parent_id WHERE up.depth < 100
      ) SELECT id::text, owner_id::text FROM up`;
  }

  /**
   * What the caller may do with an item: its owner, the owner of a folder above it and users with an
   * unexpired permission on it or a folder above it; an API key acts for the whole tenant.
   */
  private access(tenantId: string, item: { fileId?: string; folderId: string | null; ownerId: string }): Promise<Access> {
    const cacheKey = `${item.fileId ?? ''}:${item.folderId ?? ''}:${item.ownerId}`;
    let found = this.accessCache.get(cacheKey);
    if (!found) {
      found = (async (): Promise<Access> => {
        const user = this.userId;
        if (!user) return this.ctx.caller.kind === 'api_key' || this.ctx.caller.kind === 'oauth_client' ? 'edit' : 'none';
        if (item.ownerId === user) return 'edit';
        const chain = await this.chain(tenantId, item.folderId);
        if (chain.some((f) => f.owner_id === user)) return 'edit';
        const targets: Prisma.PermissionWhereInput[] = chain.length ? [{ folderId: { in: chain.map((f) => f.id) } }] : [];
        if (item.fileId) targets.push({ fileId: item.fileId });
        if (!targets.length) return 'none';
        const grants = await this.ctx.db.permission.findMany({
          where: { tenantId, principalType: 'user', principalId: user, OR: targets, AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] }] },
          select: { permission: true },
        });
        if (grants.some((g) => g.permission === 'edit')) return 'edit';
        return grants.length ? 'view' : 'none';
      })();
      this.accessCache.set(cacheKey, found);
    }
    return found;
  }

  private rootOf(userId: string): FolderView {
    const epoch = new Date(0);
    return {
      id: userId, tenantId: this.ctx.caller.tenantId ?? '', ownerId: userId, parentId: null, name: 'My Drive', path: '/', color: null,
      trashedAt: null, createdAt: epoch, updatedAt: epoch, root: true,
    };
  }

  // ---- queries ----
  async folder(id: string | null | undefined): Promise<FolderView | null> {
    const tenantId = this.tenant('office:read');
    if (!id || id === this.userId) return this.rootOf(this.requireUser());
    if (!isUuid(id)) return null;
    const folder = await this.folderById.load(id);
    if (!folder || folder.trashedAt) return null;
    return (await this.access(tenantId, { folderId: folder.id, ownerId: folder.ownerId })) === 'none' ? null : folder;
  }

  async file(id: string): Promise<File | null> {
    const tenantId = this.tenant('office:read');
    if (!isUuid(id)) return null;
    const file = await this.fileById.load(id);
    if (!file || file.trashedAt) return null;
    return (await this.access(tenantId, { fileId: file.id, folderId: file.folderId, ownerId: file.ownerId })) === 'none' ? null : file;
  }

  async parentOf(folder: FolderView): Promise<FolderView | null> {
    return folder.parentId ? this.folder(folder.parentId) : null;
  }

  async foldersIn(folder: FolderView): Promise<Folder[]> {
    const tenantId = this.tenant('office:read');
    if (folder.root) {
      return this.ctx.db.folder.findMany({ where: { tenantId, ownerId: folder.ownerId, parentId: null, trashedAt: null }, orderBy: { name: 'asc' } });
    }
    return this.foldersByParent.load(folder.id);
  }

  async filesIn(folder: FolderView): Promise<File[]> {
    const tenantId = this.tenant('office:read');
    if (folder.root) {
      return this.ctx.db.file.findMany({ where: { tenantId, ownerId: folder.ownerId, folderId: null, trashedAt: null }, orderBy: { name: 'asc' } });
    }
    return this.filesByFolder.load(folder.id);
  }

  versionsOf(file: File): Promise<FileVersion[]> {
    this.tenant('office:read');
    return this.versionsByFile.load(file.id);
  }

  async folderOf(file: File): Promise<FolderView | null> {
    return file.folderId ? this.folder(file.folderId) : null;
  }

  /** A presigned GET of the current version (null while the file is pending). */
  async downloadUrl(file: { status: string; storageKey: string }): Promise<string | null> {
    this.tenant('office:read');
    if (file.status !== 'ready') return null;
    return this.objects.presignGet(file.storageKey, DOWNLOAD_TTL_SECONDS);
  }

  async activity(args: PageArgs) {
    const tenantId = this.tenant('office:read');
    const user = this.userId;
    let where: Prisma.ActivityWhereInput = { tenantId };
    if (user) {
      const shared = { permissions: { some: { principalType: 'user', principalId: user } } };
      where = {
        tenantId,
        OR: [
          { actorId: user },
          { file: { OR: [{ ownerId: user }, shared] } },
          { folder: { OR: [{ ownerId: user }, shared] } },
        ],
      };
    }
    return paginate<Activity>({
      args,
      sort: { field: 'createdAt', direction: 'desc', type: 'date' },
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.activity.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.ActivityOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.activity.count({ where }),
    });
  }

  // ---- mutations ----
  async createFolder(name: unknown, parentId: string | null | undefined): Promise<Folder> {
    const tenantId = this.tenant('office:write');
    const owner = this.requireUser();
    const data = parseInput(z.object({ name: itemName, parentId: z.string().uuid().nullish() }), { name, parentId });
    return this.ctx.db.$transaction(async (tx) => {
      let path = `/${data.name}`;
      let folderOwner = owner;
      if (data.parentId) {
        if (!(await lockRow(tx, 'office.folders', data.parentId, tenantId))) throw unknownReference('folder', 'parentId');
        const parent = await tx.folder.findFirstOrThrow({ where: { id: data.parentId, tenantId } });
        if (parent.trashedAt || (await this.access(tenantId, { folderId: parent.id, ownerId: parent.ownerId })) === 'none') throw unknownReference('folder', 'parentId');
        if ((await this.access(tenantId, { folderId: parent.id, ownerId: parent.ownerId })) !== 'edit') throw forbidden('You may not add to this folder');
        path = `${parent.path === '/' ? '' : parent.path}/${data.name}`;
        folderOwner = owner;
      } else {
        // Serialises creations at the top of one user's drive (no parent row to lock).
        await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(${`office.drive:${tenantId}:${owner}`}))) l`;
      }
      const sibling = await tx.folder.findFirst({
        where: { tenantId, parentId: data.parentId ?? null, name: data.name, trashedAt: null, ...(data.parentId ? {} : { ownerId: owner }) },
      });
      if (sibling) throw conflict(`A folder named ${data.name} already exists here`, 'name');
      const folder = await tx.folder.create({
        data: { id: randomUUID(), tenantId, ownerId: folderOwner, parentId: data.parentId ?? null, name: data.name, path, createdAt: new Date() },
      });
      await tx.activity.create({ data: { tenantId, actorId: owner, action: 'create', folderId: folder.id, targetName: folder.name, details: { path } } });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.folder.created', aggregateType: 'Folder', aggregateId: folder.id, action: 'create',
        changes: diffFields(null, folder, ['name', 'path', 'parentId']), data: snapshot(folder, ['id', 'name', 'path', 'parentId', 'ownerId', 'createdAt']),
      });
      return folder;
    });
  }

  /** Bytes of ready versions plus pending ones whose upload URL may still be used. */
  private async storageUsed(tx: Prisma.TransactionClient, tenantId: string): Promise<number> {
    const [row] = await tx.$queryRaw<{ used: bigint | null }[]>`
      SELECT COALESCE(SUM(size), 0)::bigint AS used FROM office.file_versions
      WHERE tenant_id = ${tenantId}::uuid
        AND (status = 'ready' OR (status = 'pending' AND created_at > now() - make_interval(secs => ${UPLOAD_TTL_SECONDS})))`;
    return Number(row?.used ?? 0);
  }

  async requestUpload(input: unknown): Promise<{ uploadUrl: string; expiresAt: Date; file: File }> {
    const tenantId = this.tenant('office:write');
    const owner = this.requireUser();
    const data = parseInput(requestUploadSchema, input);
    const folderId = data.folderId ?? null;
    const versionId = randomUUID();
    const expiresAt = new Date(Date.now() + UPLOAD_TTL_SECONDS * 1000);
    const limit = this.ctx.caller.limits?.maxStorageBytes;

    const { file, storageKey, created } = await this.ctx.db.$transaction(async (tx) => {
      // One storage check at a time per tenant, so two uploads cannot both squeeze under the limit.
      await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(${`office.storage:${tenantId}`}))) l`;
      if (folderId) {
        if (!(await lockRow(tx, 'office.folders', folderId, tenantId))) throw unknownReference('folder', 'folderId');
        const folder = await tx.folder.findFirstOrThrow({ where: { id: folderId, tenantId } });
        const access = folder.trashedAt ? 'none' : await this.access(tenantId, { folderId, ownerId: folder.ownerId });
        if (access === 'none') throw unknownReference('folder', 'folderId');
        if (access !== 'edit') throw forbidden('You may not upload into this folder');
      }
      if (typeof limit === 'number') {
        const used = await this.storageUsed(tx, tenantId);
        if (used + data.size > limit) {
          throw appError('PLAN_LIMIT_EXCEEDED', `Storage limit of ${limit} bytes reached (${used} used, ${data.size} requested)`, {
            field: 'size', limit: 'maxStorageBytes',
          });
        }
      }
      const existing = await tx.file.findFirst({
        where: { tenantId, folderId, name: data.name, trashedAt: null, ...(folderId ? {} : { ownerId: owner }) },
        orderBy: { createdAt: 'asc' },
      });
      if (existing) {
        if (!(await lockRow(tx, 'office.files', existing.id, tenantId))) throw notFound('File');
        if ((await this.access(tenantId, { fileId: existing.id, folderId, ownerId: existing.ownerId })) !== 'edit') {
          throw forbidden('You may not add a version to this file');
        }
        const last = await tx.fileVersion.aggregate({ where: { fileId: existing.id }, _max: { version: true } });
        const version = (last._max.version ?? 0) + 1;
        const key = uploadKey(tenantId, versionId);
        await tx.fileVersion.create({
          data: { id: versionId, tenantId, fileId: existing.id, version, name: data.name, contentType: data.contentType, size: BigInt(data.size), storageKey: key, uploadedBy: owner },
        });
        const file = await tx.file.update({ where: { id: existing.id }, data: { uploadExpiresAt: expiresAt } });
        await recordChange(tx, this.ctx.caller, {
          type: 'office.file.upload_requested', aggregateType: 'File', aggregateId: file.id, action: 'update',
          changes: { pendingVersion: { from: null, to: version } }, data: { ...snapshot(file, ['id', 'name', 'folderId', 'status', 'version']), pendingVersion: version, size: data.size },
        });
        return { file, storageKey: key, created: false };
      }
      const fileId = randomUUID();
      const key = uploadKey(tenantId, versionId);
      const file = await tx.file.create({
        data: {
          id: fileId, tenantId, ownerId: owner, folderId, name: data.name, contentType: data.contentType, size: BigInt(data.size),
          storageKey: key, status: 'pending', version: 1, uploadExpiresAt: expiresAt, createdAt: new Date(),
        },
      });
      await tx.fileVersion.create({
        data: { id: versionId, tenantId, fileId, version: 1, name: data.name, contentType: data.contentType, size: BigInt(data.size), storageKey: key, uploadedBy: owner },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.file.upload_requested', aggregateType: 'File', aggregateId: file.id, action: 'create',
        changes: diffFields(null, file, FILE_FIELDS.filter((f) => f !== 'storageKey')), data: snapshot(file, ['id', 'name', 'folderId', 'status', 'version', 'size', 'contentType']),
      });
      return { file, storageKey: key, created: true };
    });
    void created;
    const uploadUrl = await this.objects.presignPut(storageKey, { contentType: data.contentType, size: data.size, expiresSeconds: UPLOAD_TTL_SECONDS });
    return { uploadUrl, expiresAt, file };
  }

  async completeUpload(fileId: string): Promise<File> {
    const tenantId = this.tenant('office:write');
    const actor = this.requireUser();
    if (!isUuid(fileId)) throw notFound('File', 'fileId');
    let uploaded: string | undefined;
    const completed = await this.ctx.db.$transaction(async (tx) => {
      if (!(await lockRow(tx, 'office.files', fileId, tenantId))) throw notFound('File', 'fileId');
      const before = await tx.file.findFirstOrThrow({ where: { id: fileId, tenantId } });
      const access = before.trashedAt ? 'none' : await this.access(tenantId, { fileId, folderId: before.folderId, ownerId: before.ownerId });
      if (access === 'none') throw notFound('File', 'fileId');
      if (access !== 'edit') throw forbidden('You may not upload to this file');
      const pending = await tx.fileVersion.findFirst({ where: { fileId, tenantId, status: 'pending' }, orderBy: { version: 'desc' } });
      if (!pending) throw badInput('This file has no pending upload', 'fileId');
      // The bytes move from the upload key (the only one a presigned PUT names) to the version's own
      // key, and the size is checked there: a later PUT to the upload URL can no longer touch the file.
      const storageKey = versionKey(tenantId, fileId, pending.id);
      if (pending.storageKey !== storageKey) {
        if (!(await this.objects.stat(pending.storageKey))) throw badInput('The object has not been uploaded', 'fileId');
        await this.objects.copy(pending.storageKey, storageKey);
        uploaded = pending.storageKey;
      }
      const stat = await this.objects.stat(storageKey);
      if (!stat) throw badInput('The object has not been uploaded', 'fileId');
      if (stat.size !== Number(pending.size)) {
        throw badInput(`The uploaded object has ${stat.size} bytes, ${pending.size} were announced`, 'fileId');
      }
      const now = new Date();
      const checksum = stat.etag.replace(/"/g, '');
      await tx.fileVersion.update({ where: { id: pending.id }, data: { status: 'ready', checksum, uploadedAt: now, storageKey } });
      const file = await tx.file.update({
        where: { id: fileId },
        data: {
          name: pending.name, contentType: pending.contentType, size: pending.size, checksum, storageKey, status: 'ready',
          version: pending.version, uploadedAt: now, uploadExpiresAt: null,
        },
      });
      await tx.activity.create({
        data: { tenantId, actorId: actor, action: pending.version > 1 && before.status === 'ready' ? 'new_version' : 'upload', fileId, folderId: file.folderId, targetName: file.name, details: { version: file.version, size: Number(file.size) } },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.file.uploaded', aggregateType: 'File', aggregateId: file.id, action: 'update',
        changes: diffFields(before, file, FILE_FIELDS.filter((f) => f !== 'storageKey')),
        data: { ...snapshot(file, ['id', 'name', 'folderId', 'status', 'version', 'size', 'contentType', 'checksum']), ...(await fileSearchData(tx, file)) },
      });
      return file;
    });
    // Committed: the upload object is no longer read by anything.
    if (uploaded) await this.objects.remove(uploaded).catch((error) => this.ctx.log.warn({ err: error }, 'could not remove an upload object'));
    return completed;
  }

  async shareFile(fileId: string, input: unknown) {
    const tenantId = this.tenant('office:write');
    const actor = this.requireUser();
    const data = parseInput(shareSchema, input);
    if (!isUuid(fileId)) throw notFound('File', 'fileId');
    const { permission } = data;
    return this.ctx.db.$transaction(async (tx) => {
      if (!(await lockRow(tx, 'office.files', fileId, tenantId))) throw notFound('File', 'fileId');
      const file = await tx.file.findFirstOrThrow({ where: { id: fileId, tenantId } });
      const access = file.trashedAt ? 'none' : await this.access(tenantId, { fileId, folderId: file.folderId, ownerId: file.ownerId });
      if (access === 'none') throw notFound('File', 'fileId');
      if (access !== 'edit') throw forbidden('Only the owner and editors may share this file');
      if (data.userId === actor) throw badInput('You cannot share a file with yourself', 'userId');
      await assertTenantUser(tx, 'office', this.ctx.caller, data.userId, 'userId');
      const before = await tx.share.findFirst({ where: { tenantId, fileId, userId: data.userId } });
      const values = { permission, expiresAt: data.expiresAt ?? null, sharedBy: actor, revokedAt: null };
      const share = before
        ? await tx.share.update({ where: { id: before.id }, data: values })
        : await tx.share.create({ data: { id: randomUUID(), tenantId, fileId, userId: data.userId, createdAt: new Date(), ...values } });
      await tx.permission.upsert({
        where: { fileId_principalType_principalId: { fileId, principalType: 'user', principalId: data.userId } },
        create: { tenantId, fileId, principalType: 'user', principalId: data.userId, permission, shareId: share.id, grantedBy: actor, expiresAt: share.expiresAt },
        update: { permission, shareId: share.id, grantedBy: actor, expiresAt: share.expiresAt },
      });
      await tx.activity.create({
        data: { tenantId, actorId: actor, action: 'share', fileId, folderId: file.folderId, targetName: file.name, details: { userId: data.userId, permission } },
      });
      await recordChange(tx, this.ctx.caller, {
        type: before ? 'office.share.updated' : 'office.share.created', aggregateType: 'FileShare', aggregateId: share.id, action: before ? 'update' : 'create',
        changes: diffFields(before, share, ['fileId', 'userId', 'permission', 'expiresAt']),
        data: { ...snapshot(share, ['id', 'fileId', 'userId', 'permission', 'expiresAt']), file: { id: file.id, ...(await fileSearchData(tx, file)) } },
      });
      return share;
    });
  }
}

/** Where a presigned PUT writes: a key no file version is ever read from. */
const uploadKey = (tenantId: string, versionId: string) => `${tenantId}/uploads/${versionId}`;
/** Where a completed version's bytes live (copied from its upload key by completeUpload). */
const versionKey = (tenantId: string, fileId: string, versionId: string) => `${tenantId}/files/${fileId}/${versionId}`;

let shared: ObjectStore | undefined;
/** The process's object store for contexts built without one (index.ts passes its own). */
export function sharedObjectStore(): ObjectStore {
  return (shared ??= createObjectStore());
}
