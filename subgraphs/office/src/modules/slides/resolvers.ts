import { userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';

export const slidesResolvers: Resolvers = {
  Query: {
    presentation: (_, args, ctx) => ctx.presentations.get(args.id),
  },
  Mutation: {
    createPresentation: (_, args, ctx) => ctx.presentations.create(args),
    addSlide: (_, args, ctx) => ctx.presentations.addSlide(args.presentationId, args.input),
    deleteSlide: (_, args, ctx) => ctx.presentations.deleteSlide(args.id),
  },
  Presentation: {
    __resolveReference: (ref, ctx) => ctx.presentations.get(ref.id),
    theme: (p, _, ctx) => ctx.presentations.theme(p.themeId),
    slides: (p, _, ctx) => ctx.presentations.slides(p.id),
    owner: (p) => userRef(p.ownerId),
  },
  Theme: {
    colors: (t) => t.colors ?? {},
    fonts: (t) => t.fonts ?? {},
  },
  Slide: {
    elements: (s, _, ctx) => ctx.presentations.elements(s.id),
  },
  Element: {
    content: (e) => e.content ?? {},
    animations: (e, _, ctx) => ctx.presentations.animations(e.id),
  },
};
