import type { OfficeContext } from '../../context';
import type { Element, Presentation, Slide, Theme } from '../../generated/prisma/client';

export const slidesResolvers = {
  Query: {
    presentation: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.presentations.get(args.id),
  },
  Mutation: {
    createPresentation: (_: unknown, args: { title: string; themeId?: string | null }, ctx: OfficeContext) => ctx.presentations.create(args),
    addSlide: (_: unknown, args: { presentationId: string; input: unknown }, ctx: OfficeContext) => ctx.presentations.addSlide(args.presentationId, args.input),
  },
  Presentation: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.presentations.get(ref.id),
    theme: (p: Presentation, _: unknown, ctx: OfficeContext) => ctx.presentations.theme(p.themeId),
    slides: (p: Presentation, _: unknown, ctx: OfficeContext) => ctx.presentations.slides(p.id),
    owner: (p: Presentation) => ({ __typename: 'User', id: p.ownerId }),
  },
  Theme: {
    colors: (t: Theme) => t.colors ?? {},
    fonts: (t: Theme) => t.fonts ?? {},
  },
  Slide: {
    elements: (s: Slide, _: unknown, ctx: OfficeContext) => ctx.presentations.elements(s.id),
  },
  Element: {
    content: (e: Element) => e.content ?? {},
    animations: (e: Element, _: unknown, ctx: OfficeContext) => ctx.presentations.animations(e.id),
  },
};
