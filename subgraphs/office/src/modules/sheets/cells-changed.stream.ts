// The cellsChanged stream, declared once (EVENTS.md): the cells one commit changed in one worksheet,
// read back from the office outbox (the history a subscription resumes from and the source the
// gateway resolves each payload from).
import { defineEventStream } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { CellChangeSet, OutboxEvent } from '../../generated/prisma/client';
import { CELLS_CHANGED, type CellView } from './workbook';

export interface CellsChangedView {
  eventId: string;
  worksheetId: string;
  cells: CellView[];
  actorId: string | null;
  at: Date;
}

export const cellsChangedStream = defineEventStream({
  field: 'cellsChanged',
  description: 'Live cell changes of one worksheet. after: the last eventId seen; missed events come first.',
  eventType: 'CellsChangedEvent',
  query: 'cellsChangedEvent',
  aggregateType: 'Worksheet',
  types: [CELLS_CHANGED],
  key: 'worksheetId',
  permission: 'office:read',
  // The cells live beside the outbox row (cell_change_sets).
  outbox: (ctx: OfficeContext) => ctx.db.outboxEvent,
  include: { cellChangeSet: true },
  /** Events written before cell_change_sets carry their cells inline. */
  view: (row: OutboxEvent & { cellChangeSet: CellChangeSet | null }): CellsChangedView => {
    const data = (row.payload as { data?: { cells?: CellView[] } }).data ?? {};
    const cells = (row.cellChangeSet?.cells as CellView[] | undefined) ?? data.cells ?? [];
    return { eventId: row.id, worksheetId: row.aggregateId, cells, actorId: row.actorId, at: row.occurredAt };
  },
});
