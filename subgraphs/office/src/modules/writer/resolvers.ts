import type { PageArgs } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Document } from '../../generated/prisma/client';
import type { DocumentFilter } from './document.service';

export const writerResolvers = {
  Query: {
    documents: (_: unknown, args: PageArgs & { filter?: DocumentFilter }, ctx: OfficeContext) => ctx.documents.list(args),
    document: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.documents.get(args.id),
  },
  Document: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.documents.get(ref.id),
    content: (d: Document) => d.content ?? {},
    owner: (d: Document) => (d.ownerId ? { __typename: 'User', id: d.ownerId } : null),
  },
};
