// The part of fast-formula-parser (MIT, no bundled types) that the sheets engine uses.
declare module 'fast-formula-parser' {
  export interface CellRef { sheet?: string; row: number; col: number }
  export interface RangeRef { sheet?: string; from: { row: number; col: number }; to: { row: number; col: number } }
  /** An argument as the parser hands it to a function. */
  export interface FunctionArg { value: unknown; isArray?: boolean; isRangeRef?: boolean; isCellRef?: boolean; omitted?: boolean }
  export type FormulaFunction = (...args: FunctionArg[]) => unknown;

  export class FormulaError extends Error {
    constructor(error: string, msg?: string, details?: unknown);
    readonly error: string;
    readonly details?: unknown;
    static readonly DIV0: FormulaError;
    static readonly NA: FormulaError;
    static readonly NAME: FormulaError;
    static readonly NULL: FormulaError;
    static readonly NUM: FormulaError;
    static readonly REF: FormulaError;
    static readonly VALUE: FormulaError;
  }

  export interface ParserConfig {
    functions?: Record<string, FormulaFunction>;
    onCell?: (ref: CellRef) => unknown;
    onRange?: (ref: RangeRef) => unknown[][];
    onVariable?: (name: string, sheet: string) => CellRef | RangeRef | null;
  }

  export class DepParser {
    constructor(config?: { onVariable?: (name: string, sheet: string) => CellRef | RangeRef | null });
    parse(formula: string, position: { sheet: string; row: number; col: number }): Array<CellRef | RangeRef>;
    getCell(ref: CellRef): unknown;
    getRange(ref: RangeRef): unknown;
    getVariable(name: string): unknown;
    position: { sheet: string; row: number; col: number };
    onVariable: (name: string, sheet: string) => CellRef | RangeRef | null;
  }

  export default class FormulaParser {
    constructor(config?: ParserConfig);
    readonly functions: Record<string, FormulaFunction>;
    /** Names of the functions that are implemented (some are declared but not). */
    supportedFunctions(): string[];
    parse(formula: string, position: { sheet: string; row: number; col: number }, allowReturnArray?: boolean): unknown;
    static readonly DepParser: typeof DepParser;
    static readonly FormulaError: typeof FormulaError;
  }
}

declare module 'fast-formula-parser/grammar/lexing' {
  export interface Token { image: string; startOffset: number; endOffset: number; tokenType: { name: string } }
  export function lex(text: string): { tokens: Token[]; errors: unknown[] };
}

declare module 'fast-formula-parser/formulas/helpers' {
  /** Criteria and lookups build their wildcard matchers here (only `test` is used of them). */
  export const WildCard: { toRegex: (lookupText: string, flags?: string) => { test(value: unknown): boolean } };
}
