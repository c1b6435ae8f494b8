import { existing } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const mailResolvers: Resolvers = {
  Query: {
    mailbox: (_, __, ctx) => ctx.mail.mailbox(),
  },
  Mutation: {
    sendEmail: (_, args, ctx) => ctx.mail.send(args.input),
    markEmailRead: (_, args, ctx) => ctx.mail.markRead(args.id, args.read),
    labelEmail: (_, args, ctx) => ctx.mail.label(args.id, args.label),
  },
  Mailbox: {
    __resolveReference: async (ref, ctx) => {
      const mine = await ctx.mail.mailbox();
      return mine?.id === ref.id ? mine : null;
    },
    folders: (m, _, ctx) => ctx.mail.folders(m),
    emails: (m, args, ctx) => ctx.mail.emails(m, args),
  },
  Email: {
    __resolveReference: (ref, ctx) => ctx.mail.email(ref.id),
    from: (e) => e.fromAddress,
    to: (e) => e.toAddresses,
    cc: (e) => e.ccAddresses,
    folder: (e, _, ctx) => existing(ctx.mail.folder(e.folderId), 'Email.folder'),
    labels: (e, _, ctx) => ctx.mail.labels(e.id),
    attachments: (e, _, ctx) => ctx.mail.attachments(e.id),
  },
  EmailAttachment: {
    size: (a) => Number(a.size),
    downloadUrl: (a, _, ctx) => ctx.mail.downloadUrl(a),
  },
};
