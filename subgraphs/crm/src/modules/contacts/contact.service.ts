import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  conflict, containsText, diffFields, isUniqueViolation, isUuid, lockRow, notFound, paginate, parseInput, recordChange, snapshot, tenantScope, type SortSpec,
} from '@bacbos/common';
import type { CrmContext } from '../../context';
import type { ContactFilter, ContactOrderField, QueryContactsArgs } from '../../generated/graphql';
import type { Contact, Prisma } from '../../generated/prisma/client';

const text = (max: number) => z.string().trim().max(max);
const contactFields = {
  firstName: text(100).min(1),
  lastName: text(100).min(1),
  email: z.string().trim().toLowerCase().email().max(255),
  phone: text(50).nullish(),
  company: text(200).nullish(),
  title: text(100).nullish(),
  source: text(50).nullish(),
  status: text(50).min(1).nullish(),
  tags: z.array(text(100).min(1)).max(100).nullish(),
  customFields: z.record(z.string(), z.unknown()).nullish(),
};
const createSchema = z.object(contactFields);
/** Fields an event and an audit entry carry. */
export const CONTACT_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company', 'title', 'source', 'status', 'tags', 'customFields'];
const updateSchema = z.object(contactFields).partial();

const ORDER_FIELDS: Record<ContactOrderField, Omit<SortSpec, 'direction'>> = {
  created_at: { field: 'createdAt', type: 'date' },
  last_name: { field: 'lastName', type: 'string' },
  email: { field: 'email', type: 'string' },
  company: { field: 'company', type: 'string', nullable: true },
};

export class ContactService {
  constructor(private readonly ctx: CrmContext) {}

  /** The one place that scopes contacts to the caller's tenant. */
  private scope(permission: 'crm:read' | 'crm:write', where: Prisma.ContactWhereInput = {}) {
    return tenantScope(this.ctx.caller, permission, where);
  }

  async list(args: QueryContactsArgs) {
    const where = this.scope('crm:read', filterWhere(args.filter));
    const order = args.orderBy ?? { field: 'created_at', direction: 'asc' };
    const sort: SortSpec = { ...ORDER_FIELDS[order.field], direction: order.direction ?? 'asc' };
    return paginate<Contact>({
      args,
      sort,
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.contact.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.ContactOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.contact.count({ where }),
    });
  }

  async get(id: string): Promise<Contact | null> {
    this.scope('crm:read');
    return isUuid(id) ? this.ctx.loaders.contactById.load(id) : null;
  }

  async create(input: unknown): Promise<Contact> {
    const where = this.scope('crm:write');
    const data = parseInput(createSchema, input);
    try {
      return await this.ctx.db.$transaction(async (tx) => {
        const contact = await tx.contact.create({
          data: {
            ...data,
            id: randomUUID(),
            tenantId: where.tenantId,
            tags: data.tags ?? [],
            customFields: (data.customFields ?? undefined) as Prisma.InputJsonValue | undefined,
            status: data.status ?? 'active',
            // Millisecond precision, so that keyset cursors (which carry JS dates) compare exactly.
            createdAt: new Date(),
          },
        });
        await recordChange(tx, this.ctx.caller, {
          type: 'crm.contact.created', aggregateType: 'Contact', aggregateId: contact.id, action: 'create',
          changes: diffFields(null, contact, CONTACT_FIELDS), data: snapshot(contact, ['id', ...CONTACT_FIELDS, 'createdAt', 'updatedAt']),
        });
        return contact;
      });
    } catch (error) {
      throw isUniqueViolation(error) ? conflict(`A contact with email ${data.email} already exists`, 'email') : error;
    }
  }

  async update(id: string, input: unknown): Promise<Contact> {
    const where = this.scope('crm:write', { id });
    const data = parseInput(updateSchema, input);
    if (!isUuid(id)) throw notFound('Contact');
    try {
      return await this.ctx.db.$transaction(async (tx) => {
        if (!(await lockRow(tx, 'crm.contacts', id, where.tenantId))) throw notFound('Contact');
        const existing = await tx.contact.findFirstOrThrow({ where });
        const contact = await tx.contact.update({
          where: { id: existing.id },
          data: { ...data, customFields: (data.customFields ?? undefined) as Prisma.InputJsonValue | undefined, tags: data.tags ?? undefined },
        });
        await recordChange(tx, this.ctx.caller, {
          type: 'crm.contact.updated', aggregateType: 'Contact', aggregateId: contact.id, action: 'update',
          changes: diffFields(existing, contact, CONTACT_FIELDS), data: snapshot(contact, ['id', ...CONTACT_FIELDS, 'createdAt', 'updatedAt']),
        });
        return contact;
      });
    } catch (error) {
      throw isUniqueViolation(error) ? conflict(`A contact with email ${data.email} already exists`, 'email') : error;
    }
  }

  /** Deletes the contact; its leads go with it (cascade), its opportunities stay with contact null. */
  async delete(id: string): Promise<boolean> {
    const where = this.scope('crm:write', { id });
    if (!isUuid(id)) throw notFound('Contact');
    return this.ctx.db.$transaction(async (tx) => {
      if (!(await lockRow(tx, 'crm.contacts', id, where.tenantId))) throw notFound('Contact');
      const existing = await tx.contact.findFirstOrThrow({ where });
      // The leads the cascade removes, named in the event (EVENTS.md): they get no event of their own.
      const leads = await tx.lead.findMany({ where: { tenantId: where.tenantId, contactId: existing.id }, select: { id: true } });
      await tx.contact.delete({ where: { id: existing.id } });
      await recordChange(tx, this.ctx.caller, {
        type: 'crm.contact.deleted', aggregateType: 'Contact', aggregateId: existing.id, action: 'delete',
        changes: diffFields(existing, null, CONTACT_FIELDS),
        data: { ...snapshot(existing, ['id', ...CONTACT_FIELDS, 'createdAt', 'updatedAt']), leadIds: leads.map((l) => l.id) },
      });
      return true;
    });
  }
}

function filterWhere(filter: ContactFilter | null | undefined): Prisma.ContactWhereInput {
  if (!filter) return {};
  const where: Prisma.ContactWhereInput = {};
  const search = filter.search?.trim();
  if (search) {
    const like = containsText(search);
    where.OR = [{ firstName: like }, { lastName: like }, { email: like }, { company: like }];
  }
  if (filter.status) where.status = filter.status;
  if (filter.source) where.source = filter.source;
  if (filter.company) where.company = { equals: filter.company, mode: 'insensitive' };
  if (filter.tags?.length) where.tags = { hasSome: filter.tags };
  return where;
}
