// The dependency graph of one spreadsheet's formulas, built in memory per commit from the stored
// dependencies (office.formulas), and the plan of a recomputation: which formulas depend, directly
// or not, on the cells that changed, in which order to compute them, and which sit on a cycle.
import type { Dependency, Rect, Workbook } from './formula';

export interface FormulaNode {
  worksheetId: string;
  row: number;
  column: number;
  formula: string;
  dependencies: Dependency[];
  volatile: boolean;
  invalid: boolean;
}

export const cellKey = (worksheetId: string, row: number, column: number) => `${worksheetId}:${row}:${column}`;

/** Ranges at most this wide are indexed per column; wider ones are checked one by one. */
const NARROW = 16;

interface Indexed { node: number; fromRow: number; toRow: number }

export interface RecalcPlan {
  /** Formulas to compute, in dependency order (each after everything it reads). */
  order: number[];
  /** Formulas on a circular reference (each is #CYCLE!). */
  cyclic: Set<number>;
}

export class FormulaGraph {
  private readonly single = new Map<string, number[]>();
  private readonly columns = new Map<string, Indexed[]>();
  private readonly wide = new Map<string, Array<{ node: number; rect: Rect }>>();
  private readonly byKey = new Map<string, number>();

  constructor(readonly nodes: FormulaNode[], private readonly book: Workbook) {
    nodes.forEach((node, i) => {
      this.byKey.set(cellKey(node.worksheetId, node.row, node.column), i);
      for (const rect of this.rects(node)) this.index(i, rect);
    });
  }

  /** The rectangles a formula reads, its named ranges resolved as the workbook has them now. */
  rects(node: FormulaNode): Rect[] {
    const out: Rect[] = [];
    for (const dep of node.dependencies) {
      if ('name' in dep) {
        const range = this.book.namedRange(dep.name);
        if (range) out.push(range);
      } else if (this.book.worksheetName(dep.worksheetId) !== undefined) {
        out.push(dep);
      }
    }
    return out;
  }

  nodeAt(key: string): number | undefined {
    return this.byKey.get(key);
  }

  private index(node: number, r: Rect): void {
    if (r.fromRow === r.toRow && r.fromColumn === r.toColumn) {
      const key = cellKey(r.worksheetId, r.fromRow, r.fromColumn);
      const list = this.single.get(key);
      if (list) list.push(node);
      else this.single.set(key, [node]);
    } else if (r.toColumn - r.fromColumn < NARROW) {
      for (let c = r.fromColumn; c <= r.toColumn; c += 1) {
        const key = `${r.worksheetId}:${c}`;
        const entry = { node, fromRow: r.fromRow, toRow: r.toRow };
        const list = this.columns.get(key);
        if (list) list.push(entry);
        else this.columns.set(key, [entry]);
      }
    } else {
      const list = this.wide.get(r.worksheetId);
      if (list) list.push({ node, rect: r });
      else this.wide.set(r.worksheetId, [{ node, rect: r }]);
    }
  }

  /** The formulas that read the cell directly. */
  private dependents(worksheetId: string, row: number, column: number, visit: (node: number) => void): void {
    for (const n of this.single.get(cellKey(worksheetId, row, column)) ?? []) visit(n);
    for (const e of this.columns.get(`${worksheetId}:${column}`) ?? []) if (row >= e.fromRow && row <= e.toRow) visit(e.node);
    for (const { node, rect } of this.wide.get(worksheetId) ?? []) {
      if (row >= rect.fromRow && row <= rect.toRow && column >= rect.fromColumn && column <= rect.toColumn) visit(node);
    }
  }

  /**
   * Everything to recompute after `changed` cells changed value or formula, and `roots` (formulas
   * to compute anyway: written, rewritten, or reading a name that changed), plus the volatile ones.
   */
  plan(changed: Array<{ worksheetId: string; row: number; column: number }>, roots: number[]): RecalcPlan {
    const dirty = new Set<number>();
    const edges = new Map<number, number[]>(); // formula -> formulas that read it, among the dirty
    const queue: Array<{ worksheetId: string; row: number; column: number; node?: number }> = [...changed];
    const mark = (n: number) => {
      if (dirty.has(n)) return;
      dirty.add(n);
      const node = this.nodes[n];
      queue.push({ worksheetId: node.worksheetId, row: node.row, column: node.column, node: n });
    };
    roots.forEach(mark);
    this.nodes.forEach((node, i) => node.volatile && mark(i));
    for (let head = 0; head < queue.length; head += 1) {
      const cell = queue[head];
      const from = cell.node ?? this.byKey.get(cellKey(cell.worksheetId, cell.row, cell.column));
      this.dependents(cell.worksheetId, cell.row, cell.column, (n) => {
        if (from !== undefined) {
          const list = edges.get(from);
          if (list) list.push(n);
          else edges.set(from, [n]);
        }
        mark(n);
      });
    }
    return stronglyConnected([...dirty], edges);
  }
}

/**
 * Tarjan's strongly connected components, iterative (a chain of 10,000 formulas must not overflow
 * the stack). Components come out dependents-first; reversed, that is the order to compute in.
 * A component of several formulas, or one that reads itself, is a circular reference.
 */
function stronglyConnected(nodes: number[], edges: Map<number, number[]>): RecalcPlan {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const components: number[][] = [];
  const cyclic = new Set<number>();
  let counter = 0;
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: Array<{ node: number; next: number }> = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter);
    counter += 1;
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const out = edges.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const to = out[frame.next];
        frame.next += 1;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter);
          counter += 1;
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: number[] = [];
        let n: number;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== frame.node);
        if (component.length > 1 || (edges.get(frame.node) ?? []).includes(frame.node)) component.forEach((c) => cyclic.add(c));
        components.push(component);
      }
    }
  }
  return { order: components.reverse().flat(), cyclic };
}
