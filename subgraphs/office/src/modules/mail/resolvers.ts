import type { PageArgs } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Attachment, Email, Mailbox } from '../../generated/prisma/client';

export const mailResolvers = {
  Query: {
    mailbox: (_: unknown, __: unknown, ctx: OfficeContext) => ctx.mail.mailbox(),
  },
  Mutation: {
    sendEmail: (_: unknown, args: { input: unknown }, ctx: OfficeContext) => ctx.mail.send(args.input),
    markEmailRead: (_: unknown, args: { id: string; read: boolean }, ctx: OfficeContext) => ctx.mail.markRead(args.id, args.read),
    labelEmail: (_: unknown, args: { id: string; label: string }, ctx: OfficeContext) => ctx.mail.label(args.id, args.label),
  },
  Mailbox: {
    __resolveReference: async (ref: { id: string }, ctx: OfficeContext) => {
      const mine = await ctx.mail.mailbox();
      return mine?.id === ref.id ? mine : null;
    },
    folders: (m: Mailbox, _: unknown, ctx: OfficeContext) => ctx.mail.folders(m),
    emails: (m: Mailbox, args: PageArgs & { folder?: string | null }, ctx: OfficeContext) => ctx.mail.emails(m, args),
  },
  Email: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.mail.email(ref.id),
    from: (e: Email) => e.fromAddress,
    to: (e: Email) => e.toAddresses,
    cc: (e: Email) => e.ccAddresses,
    folder: (e: Email, _: unknown, ctx: OfficeContext) => ctx.mail.folder(e.folderId),
    labels: (e: Email, _: unknown, ctx: OfficeContext) => ctx.mail.labels(e.id),
    attachments: (e: Email, _: unknown, ctx: OfficeContext) => ctx.mail.attachments(e.id),
  },
  EmailAttachment: {
    size: (a: Attachment) => Number(a.size),
    downloadUrl: (a: Attachment, _: unknown, ctx: OfficeContext) => ctx.mail.downloadUrl(a),
  },
};
