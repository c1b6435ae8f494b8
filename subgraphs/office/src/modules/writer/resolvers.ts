import { userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const writerResolvers: Resolvers = {
  Query: {
    documents: (_, args, ctx) => ctx.documents.list(args),
    document: (_, args, ctx) => ctx.documents.get(args.id),
  },
  Mutation: {
    createDocument: (_, args, ctx) => ctx.documents.create(args.input),
    editDocument: (_, args, ctx) => ctx.documents.edit(args.id, args.input),
    shareDocument: (_, args, ctx) => ctx.documents.share(args.id, args.userId, args.role),
    addDocumentComment: (_, args, ctx) =>
      ctx.documents.comment(args.documentId, args),
  },
  Document: {
    __resolveReference: (ref, ctx) => ctx.documents.get(ref.id),
    content: (d) => d.content ?? {},
    owner: (d) => userRef(d.ownerId),
    versions: (d, args, ctx) => ctx.documents.versions(d.id, args),
    comments: (d, _, ctx) => ctx.documents.comments(d.id),
    collaborators: (d, _, ctx) => ctx.documents.collaborators(d.id),
  },
  DocumentVersion: {
    content: (v) => v.content ?? {},
    author: (v) => userRef(v.authorId),
  },
  DocumentComment: {
    author: (c) => userRef(c.authorId),
  },
  DocumentCollaborator: {
    user: (c) => userRef(c.userId),
    addedBy: (c) => userRef(c.addedBy),
  },
  DocumentActivityEvent: {
    actor: (e) => userRef(e.actorId),
    /** The current document, with id, title and version as the event left them; null once unreadable. */
    document: async (e, _, ctx) => {
      const doc = await ctx.documents.get(e.documentId);
      if (!doc) return null;
      const { id, title, version, updatedAt } = e.documentSnapshot;
      return { ...doc, ...(id ? { id: String(id), title: String(title), version: Number(version) } : {}), ...(updatedAt ? { updatedAt: new Date(String(updatedAt)) } : {}) };
    },
  },
};
