// Slides: presentations, their slides, elements and animations, scoped to the caller's tenant
// (office:read / office:write).
import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { z } from 'zod';
import {
  authorize, byId, diffFields, forbidden, isUuid, lockRow, manyByKey, notFound, parseInput, plainText, recordChange, snapshot, unknownReference,
} from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Animation, Element, Presentation, Prisma, Slide, Theme } from '../../generated/prisma/client';
import { SEARCH_TEXT_MAX_CHARS, boundedText } from '../../search-text';

/**
 * What the search index needs of a presentation (EVENTS.md): its title and its slide text (the
 * text of each element, then the speaker notes, slide by slide), cut to SEARCH_TEXT_MAX_CHARS.
 * Slides past the bound are not read: each gives at least one character and a space. The slide
 * events and search:reindex's listing (search-listing.ts) both read it here.
 */
export async function presentationSearchData(tx: Prisma.TransactionClient, tenantId: string, presentationId: string): Promise<{ title: string; slideText: string }> {
  const presentation = await tx.presentation.findFirst({ where: { tenantId, id: presentationId }, select: { title: true } });
  const slides = await tx.slide.findMany({
    where: { tenantId, presentationId }, orderBy: [{ index: 'asc' }, { id: 'asc' }], take: Math.ceil(SEARCH_TEXT_MAX_CHARS / 2),
    select: { notes: true, elements: { select: { content: true }, orderBy: [{ zIndex: 'asc' }, { id: 'asc' }] } },
  });
  const parts = function* () {
    for (const slide of slides) {
      for (const element of slide.elements) yield plainText(element.content);
      yield slide.notes;
    }
  };
  return { title: presentation?.title ?? '', slideText: boundedText(parts()) };
}

const coordinate = z.number().finite().min(-100_000).max(100_000);
const size = z.number().finite().min(0).max(100_000);
const createSchema = z.object({ title: z.string().trim().min(1).max(500), themeId: z.string().uuid().nullish() });
const slideSchema = z.object({
  index: z.number().int().min(0).max(10_000).nullish(),
  layout: z.string().trim().min(1).max(50).regex(/^[a-z0-9_]+$/, 'A layout is lower-case letters, digits and _').nullish(),
  notes: z.string().max(50_000).nullish(),
  elements: z.array(z.object({
    type: z.string().trim().min(1).max(50).regex(/^[a-z0-9_]+$/, 'A type is lower-case letters, digits and _'),
    content: z.unknown().nullish(),
    x: coordinate.nullish(),
    y: coordinate.nullish(),
    width: size.nullish(),
    height: size.nullish(),
    animations: z.array(z.object({
      type: z.string().trim().min(1).max(50).regex(/^[a-z0-9_]+$/, 'A type is lower-case letters, digits and _'),
      order: z.number().int().min(0).max(10_000).nullish(),
    })).max(50).nullish(),
  })).max(500).nullish(),
});

export class PresentationService {
  private readonly loaders: ReturnType<PresentationService['createLoaders']>;

  constructor(private readonly ctx: OfficeContext) {
    this.loaders = this.createLoaders(ctx.caller.tenantId);
  }

  /** Per request, batched, always within the caller's tenant. */
  private createLoaders(tenantId: string | null) {
    const db = this.ctx.db;
    return {
      presentationById: new DataLoader<string, Presentation | null>(async (ids) =>
        byId(ids, tenantId ? await db.presentation.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [])),
      themeById: new DataLoader<string, Theme | null>(async (ids) =>
        byId(ids, tenantId ? await db.theme.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [])),
      slidesByPresentation: new DataLoader<string, Slide[]>(async (ids) =>
        manyByKey(ids, tenantId ? await db.slide.findMany({ where: { tenantId, presentationId: { in: [...ids] } }, orderBy: [{ index: 'asc' }, { createdAt: 'asc' }] }) : [], (s) => s.presentationId)),
      elementsBySlide: new DataLoader<string, Element[]>(async (ids) =>
        manyByKey(ids, tenantId ? await db.element.findMany({ where: { tenantId, slideId: { in: [...ids] } }, orderBy: [{ zIndex: 'asc' }, { createdAt: 'asc' }] }) : [], (e) => e.slideId)),
      animationsByElement: new DataLoader<string, Animation[]>(async (ids) =>
        manyByKey(ids, tenantId ? await db.animation.findMany({ where: { tenantId, elementId: { in: [...ids] } }, orderBy: [{ order: 'asc' }, { createdAt: 'asc' }] }) : [], (a) => a.elementId)),
    };
  }

  private tenant(permission: 'office:read' | 'office:write'): string {
    return authorize(this.ctx.caller, permission);
  }

  async get(id: string): Promise<Presentation | null> {
    this.tenant('office:read');
    return isUuid(id) ? this.loaders.presentationById.load(id) : null;
  }

  async theme(id: string | null): Promise<Theme | null> {
    this.tenant('office:read');
    return id ? this.loaders.themeById.load(id) : null;
  }

  slides(presentationId: string): Promise<Slide[]> {
    this.tenant('office:read');
    return this.loaders.slidesByPresentation.load(presentationId);
  }

  elements(slideId: string): Promise<Element[]> {
    this.tenant('office:read');
    return this.loaders.elementsBySlide.load(slideId);
  }

  animations(elementId: string): Promise<Animation[]> {
    this.tenant('office:read');
    return this.loaders.animationsByElement.load(elementId);
  }

  async create(args: { title: string; themeId?: string | null }): Promise<Presentation> {
    const tenantId = this.tenant('office:write');
    const data = parseInput(createSchema, args);
    const ownerId = this.ctx.caller.userId;
    if (!ownerId) throw forbidden('Presentations are created by users, not API keys');
    return this.ctx.db.$transaction(async (tx) => {
      if (data.themeId && !(await tx.theme.findFirst({ where: { tenantId, id: data.themeId }, select: { id: true } }))) throw unknownReference('theme', 'themeId');
      const now = new Date();
      const presentation = await tx.presentation.create({
        data: { id: randomUUID(), tenantId, ownerId, title: data.title, themeId: data.themeId ?? null, createdAt: now, updatedAt: now },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.presentation.created', aggregateType: 'Presentation', aggregateId: presentation.id, action: 'create',
        changes: diffFields(null, presentation, ['title', 'themeId']),
        data: snapshot(presentation, ['id', 'title', 'themeId', 'ownerId', 'createdAt']),
      });
      return presentation;
    });
  }

  /** Inserts the slide at `index` (default: last), moving later slides up by one. */
  async addSlide(presentationId: string, input: unknown): Promise<Slide> {
    const tenantId = this.tenant('office:write');
    const data = parseInput(slideSchema, input);
    if (!isUuid(presentationId)) throw notFound('Presentation', 'presentationId');
    return this.ctx.db.$transaction(async (tx) => {
      if (!(await lockRow(tx, 'office.presentations', presentationId, tenantId))) throw notFound('Presentation', 'presentationId');
      const count = await tx.slide.count({ where: { tenantId, presentationId } });
      const index = Math.min(data.index ?? count, count);
      if (index < count) await tx.slide.updateMany({ where: { tenantId, presentationId, index: { gte: index } }, data: { index: { increment: 1 } } });
      const slide = await tx.slide.create({
        data: { id: randomUUID(), tenantId, presentationId, index, layout: data.layout ?? 'blank', notes: data.notes ?? null },
      });
      const elements = (data.elements ?? []).map((e, zIndex) => ({
        id: randomUUID(), tenantId, slideId: slide.id, type: e.type, content: (e.content ?? {}) as Prisma.InputJsonValue,
        x: e.x ?? 0, y: e.y ?? 0, width: e.width ?? 0, height: e.height ?? 0, zIndex,
      }));
      if (elements.length) await tx.element.createMany({ data: elements });
      const animations = (data.elements ?? []).flatMap((e, i) =>
        (e.animations ?? []).map((a, n) => ({ tenantId, elementId: elements[i].id, type: a.type, order: a.order ?? n })));
      if (animations.length) await tx.animation.createMany({ data: animations });
      await tx.presentation.update({ where: { id: presentationId }, data: { updatedAt: new Date() } });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.slide.created', aggregateType: 'Slide', aggregateId: slide.id, action: 'create',
        changes: { ...diffFields(null, slide, ['index', 'layout', 'notes']), elements: { from: null, to: elements.map((e) => ({ id: e.id, type: e.type })) } },
        data: { ...snapshot(slide, ['id', 'presentationId', 'index', 'layout', 'createdAt']), elementIds: elements.map((e) => e.id), ...(await presentationSearchData(tx, tenantId, presentationId)) },
      });
      return slide;
    });
  }

  /** Removes the slide (its elements and animations go with it) and closes the gap in the order. */
  async deleteSlide(id: string): Promise<boolean> {
    const tenantId = this.tenant('office:write');
    if (!isUuid(id)) throw notFound('Slide', 'id');
    const found = await this.ctx.db.slide.findFirst({ where: { tenantId, id }, select: { presentationId: true } });
    if (!found) throw notFound('Slide', 'id');
    return this.ctx.db.$transaction(async (tx) => {
      // The presentation's lock orders this against addSlide and other deletions (indexes stay dense).
      if (!(await lockRow(tx, 'office.presentations', found.presentationId, tenantId))) throw notFound('Slide', 'id');
      const slide = await tx.slide.findFirst({ where: { tenantId, id } });
      if (!slide) throw notFound('Slide', 'id');
      await tx.slide.delete({ where: { id } });
      await tx.slide.updateMany({ where: { tenantId, presentationId: slide.presentationId, index: { gt: slide.index } }, data: { index: { decrement: 1 } } });
      await tx.presentation.update({ where: { id: slide.presentationId }, data: { updatedAt: new Date() } });
      await recordChange(tx, this.ctx.caller, {
        type: 'office.slide.deleted', aggregateType: 'Slide', aggregateId: slide.id, action: 'delete',
        changes: diffFields(slide, null, ['index', 'layout', 'notes']),
        data: { ...snapshot(slide, ['id', 'presentationId', 'index']), ...(await presentationSearchData(tx, tenantId, slide.presentationId)) },
      });
      return true;
    });
  }
}
