// The formula language of Sheets: parsing a formula for the cells it reads, evaluating it, and
// how values are stored and shown. Evaluation is fast-formula-parser (MIT); the functions it lacks
// (COUNTA, UPPER, MIN, MAX, MATCH, ...) come from @formulajs/formulajs (MIT).
//
// Values: a formula's result is stored exactly (String(number) round-trips a double) with its type
// in cells.value_type, and shown rounded to 15 significant digits, as spreadsheets show numbers
// (0.1+0.2 shows 0.3; 1/3 shows 0.333333333333333). A literal value keeps the text the user sent;
// when a formula reads it, "12", "-1.5e3" read as numbers, TRUE/FALSE as booleans, "" as empty.
// The library ships no types: its declarations, for every program that compiles this file (the
// office workspace, and the root one through the tests), without touching their tsconfig.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./fast-formula-parser.d.ts" />
import * as formulajs from '@formulajs/formulajs';
import FormulaParser, { type CellRef, type FormulaFunction, type FunctionArg, type RangeRef } from 'fast-formula-parser';
import { WildCard } from 'fast-formula-parser/formulas/helpers';
import { lex } from 'fast-formula-parser/grammar/lexing';
import { wildcardMatcher, wildcardSearch } from './wildcard';

const { FormulaError, DepParser } = FormulaParser;
type FormulaErrorT = InstanceType<typeof FormulaError>;

/** The value of a cell while computing: a number, text, a boolean, an error, or empty (null). */
export type Scalar = number | string | boolean | null | FormulaErrorT;
/** How a value is stored: cells.value and cells.value_type (null type: a literal, inferred). */
export interface Stored { value: string; type: 'number' | 'string' | 'boolean' | 'error' }

/** The error of every cell of a circular reference (errors of the library are singletons by code). */
export const CYCLE = new FormulaError('#CYCLE!');
/** A formula that cannot be parsed (the text is kept; the user fixes it). */
export const SYNTAX = new FormulaError('#ERROR!');
const ERRORS = new Map<string, FormulaErrorT>(
  [FormulaError.DIV0, FormulaError.NA, FormulaError.NAME, FormulaError.NULL, FormulaError.NUM, FormulaError.REF, FormulaError.VALUE, CYCLE, SYNTAX].map((e) => [e.error, e]),
);

export const isError = (v: unknown): v is FormulaErrorT => v instanceof FormulaError;
export const errorOf = (code: string): FormulaErrorT => ERRORS.get(code) ?? FormulaError.VALUE;

/** A rectangle of one worksheet, 0-based and inclusive. */
export interface Rect { worksheetId: string; fromRow: number; fromColumn: number; toRow: number; toColumn: number }
/** What a formula reads: rectangles, and named ranges by lower-case name (resolved when evaluated). */
export type Dependency = Rect | { name: string };

/** The spreadsheet a formula is parsed and evaluated in. */
export interface Workbook {
  /** Worksheet id by name, case-insensitively; undefined for a sheet that does not exist. */
  worksheetId(name: string): string | undefined;
  worksheetName(id: string): string | undefined;
  /** A named range by name, case-insensitively. */
  namedRange(name: string): Rect | undefined;
}

export interface ParsedFormula {
  dependencies: Dependency[];
  /** Reads TODAY(), NOW(), RAND() or RANDBETWEEN(): recomputed on every change of the spreadsheet. */
  volatile: boolean;
  /** The formula does not parse: its value is #ERROR!. */
  invalid: boolean;
}

const VOLATILE = /^(TODAY|NOW|RAND|RANDBETWEEN)\($/i;

/** The body of a formula (without its leading "="). */
const body = (formula: string) => formula.trim().replace(/^=/, '');

interface DependencySink {
  cell(ref: CellRef): void;
  range(ref: RangeRef): void;
  name(name: string): void;
}

let depSink: DependencySink | null = null;
let sharedDepParser: InstanceType<typeof DepParser> | undefined;

/** One parser for every formula: building one (chevrotain's grammar analysis) costs milliseconds. */
function depParser(): InstanceType<typeof DepParser> {
  if (!sharedDepParser) {
    const parser = new DepParser();
    // The library's own bookkeeping merges references across worksheets; record each one exactly.
    parser.getCell = (ref: CellRef) => (depSink?.cell(ref), 0);
    parser.getRange = (ref: RangeRef) => (depSink?.range(ref), [[0]]);
    parser.getVariable = (name: string) => (depSink?.name(name), FormulaError.NAME);
    sharedDepParser = parser;
  }
  return sharedDepParser;
}

/** Which cells a formula reads (every reference of the text, whichever branch of an IF runs). */
export function parseFormula(formula: string, sheetName: string, book: Workbook): ParsedFormula {
  const dependencies: Dependency[] = [];
  const seen = new Set<string>();
  const add = (dep: Dependency) => {
    const key = JSON.stringify(dep);
    if (seen.has(key)) return;
    seen.add(key);
    dependencies.push(dep);
  };
  const rect = (sheet: string | undefined, r1: number, c1: number, r2: number, c2: number) => {
    // The parser also reports the partial references of function results (no row or column).
    if (![r1, c1, r2, c2].every((n) => typeof n === 'number' && n >= 1)) return;
    const worksheetId = book.worksheetId(sheet ?? sheetName);
    // A reference to a worksheet that does not exist reads #REF!: there is nothing to depend on.
    if (worksheetId) add({ worksheetId, fromRow: r1 - 1, fromColumn: c1 - 1, toRow: r2 - 1, toColumn: c2 - 1 });
  };
  const text = body(formula);
  let invalid = false;
  depSink = {
    cell: (ref) => rect(ref.sheet, ref.row, ref.col, ref.row, ref.col),
    range: (ref) => rect(ref.sheet, ref.from.row, ref.from.col, ref.to.row, ref.to.col),
    name: (name) => add({ name: name.toLowerCase() }),
  };
  try {
    depParser().parse(text, { sheet: sheetName, row: 1, col: 1 });
  } catch {
    invalid = true;
  } finally {
    depSink = null;
  }
  const volatile = !invalid && lex(text).tokens.some((t) => t.tokenType.name === 'Function' && VOLATILE.test(t.image));
  return { dependencies: invalid ? [] : dependencies, volatile, invalid };
}

// ---- Functions --------------------------------------------------------------------------------

/** Functions that look at errors instead of passing them on. */
const ERROR_AWARE = new Set(['IFERROR', 'IFNA', 'ISERROR', 'ISERR', 'ISNA', 'ERROR.TYPE', 'ISBLANK', 'ISNUMBER', 'ISTEXT', 'ISLOGICAL', 'ISNONTEXT', 'ISREF', 'ISEVEN', 'ISODD', 'TYPE', 'COUNT', 'COUNTA', 'COUNTBLANK', 'COUNTIF', 'COUNTIFS']);
/** Functions the parser calls with its context or with unresolved references: left as they are. */
const CONTEXT = new Set(['ROW', 'ROWS', 'COLUMN', 'COLUMNS', 'SUMIF', 'INDEX', 'AVERAGEIF', 'IF', 'OFFSET', 'INDIRECT', 'CHOOSE', 'WEBSERVICE']);
/** Aggregates whose result is an error when any cell of their ranges is one (as in spreadsheets). */
const AGGREGATES = new Set(['SUM', 'AVERAGE', 'AVERAGEA', 'MIN', 'MINA', 'MAX', 'MAXA', 'PRODUCT', 'MEDIAN', 'SUMSQ', 'SUMPRODUCT', 'STDEV', 'STDEVS', 'STDEVP', 'VARS', 'VARP', 'CONCAT', 'CONCATENATE']);

function firstError(args: FunctionArg[], inRanges: boolean): FormulaErrorT | undefined {
  for (const arg of args) {
    if (isError(arg.value)) return arg.value;
    if (inRanges && Array.isArray(arg.value)) {
      for (const row of arg.value as unknown[][]) for (const v of Array.isArray(row) ? row : [row]) if (isError(v)) return v;
    }
  }
  return undefined;
}

const SERIAL_EPOCH = Date.UTC(1899, 11, 30);

/** A @formulajs/formulajs function called with the parser's arguments; its errors become ours. */
function fromFormulajs(fn: (...args: unknown[]) => unknown): FormulaFunction {
  return (...args) => {
    const result = fn(...args.map((a) => (a.omitted ? undefined : a.value)));
    if (result instanceof Error) return errorOf(result.message);
    if (result instanceof Date) return (result.getTime() - SERIAL_EPOCH) / 86_400_000;
    return result;
  };
}

function passErrors(name: string, fn: FormulaFunction): FormulaFunction {
  const inRanges = AGGREGATES.has(name);
  return (...args) => firstError(args, inRanges) ?? fn(...args);
}

/**
 * The longest text a cell holds, typed or computed (a spreadsheet's limit: Excel's is 32,767).
 * A formula whose text would be longer is #VALUE!, decided before the text is built where a
 * function multiplies its input: REPT("ab", 100000000) took 33 s of the subgraph's only thread.
 */
export const MAX_TEXT_LENGTH = 50_000;

const textLength = (value: unknown): number => (value === null || value === undefined ? 0 : String(value).length);
const flat = (args: FunctionArg[]): unknown[] => args.flatMap((a) => (Array.isArray(a.value) ? (a.value as unknown[][]).flat() : [a.value]));

/** The longest text these functions can return, from their arguments, for those that multiply it. */
const RESULT_LENGTH: Record<string, (...args: FunctionArg[]) => number> = {
  REPT: (text, times) => textLength(text?.value) * Math.max(0, Math.trunc(Number(times?.value))),
  CONCAT: (...args) => flat(args).reduce<number>((n, v) => n + textLength(v), 0),
  CONCATENATE: (...args) => flat(args).reduce<number>((n, v) => n + textLength(v), 0),
  TEXTJOIN: (delimiter, _ignoreEmpty, ...args) => {
    const values = flat(args);
    return values.reduce<number>((n, v) => n + textLength(v), 0) + Math.max(0, values.length - 1) * textLength(delimiter?.value);
  },
  SUBSTITUTE: (text, old, replacement) => {
    const source = String(text?.value ?? '');
    const find = String(old?.value ?? '');
    return find ? source.length + (source.split(find).length - 1) * Math.max(0, textLength(replacement?.value) - find.length) : source.length;
  },
};

/** #VALUE! instead of a text longer than MAX_TEXT_LENGTH, checked before it is built where it can be. */
function boundText(name: string, fn: FormulaFunction): FormulaFunction {
  const resultLength = RESULT_LENGTH[name];
  return (...args) => {
    if (resultLength && resultLength(...args) > MAX_TEXT_LENGTH) return FormulaError.VALUE;
    const result = fn(...args);
    return typeof result === 'string' && result.length > MAX_TEXT_LENGTH ? FormulaError.VALUE : result;
  };
}

/** MATCH(text, range, 0): the first cell the text (with wildcards) matches, ignoring case; else `match`. */
function textMatchWithoutRegex(match: FormulaFunction): FormulaFunction {
  return (...args) => {
    const [lookup, range, type] = args;
    if (typeof lookup?.value !== 'string' || !range || !type || type.omitted || Number(type.value) !== 0) return match(...args);
    const matcher = wildcardMatcher(lookup.value);
    const index = flat([range]).findIndex((v) => typeof v === 'string' && matcher.test(v));
    return index < 0 ? FormulaError.NA : index + 1;
  };
}

function buildFunctions(): Record<string, FormulaFunction> {
  const base = new FormulaParser();
  const builtIn = base.functions;
  // The parser declares some functions it leaves unimplemented (MIN, MAX, MATCH, ...).
  const implemented = new Set(base.supportedFunctions());
  const functions: Record<string, FormulaFunction> = {};
  for (const [name, fn] of Object.entries(formulajs as Record<string, unknown>)) {
    // Nested objects (NORM.DIST, ...) exist in the parser already; take the top-level ones it lacks,
    // and TRIM, whose spreadsheet meaning (inner runs of spaces become one) only formulajs has.
    if (typeof fn === 'function' && (!implemented.has(name) || name === 'TRIM')) functions[name] = fromFormulajs(fn as (...args: unknown[]) => unknown);
  }
  // Wildcards without regular expressions (wildcard.ts): criteria, VLOOKUP and HLOOKUP build
  // theirs through WildCard.toRegex; formulajs's MATCH builds its own for any text it looks up.
  WildCard.toRegex = (lookupText) => wildcardMatcher(lookupText);
  functions.MATCH = textMatchWithoutRegex(functions.MATCH);
  // The parser's REPT appended the text once per repetition: REPT("",1E+12) looped for hours.
  functions.REPT = (text, times) => {
    const count = Math.trunc(Number(times?.value));
    if (!(count >= 0)) return FormulaError.VALUE;
    const value = text?.value;
    return (typeof value === 'boolean' ? (value ? 'TRUE' : 'FALSE') : String(value ?? '')).repeat(count);
  };
  // The parser's SEARCH handed the text it looks for to String.prototype.search, as a regular expression.
  functions.SEARCH = functions.SEARCHB = (find, within, start) => {
    const text = String(within?.value ?? '');
    const from = start === undefined || start.omitted ? 1 : Math.trunc(Number(start.value));
    if (!(from >= 1 && from <= text.length)) return FormulaError.VALUE;
    const found = wildcardSearch(String(find?.value ?? ''), text, from - 1);
    return found < 0 ? FormulaError.VALUE : found + 1;
  };
  for (const [name, fn] of Object.entries({ ...builtIn, ...functions })) {
    if (!CONTEXT.has(name)) functions[name] = boundText(name, ERROR_AWARE.has(name) ? fn : passErrors(name, fn));
  }
  // Nothing leaves the machine: no web requests from a cell.
  functions.WEBSERVICE = () => FormulaError.NAME;
  return functions;
}

let sharedFunctions: Record<string, FormulaFunction> | undefined;

// ---- Evaluation -------------------------------------------------------------------------------

/** Cell values by position, for the evaluator. */
export interface CellSource {
  get(worksheetId: string, row: number, column: number): Scalar;
  /** Rows and columns in use (largest index + 1), to bound whole-column and whole-row ranges. */
  extent(worksheetId: string): { rows: number; columns: number };
}

/** A range this large (a whole column, A:C, 1:1) is read only as far as the worksheet has cells. */
const CLIP_AREA = 100_000;

export class Evaluator {
  private readonly parser: FormulaParser;

  constructor(private readonly book: Workbook, private readonly cells: CellSource) {
    sharedFunctions ??= buildFunctions();
    this.parser = new FormulaParser({
      functions: sharedFunctions,
      onCell: (ref) => {
        const id = this.book.worksheetId(ref.sheet ?? '');
        return id ? this.cells.get(id, ref.row - 1, ref.col - 1) : FormulaError.REF;
      },
      onRange: (ref) => {
        const id = this.book.worksheetId(ref.sheet ?? '');
        if (!id) return [[FormulaError.REF]];
        let { row: toRow, col: toCol } = ref.to;
        if ((toRow - ref.from.row + 1) * (toCol - ref.from.col + 1) > CLIP_AREA) {
          const used = this.cells.extent(id);
          toRow = Math.max(ref.from.row, Math.min(toRow, used.rows));
          toCol = Math.max(ref.from.col, Math.min(toCol, used.columns));
        }
        const rows: Scalar[][] = [];
        for (let r = ref.from.row; r <= toRow; r += 1) {
          const row: Scalar[] = [];
          for (let c = ref.from.col; c <= toCol; c += 1) row.push(this.cells.get(id, r - 1, c - 1));
          rows.push(row);
        }
        return rows;
      },
      onVariable: (name) => {
        const range = this.book.namedRange(name);
        const sheet = range && this.book.worksheetName(range.worksheetId);
        if (!range || !sheet) return null;
        return { sheet, from: { row: range.fromRow + 1, col: range.fromColumn + 1 }, to: { row: range.toRow + 1, col: range.toColumn + 1 } };
      },
    });
  }

  /** The value of a formula of a cell of `sheetName`; errors are values, nothing throws. */
  evaluate(formula: string, sheetName: string, row: number, column: number, invalid = false): Scalar {
    if (invalid) return SYNTAX;
    let result: unknown;
    try {
      result = this.parser.parse(body(formula), { sheet: sheetName, row: row + 1, col: column + 1 });
    } catch (error) {
      // An unknown function is #NAME?; anything else a function could not take is #VALUE!.
      return error instanceof Error && /is not implemented/.test(error.message) ? FormulaError.NAME : FormulaError.VALUE;
    }
    if (Array.isArray(result)) result = (result[0] as unknown[] | undefined)?.[0] ?? null;
    if (result === undefined || result === null) return 0; // "=A1" of an empty A1 shows 0
    // `&` is the parser's own: a chain of them is checked here (V8 knows a joined text's length without building it).
    if (typeof result === 'string' && result.length > MAX_TEXT_LENGTH) return FormulaError.VALUE;
    if (typeof result === 'number' || typeof result === 'string' || typeof result === 'boolean' || isError(result)) return result;
    return FormulaError.VALUE;
  }
}

// ---- Storage and display ----------------------------------------------------------------------

export function toStored(value: Scalar): Stored {
  if (isError(value)) return { value: value.error, type: 'error' };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { value: '#VALUE!', type: 'error' };
    if (!Number.isFinite(value)) return { value: '#NUM!', type: 'error' };
    return { value: String(value === 0 ? 0 : value), type: 'number' };
  }
  if (typeof value === 'boolean') return { value: value ? 'TRUE' : 'FALSE', type: 'boolean' };
  return { value: value ?? '', type: 'string' };
}

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The value a formula reads from a stored cell. */
export function fromStored(value: string | null, type: string | null): Scalar {
  if (value === null) return null;
  switch (type) {
    case 'number': return Number(value);
    case 'boolean': return value === 'TRUE';
    case 'error': return errorOf(value);
    case 'string': return value;
    default: {
      const text = value.trim();
      if (text === '') return null;
      if (NUMERIC.test(text)) return Number(text);
      if (/^(true|false)$/i.test(text)) return text.toUpperCase() === 'TRUE';
      return value;
    }
  }
}

/** A number as spreadsheets show it: 15 significant digits, so binary drift never shows. */
export function formatNumber(n: number): string {
  if (n === 0) return '0';
  return String(Number(n.toPrecision(15)));
}

/** The value the API shows for a stored cell. */
export function display(value: string | null, type: string | null): string | null {
  return type === 'number' && value !== null ? formatNumber(Number(value)) : value;
}

// ---- References to something removed ----------------------------------------------------------

const REFERENCE_TOKENS = new Set(['Cell', 'Column', 'Number']);

function sheetOf(image: string): string {
  const name = image.slice(0, -1); // drop "!"
  return name.startsWith("'") ? name.slice(1, -1).replace(/''/g, "'") : name;
}

/**
 * The formula with every reference to a removed worksheet (`Old!A1`, `'Old sheet'!A1:B2`) or a
 * removed name replaced by #REF!, as spreadsheets do: the formula then reads #REF! for good, even
 * if a worksheet or a name of that name comes back later. Null when nothing was replaced.
 */
export function withoutReferences(formula: string, removed: { sheet?: string; name?: string }): string | null {
  const text = body(formula);
  const tokens = lex(text).tokens;
  const cuts: Array<[number, number]> = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i];
    const kind = t.tokenType.name;
    if (removed.sheet && (kind === 'Sheet' || kind === 'SheetQuoted') && sheetOf(t.image).toLowerCase() === removed.sheet.toLowerCase()) {
      let end = i;
      if (REFERENCE_TOKENS.has(tokens[end + 1]?.tokenType.name ?? '')) end += 1;
      if (tokens[end + 1]?.tokenType.name === 'Colon' && REFERENCE_TOKENS.has(tokens[end + 2]?.tokenType.name ?? '')) end += 2;
      cuts.push([t.startOffset, tokens[end].endOffset]);
      i = end;
    } else if (removed.name && kind === 'Name' && t.image.toLowerCase() === removed.name.toLowerCase() && !['Sheet', 'SheetQuoted'].includes(tokens[i - 1]?.tokenType.name ?? '')) {
      cuts.push([t.startOffset, t.endOffset]);
    }
  }
  if (!cuts.length) return null;
  let out = '';
  let at = 0;
  for (const [from, to] of cuts) {
    out += `${text.slice(at, from)}#REF!`;
    at = to + 1;
  }
  return `=${out}${text.slice(at)}`;
}
