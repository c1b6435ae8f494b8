import { z } from 'zod';
import { diffFields, isUuid, lockRow, notFound, parseInput, recordChange, snapshot, tenantScope } from '@bacbos/common';
import type { CrmContext } from '../../context';
import type { Opportunity, Prisma } from '../../generated/prisma/client';

/** Stages after which an opportunity no longer counts in the pipeline. */
export const CLOSED_STAGES = ['closed_won', 'closed_lost'];

const moveSchema = z.object({
  stage: z.string().trim().min(1).max(50),
  probability: z.number().int().min(0).max(100).nullish(),
});

export interface PipelineStage {
  stage: string;
  count: number;
  totalAmount: string;
  currency: string | null;
}

export class OpportunityService {
  constructor(private readonly ctx: CrmContext) {}

  private scope(permission: 'crm:read' | 'crm:write', where: Prisma.OpportunityWhereInput = {}): Prisma.OpportunityWhereInput & { tenantId: string } {
    return tenantScope(this.ctx.caller, permission, where);
  }

  async ofContact(contactId: string): Promise<Opportunity[]> {
    this.scope('crm:read');
    return this.ctx.loaders.opportunitiesByContactId.load(contactId);
  }

  async get(id: string): Promise<Opportunity | null> {
    const where = this.scope('crm:read', { id });
    return isUuid(id) ? this.ctx.db.opportunity.findFirst({ where }) : null;
  }

  async move(id: string, stage: string, probability: number | null | undefined): Promise<Opportunity> {
    const where = this.scope('crm:write', { id });
    const data = parseInput(moveSchema, { stage, probability });
    if (!isUuid(id)) throw notFound('Opportunity');
    return this.ctx.db.$transaction(async (tx) => {
      if (!(await lockRow(tx, 'crm.opportunities', id, where.tenantId))) throw notFound('Opportunity');
      const existing = await tx.opportunity.findFirstOrThrow({ where });
      const moved = await tx.opportunity.update({
        where: { id: existing.id },
        data: { stage: data.stage, ...(data.probability != null ? { probability: data.probability } : {}) },
      });
      await recordChange(tx, this.ctx.caller, {
        type: 'crm.opportunity.moved', aggregateType: 'Opportunity', aggregateId: moved.id, action: 'update',
        changes: diffFields(existing, moved, ['stage', 'probability']), data: snapshot(moved, ['id', 'contactId', 'leadId', 'name', 'amount', 'currency', 'stage', 'probability']),
      });
      return moved;
    });
  }

  /** Open opportunities grouped by stage (and currency: amounts of two currencies never add up). */
  async pipeline(): Promise<PipelineStage[]> {
    const where = this.scope('crm:read', { OR: [{ stage: null }, { stage: { notIn: CLOSED_STAGES } }] });
    const groups = await this.ctx.db.opportunity.groupBy({
      by: ['stage', 'currency'],
      where,
      _count: { _all: true },
      _sum: { amount: true },
      orderBy: [{ stage: 'asc' }, { currency: 'asc' }],
    });
    return groups.map((g) => ({
      stage: g.stage ?? 'unassigned',
      count: g._count._all,
      totalAmount: g._sum.amount?.toFixed(2) ?? '0.00',
      currency: g.currency,
    }));
  }
}
