import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  assertTenantUser, conflict, diffFields, isUuid, lockRow, notFound, paginate, parseInput, recordChange, snapshot, tenantScope, unknownReference, type PageArgs,
} from '@bacbos/common';
import type { CrmContext } from '../../context';
import type { Lead, Opportunity, Prisma } from '../../generated/prisma/client';

const decimal = z.string().regex(/^-?\d{1,13}(\.\d{1,2})?$/, 'a decimal string such as "1250.00"');
const currency = z.string().regex(/^[A-Za-z]{3}$/, 'a 3-letter ISO 4217 code').transform((c) => c.toUpperCase());

const createSchema = z.object({
  contactId: z.string().refine(isUuid, 'not an id'),
  title: z.string().trim().min(1).max(200),
  value: decimal.nullish(),
  currency: currency.nullish(),
  source: z.string().trim().max(50).nullish(),
  stage: z.string().trim().min(1).max(50).nullish(),
  ownerId: z.string().refine(isUuid, 'not an id').nullish(),
  priority: z.enum(['low', 'medium', 'high', 'urgent']).nullish(),
  tags: z.array(z.string().trim().min(1).max(100)).max(100).nullish(),
});

/** What updateLead may change (status moves through convertLead); an omitted field stays, null clears an optional one. */
const updateSchema = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  value: decimal.nullish(),
  currency: currency.nullish(),
  source: z.string().trim().max(50).nullish(),
  stage: z.string().trim().min(1).max(50).nullish(),
  ownerId: z.string().refine(isUuid, 'not an id').nullish(),
  priority: z.enum(['low', 'medium', 'high', 'urgent']).optional(),
  tags: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
});

const LEAD_FIELDS = ['contactId', 'title', 'value', 'currency', 'source', 'status', 'stage', 'ownerId', 'priority', 'tags'];
const OPPORTUNITY_FIELDS = ['contactId', 'leadId', 'name', 'amount', 'currency', 'stage', 'probability', 'closeDate'];

const convertSchema = z.object({
  name: z.string().trim().min(1).max(200),
  amount: decimal,
  closeDate: z.string().nullish(),
  probability: z.number().int().min(0).max(100).nullish(),
});

export class LeadService {
  constructor(private readonly ctx: CrmContext) {}

  private scope(permission: 'crm:read' | 'crm:write', where: Prisma.LeadWhereInput = {}): Prisma.LeadWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, permission, where);
  }

  async get(id: string): Promise<Lead | null> {
    this.scope('crm:read');
    return isUuid(id) ? this.ctx.loaders.leadById.load(id) : null;
  }

  async ofContact(contactId: string): Promise<Lead[]> {
    this.scope('crm:read');
    return this.ctx.loaders.leadsByContactId.load(contactId);
  }

  /** The leads a user owns, newest first (the `User.leads` extension). */
  async ownedBy(userId: string, args: PageArgs) {
    const where = this.scope('crm:read', { ownerId: userId });
    return paginate<Lead>({
      args,
      sort: { field: 'createdAt', direction: 'desc', type: 'date' },
      fetch: ({ after, orderBy, take }) =>
        this.ctx.db.lead.findMany({ where: after ? { AND: [where, after] } : where, orderBy: orderBy as Prisma.LeadOrderByWithRelationInput[], take }),
      count: () => this.ctx.db.lead.count({ where }),
    });
  }

  /**
   * The owner is a platform user, checked against the CRM's replica of the tenant's users
   * (packages/common/src/directory.ts): another tenant's user, or none, is BAD_USER_INPUT on ownerId.
   */
  async create(input: unknown): Promise<Lead> {
    const { tenantId } = this.scope('crm:write');
    const data = parseInput(createSchema, input);
    const contact = await this.ctx.db.contact.findFirst({ where: { id: data.contactId, tenantId }, select: { id: true } });
    if (!contact) throw unknownReference('contact', 'contactId');
    if (data.ownerId) await assertTenantUser(this.ctx.db, 'crm', this.ctx.caller, data.ownerId, 'ownerId');
    return this.ctx.db.$transaction(async (tx) => {
      const lead = await tx.lead.create({
        data: {
          id: randomUUID(),
          tenantId,
          contactId: contact.id,
          title: data.title,
          value: data.value ?? null,
          currency: data.currency ?? null,
          source: data.source ?? null,
          stage: data.stage ?? null,
          ownerId: data.ownerId ?? null,
          priority: data.priority ?? 'medium',
          tags: data.tags ?? [],
          status: 'new',
          createdAt: new Date(),
        },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'crm.lead.created', aggregateType: 'Lead', aggregateId: lead.id, action: 'create',
        changes: diffFields(null, lead, LEAD_FIELDS), data: snapshot(lead, ['id', ...LEAD_FIELDS]),
      });
      return lead;
    });
  }

  /** Changes the given fields under the lead's row lock; one crm.lead.updated event with the whole lead. */
  async update(id: string, input: unknown): Promise<Lead> {
    const { tenantId } = this.scope('crm:write');
    const data = parseInput(updateSchema, input);
    if (!isUuid(id)) throw notFound('Lead');
    if (data.ownerId) await assertTenantUser(this.ctx.db, 'crm', this.ctx.caller, data.ownerId, 'ownerId');
    return this.ctx.db.$transaction(async (tx) => {
      if (!(await lockRow(tx, 'crm.leads', id, tenantId))) throw notFound('Lead');
      const existing = await tx.lead.findFirstOrThrow({ where: { id, tenantId } });
      const lead = await tx.lead.update({ where: { id: existing.id }, data });
      await recordChange(tx, this.ctx.caller, {
        type: 'crm.lead.updated', aggregateType: 'Lead', aggregateId: lead.id, action: 'update',
        changes: diffFields(existing, lead, LEAD_FIELDS), data: snapshot(lead, ['id', ...LEAD_FIELDS]),
      });
      return lead;
    });
  }

  /**
   * Turns a lead into an opportunity for the same contact, and marks the lead converted. The
   * status flip is a conditional update inside the transaction, so two concurrent conversions
   * cannot both succeed: the second gets CONFLICT.
   */
  async convert(id: string, input: unknown): Promise<Opportunity> {
    const { tenantId } = this.scope('crm:write');
    const data = parseInput(convertSchema, input);
    const closeDate = data.closeDate ? parseDay(data.closeDate) : null;
    if (!isUuid(id)) throw notFound('Lead');
    return this.ctx.db.$transaction(async (tx) => {
      const flipped = await tx.lead.updateMany({
        where: { id, tenantId, OR: [{ status: null }, { status: { not: 'converted' } }] },
        data: { status: 'converted' },
      });
      if (flipped.count === 0) {
        const exists = await tx.lead.findFirst({ where: { id, tenantId }, select: { id: true } });
        throw exists ? conflict('This lead is already converted') : notFound('Lead');
      }
      const lead = await tx.lead.findFirstOrThrow({ where: { id, tenantId } });
      const opportunity = await tx.opportunity.create({
        data: {
          id: randomUUID(),
          tenantId,
          leadId: lead.id,
          contactId: lead.contactId,
          name: data.name,
          amount: data.amount,
          currency: lead.currency,
          stage: 'prospect',
          probability: data.probability ?? 0,
          closeDate,
          productsServices: [],
          createdAt: new Date(),
        },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'crm.lead.converted', aggregateType: 'Lead', aggregateId: lead.id, action: 'convert',
        changes: { status: { from: 'new', to: 'converted' } }, data: { ...snapshot(lead, ['id', ...LEAD_FIELDS]), opportunityId: opportunity.id },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'crm.opportunity.created', aggregateType: 'Opportunity', aggregateId: opportunity.id, action: 'create',
        changes: diffFields(null, opportunity, OPPORTUNITY_FIELDS), data: snapshot(opportunity, ['id', ...OPPORTUNITY_FIELDS]),
      });
      return opportunity;
    });
  }
}

/** closeDate arrives validated by the Date scalar (YYYY-MM-DD); DATE columns take midnight UTC. */
function parseDay(value: string): Date {
  return new Date(`${value}T00:00:00.000Z`);
}
