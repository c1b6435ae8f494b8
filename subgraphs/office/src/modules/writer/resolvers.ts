import type { PageArgs } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Document, DocumentCollaborator, DocumentComment, DocumentVersion } from '../../generated/prisma/client';
import type { DocumentActivityView } from './activity.stream';
import type { DocumentFilter } from './document.service';

const user = (id: string | null | undefined) => (id ? { __typename: 'User', id } : null);

export const writerResolvers = {
  Query: {
    documents: (_: unknown, args: PageArgs & { filter?: DocumentFilter }, ctx: OfficeContext) => ctx.documents.list(args),
    document: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.documents.get(args.id),
  },
  Mutation: {
    createDocument: (_: unknown, args: { input: unknown }, ctx: OfficeContext) => ctx.documents.create(args.input),
    editDocument: (_: unknown, args: { id: string; input: unknown }, ctx: OfficeContext) => ctx.documents.edit(args.id, args.input),
    shareDocument: (_: unknown, args: { id: string; userId: string; role: string }, ctx: OfficeContext) => ctx.documents.share(args.id, args.userId, args.role),
    addDocumentComment: (_: unknown, args: { documentId: string; body: string; anchor?: unknown; parentId?: string | null }, ctx: OfficeContext) =>
      ctx.documents.comment(args.documentId, args),
  },
  Document: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.documents.get(ref.id),
    content: (d: Document) => d.content ?? {},
    owner: (d: Document) => user(d.ownerId),
    versions: (d: Document, args: PageArgs, ctx: OfficeContext) => ctx.documents.versions(d.id, args),
    comments: (d: Document, _: unknown, ctx: OfficeContext) => ctx.documents.comments(d.id),
    collaborators: (d: Document, _: unknown, ctx: OfficeContext) => ctx.documents.collaborators(d.id),
  },
  DocumentVersion: {
    content: (v: DocumentVersion) => v.content ?? {},
    author: (v: DocumentVersion) => user(v.authorId),
  },
  DocumentComment: {
    author: (c: DocumentComment) => user(c.authorId),
  },
  DocumentCollaborator: {
    role: (c: DocumentCollaborator) => c.role.toUpperCase(),
    user: (c: DocumentCollaborator) => user(c.userId),
    addedBy: (c: DocumentCollaborator) => user(c.addedBy),
  },
  DocumentActivityEvent: {
    actor: (e: DocumentActivityView) => user(e.actorId),
    /** The current document, with id, title and version as the event left them; null once unreadable. */
    document: async (e: DocumentActivityView, _: unknown, ctx: OfficeContext) => {
      const doc = await ctx.documents.get(e.documentId);
      if (!doc) return null;
      const { id, title, version, updatedAt } = e.documentSnapshot;
      return { ...doc, ...(id ? { id, title, version } : {}), ...(updatedAt ? { updatedAt: new Date(String(updatedAt)) } : {}) };
    },
  },
};
