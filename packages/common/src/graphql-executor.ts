// The subgraphs' fast path for the request the gateway sends on every fetch: a JSON POST of a
// query or mutation it has sent before. Apollo Server's pipeline hashes the query text (SHA-256)
// to find its parsed document, dispatches every plugin hook, negotiates the content type and
// builds several objects per request; for a 20-row page that was a fifth of the subgraph's CPU.
// Here the parsed, validated operation is kept by its text, and graphql-js runs it directly.
//
// Only the plain success-or-field-error case is served here; Apollo Server answers everything
// else exactly as before (`undefined` from `run`): a query that does not parse or validate, a
// subscription, an ambiguous operation name, variables that do not coerce (nothing has run yet:
// graphql-js reports them before any resolver), a context that cannot be built, an `accept`
// header that wants another media type, a persisted-query extension, anything odd in the body.
// What the fast path answers is what Apollo would have answered: the same errors enriched with a
// code and passed through the same formatError, the same status (an error's extensions.http), the
// same content type and JSON.
import { GraphQLError, execute, getOperationAST, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/** A document that parsed and validated against the schema, and the operation a request names in it. */
interface Prepared {
  document: DocumentNode;
  operation: OperationDefinitionNode;
}

export interface FastAnswer {
  status: number;
  headers: [string, string][];
  /** The JSON text, as Apollo writes it (errors, data, extensions; a final newline). */
  body: string;
  operation: OperationDefinitionNode;
  /** The formatted errors' codes (for metrics, the access log and the operation's span). */
  errorCodes: string[];
}

export interface GraphQLRequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** Distinct documents kept: the gateway sends a handful per subgraph; a flood of others empties it. */
const PREPARED_ENTRIES = 1_000;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True when Apollo would answer this request with application/json (no accept, or one that prefers it). */
function wantsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept === '' || accept === '*/*') return true;
  const first = accept.split(',')[0].split(';')[0].trim().toLowerCase();
  return first === 'application/json' && !accept.includes('graphql-response') && !accept.includes('callbackSpec');
}

export class SubgraphExecutor<Context extends object> {
  /** null: known not to be served here (Apollo answers it). */
  private readonly prepared = new Map<string, Prepared | null>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly formatError: (formatted: GraphQLFormattedError, original: unknown) => GraphQLFormattedError,
  ) {}

  private prepare(query: string, operationName: string | undefined): Prepared | null {
    const key = operationName === undefined ? query : `${query}\u0000${operationName}`;
    const known = this.prepared.get(key);
    if (known !== undefined) return known;
    let found: Prepared | null = null;
    try {
      const document = parse(query);
      const operation = validate(this.schema, document).length === 0 ? getOperationAST(document, operationName) : null;
      if (operation && operation.operation !== 'subscription') found = { document, operation };
    } catch {
      found = null; // a syntax error: Apollo's GRAPHQL_PARSE_FAILED
    }
    if (this.prepared.size >= PREPARED_ENTRIES) this.prepared.clear();
    this.prepared.set(key, found);
    return found;
  }

  /**
   * Runs the request if it is the plain case; `undefined` when Apollo Server must answer it (before
   * anything ran, so it runs once either way).
   */
  async run(body: unknown, accept: string | undefined, context: () => Promise<Context> | Context): Promise<FastAnswer | undefined> {
    if (!isRecord(body) || typeof body.query !== 'string' || !wantsJson(accept)) return undefined;
    const { query, operationName, variables, extensions } = body as GraphQLRequestBody;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
    if (variables !== undefined && variables !== null && !isRecord(variables)) return undefined;
    if (extensions !== undefined && extensions !== null && !(isRecord(extensions) && Object.keys(extensions).length === 0)) return undefined;
    const prepared = this.prepare(query as string, (operationName as string | null | undefined) ?? undefined);
    if (!prepared) return undefined;
    let contextValue: Context;
    try {
      contextValue = await context();
    } catch {
      return undefined; // Apollo builds it again and answers its failure
    }
    const result: ExecutionResult = await execute({
      schema: this.schema,
      document: prepared.document,
      contextValue,
      variableValues: (variables as Record<string, unknown> | null | undefined) ?? undefined,
      operationName: (operationName as string | null | undefined) ?? undefined,
    });
    // No data: the request failed before execution (variables that do not coerce). Nothing ran.
    if (!('data' in result)) return undefined;
    let status = 200;
    const headers: [string, string][] = [];
    let errors: GraphQLFormattedError[] | undefined;
    const errorCodes: string[] = [];
    if (result.errors?.length) {
      errors = result.errors.map((error) => {
        const { formatted, http } = this.format(error);
        if (http?.status) status = http.status;
        if (http?.headers) for (const [name, value] of http.headers) headers.push([name, value]);
        const code = formatted.extensions?.code;
        errorCodes.push(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR');
        return formatted;
      });
    }
    headers.push(['content-type', JSON_TYPE]);
    return { status, headers, body: `${JSON.stringify({ errors, data: result.data, extensions: result.extensions })}\n`, operation: prepared.operation, errorCodes };
  }

  /** Apollo's normalizeAndFormatErrors for one error: a code (INTERNAL_SERVER_ERROR if none), extensions.http lifted out, then formatError. */
  private format(error: GraphQLError): { formatted: GraphQLFormattedError; http?: { status?: number; headers?: Map<string, string> } } {
    const extensions: Record<string, unknown> = { ...error.extensions, code: error.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
    let http: { status?: number; headers?: Map<string, string> } | undefined;
    const candidate = extensions.http as { status?: unknown; headers?: unknown } | undefined;
    if (candidate && typeof candidate === 'object' && (!('status' in candidate) || typeof candidate.status === 'number') && (!('headers' in candidate) || candidate.headers instanceof Map)) {
      http = candidate as typeof http;
      delete extensions.http;
    }
    try {
      return { formatted: this.formatError({ ...error.toJSON(), extensions }, error), http };
    } catch {
      return { formatted: { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, http };
    }
  }
}
