import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  authorize, badInput, byId, forbidden, isUuid, lockRow, manyByKey, notFound, paginate, parseInput, recordChange, unknownReference, type PageArgs,
} from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Attachment, Email, File, MailFolder, MailLabel, Mailbox, Prisma } from '../../generated/prisma/client';
import { DOWNLOAD_TTL_SECONDS } from '../drive';
import { UserDirectory } from './user-directory';

const SYSTEM_FOLDERS: [string, string][] = [['inbox', 'Inbox'], ['sent', 'Sent'], ['drafts', 'Drafts'], ['trash', 'Trash'], ['spam', 'Spam'], ['archive', 'Archive']];
const address = z.string().trim().toLowerCase().email().max(255);
const sendSchema = z.object({
  to: z.array(address).min(1).max(100),
  cc: z.array(address).max(100).nullish(),
  bcc: z.array(address).max(100).nullish(),
  subject: z.string().max(998),
  bodyText: z.string().max(1_000_000).nullish(),
  bodyHtml: z.string().max(2_000_000).nullish(),
  attachmentFileIds: z.array(z.string().uuid()).max(20).nullish(),
});

export class MailService {
  private readonly directory: UserDirectory;

  constructor(private readonly ctx: OfficeContext) {
    this.directory = new UserDirectory(ctx);
  }

  private tenant(permission: 'office:read' | 'office:write'): string {
    return authorize(this.ctx.caller, permission);
  }

  private requireUser(): string {
    if (!this.ctx.caller.userId) throw forbidden('Mailboxes belong to users: sign in as a user');
    return this.ctx.caller.userId;
  }

  private readonly folderById = new DataLoader<string, MailFolder | null>(async (ids) => {
    const rows = await this.ctx.db.mailFolder.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', id: { in: [...ids] } } });
    return byId(ids, rows);
  });
  private readonly labelsByEmail = new DataLoader<string, MailLabel[]>(async (ids) => {
    const rows = await this.ctx.db.emailLabel.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', emailId: { in: [...ids] } }, include: { label: true }, orderBy: { createdAt: 'asc' } });
    return manyByKey(ids, rows, (r) => r.emailId).map((labels) => labels.map((r) => r.label));
  });
  private readonly attachmentsByEmail = new DataLoader<string, Attachment[]>(async (ids) => {
    const rows = await this.ctx.db.attachment.findMany({ where: { tenantId: this.ctx.caller.tenantId ?? '', emailId: { in: [...ids] } }, orderBy: { createdAt: 'asc' } });
    return manyByKey(ids, rows, (r) => r.emailId);
  });

  /** The user's mailbox with its system folders, created on first use (in the caller's transaction). */
  private async ensureMailbox(tx: Prisma.TransactionClient, tenantId: string, userId: string, email: string): Promise<{ mailbox: Mailbox; created: boolean }> {
    await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(${`office.mailbox:${tenantId}:${userId}`}))) l`;
    const existing = await tx.mailbox.findFirst({ where: { tenantId, userId } });
    if (existing) return { mailbox: existing, created: false };
    const mailbox = await tx.mailbox.create({ data: { id: randomUUID(), tenantId, userId, address: email.toLowerCase(), createdAt: new Date() } });
    for (const [kind, name] of SYSTEM_FOLDERS) await tx.mailFolder.create({ data: { tenantId, mailboxId: mailbox.id, kind, name } });
    await recordChange(tx, this.ctx.caller, {
      type: 'office.mailbox.created', aggregateType: 'Mailbox', aggregateId: mailbox.id, action: 'create', userId: this.ctx.caller.userId ?? undefined,
      changes: { address: { from: null, to: mailbox.address } }, data: { id: mailbox.id, userId, address: mailbox.address },
    });
    return { mailbox, created: true };
  }

  private async me(tenantId: string) {
    const userId = this.requireUser();
    const user = await this.directory.user(tenantId, userId);
    if (!user) throw forbidden('No e-mail address is known for this user');
    return user;
  }

  /** One e-mail of the caller's own mailbox (a search hit, an entity reference); anyone else's is null. */
  async email(id: string): Promise<Email | null> {
    const tenantId = this.tenant('office:read');
    const userId = this.ctx.caller.userId;
    if (!userId || !isUuid(id)) return null;
    return this.ctx.db.email.findFirst({ where: { id, tenantId, mailbox: { userId } } });
  }

  /** The caller's mailbox; the first call creates it. */
  async mailbox(): Promise<Mailbox | null> {
    const tenantId = this.tenant('office:read');
    const userId = this.requireUser();
    const existing = await this.ctx.db.mailbox.findFirst({ where: { tenantId, userId } });
    if (existing) return existing;
    const me = await this.me(tenantId);
    return this.ctx.db.$transaction(async (tx) => (await this.ensureMailbox(tx, tenantId, userId, me.email)).mailbox);
  }

  async folders(mailbox: Mailbox) {
    const tenantId = this.tenant('office:read');
    const folders = await this.ctx.db.mailFolder.findMany({ where: { tenantId, mailboxId: mailbox.id }, orderBy: { createdAt: 'asc' } });
    const counts = await this.ctx.db.email.groupBy({ by: ['folderId', 'read'], where: { tenantId, mailboxId: mailbox.id }, _count: { _all: true } });
    return folders.map((f) => {
      const mine = counts.filter((c) => c.folderId === f.id);
      return { ...f, totalCount: mine.reduce((n, c) => n + c._count._all, 0), unreadCount: mine.filter((c) => !c.read).reduce((n, c) => n + c._count._all, 0) };
    });
  }

  async emails(mailbox: Mailbox, args: PageArgs & { folder?: string | null }) {
    const tenantId = this.tenant('office:read');
    const name = args.folder?.trim() || 'Inbox';
    const folder = await this.ctx.db.mailFolder.findFirst({ where: { tenantId, mailboxId: mailbox.id, name: { equals: name, mode: 'insensitive' } } });
    if (!folder) throw badInput(`No folder named ${name}`, 'folder');
    const where: Prisma.EmailWhereInput = { tenantId, mailboxId: mailbox.id, folderId: folder.id };
    return paginate<Email>({
      args,
      sort: { field: 'createdAt', direction: 'desc', type: 'date' },
      fetch: ({ after, orderBy, take }) => this.ctx.db.email.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.EmailOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.email.count({ where }),
    });
  }

  folder(id: string) { this.tenant('office:read'); return this.folderById.load(id); }
  labels(emailId: string) { this.tenant('office:read'); return this.labelsByEmail.load(emailId); }
  attachments(emailId: string) { this.tenant('office:read'); return this.attachmentsByEmail.load(emailId); }
  downloadUrl(a: Attachment) { this.tenant('office:read'); return this.ctx.objects.presignGet(a.storageKey, DOWNLOAD_TTL_SECONDS); }

  async send(input: unknown): Promise<Email> {
    const tenantId = this.tenant('office:write');
    const userId = this.requireUser();
    const data = parseInput(sendSchema, input);
    const me = await this.me(tenantId);
    const files: File[] = [];
    for (const [i, id] of (data.attachmentFileIds ?? []).entries()) {
      const file = await this.ctx.drive.file(id);
      if (!file) throw unknownReference('file', `attachmentFileIds.${i}`);
      if (file.status !== 'ready') throw badInput('The file is not uploaded yet', `attachmentFileIds.${i}`);
      files.push(file);
    }
    const recipients = [...new Set([...data.to, ...(data.cc ?? []), ...(data.bcc ?? [])])];
    const colleagues = (await this.directory.byEmails(tenantId, recipients)).filter((u) => u.id !== userId || recipients.includes(me.email));
    const messageId = `<${randomUUID()}@bacbos>`;
    const threadId = randomUUID();
    const now = new Date();
    const size = BigInt(Buffer.byteLength(data.bodyText ?? '') + Buffer.byteLength(data.bodyHtml ?? '') + files.reduce((n, f) => n + Number(f.size), 0));
    return this.ctx.db.$transaction(async (tx) => {
      const copy = async (mailbox: Mailbox, kind: 'sent' | 'inbox') => {
        const folder = await tx.mailFolder.findFirstOrThrow({ where: { tenantId, mailboxId: mailbox.id, kind } });
        const email = await tx.email.create({
          data: {
            id: randomUUID(), tenantId, mailboxId: mailbox.id, folderId: folder.id, messageId, threadId, senderId: userId, fromAddress: me.email,
            toAddresses: data.to, ccAddresses: data.cc ?? [], bccAddresses: kind === 'sent' ? (data.bcc ?? []) : [], subject: data.subject,
            bodyText: data.bodyText ?? null, bodyHtml: data.bodyHtml ?? null, snippet: (data.bodyText ?? '').slice(0, 200) || null,
            read: kind === 'sent', status: kind === 'sent' ? 'sent' : 'received', sizeBytes: size, sentAt: now, receivedAt: kind === 'inbox' ? now : null, createdAt: now,
          },
        });
        for (const f of files) {
          await tx.attachment.create({ data: { tenantId, emailId: email.id, fileId: f.id, name: f.name, contentType: f.contentType, size: f.size, storageKey: f.storageKey } });
        }
        return email;
      };
      const sent = await copy((await this.ensureMailbox(tx, tenantId, userId, me.email)).mailbox, 'sent');
      const delivered: string[] = [];
      // Every copy and its reader, for the search index: each participant finds only their own copy.
      const copies = [{ id: sent.id, userId }];
      for (const colleague of colleagues) {
        const inbox = await copy((await this.ensureMailbox(tx, tenantId, colleague.id, colleague.email)).mailbox, 'inbox');
        delivered.push(inbox.id);
        copies.push({ id: inbox.id, userId: colleague.id });
      }
      await recordChange(tx, this.ctx.caller, {
        type: 'office.email.sent', aggregateType: 'Email', aggregateId: sent.id, action: 'create',
        changes: { subject: { from: null, to: data.subject }, to: { from: null, to: data.to } },
        data: { id: sent.id, messageId, subject: data.subject, to: data.to, cc: data.cc ?? [], deliveredEmailIds: delivered, attachmentFileIds: files.map((f) => f.id), from: me.email, bodyText: data.bodyText ?? null, copies, sentAt: now.toISOString() },
      });
      return sent;
    });
  }

  private async update(id: string, change: (tx: Prisma.TransactionClient, email: Email, tenantId: string) => Promise<{ changes: Record<string, { from: unknown; to: unknown }>; type: string }>): Promise<Email> {
    const tenantId = this.tenant('office:write');
    const userId = this.requireUser();
    if (!isUuid(id)) throw notFound('Email', 'id');
    return this.ctx.db.$transaction(async (tx) => {
      if (!(await lockRow(tx, 'office.emails', id, tenantId))) throw notFound('Email', 'id');
      const email = await tx.email.findFirst({ where: { id, tenantId, mailbox: { userId } } });
      if (!email) throw notFound('Email', 'id');
      const { changes, type } = await change(tx, email, tenantId);
      const after = await tx.email.findFirstOrThrow({ where: { id } });
      await recordChange(tx, this.ctx.caller, { type, aggregateType: 'Email', aggregateId: id, action: 'update', changes, data: { id, read: after.read } });
      return after;
    });
  }

  markRead(id: string, read: boolean): Promise<Email> {
    return this.update(id, async (tx, email) => {
      await tx.email.update({ where: { id: email.id }, data: { read } });
      return { type: 'office.email.updated', changes: { read: { from: email.read, to: read } } };
    });
  }

  label(id: string, label: unknown): Promise<Email> {
    const name = parseInput(z.object({ label: z.string().trim().min(1).max(100) }), { label }).label;
    return this.update(id, async (tx, email, tenantId) => {
      const existing = await tx.mailLabel.findFirst({ where: { tenantId, mailboxId: email.mailboxId, name } });
      const row = existing ?? await tx.mailLabel.create({ data: { tenantId, mailboxId: email.mailboxId, name } });
      const linked = await tx.emailLabel.findFirst({ where: { emailId: email.id, labelId: row.id } });
      if (!linked) await tx.emailLabel.create({ data: { tenantId, emailId: email.id, labelId: row.id } });
      return { type: 'office.email.labelled', changes: { labels: { from: null, to: name } } };
    });
  }
}
