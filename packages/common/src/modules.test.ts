// defineSubgraph: modules from their SDL beside the code, enums mapped by the one rule, and the
// request context built the one way (deps, caller, log, loaders, then each module's services).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql } from 'graphql';
import { anonymousCaller, type CallerIdentity } from './identity';
import { rootLogger } from './logger';
import { defineSubgraph } from './modules';

let dir: string;
const caller: CallerIdentity = anonymousCaller({ kind: 'user', tenantId: '11111111-1111-4111-8111-111111111111', userId: '22222222-2222-4222-8222-222222222222' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bacbos-modules-'));
  const sdl = (module: string, text: string) => {
    mkdirSync(join(dir, 'modules', module), { recursive: true });
    writeFileSync(join(dir, 'modules', module, 'schema.graphql'), text);
  };
  sdl('tickets', `
    enum TicketStatus { OPEN NEEDS_ACTION CLOSED }
    type Ticket { id: ID! status: TicketStatus! }
    type Query { ticket(id: ID!): Ticket tickets(status: TicketStatus!): [String!]! }
  `);
  sdl('notes', 'extend type Query { noteCount: Int! }');
  sdl('about', 'extend type Query { about: String! }');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class TicketService {
  constructor(private readonly ctx: { caller: CallerIdentity; store: Map<string, string>; notes: NoteService }) {}
  status(id: string) {
    return this.ctx.store.get(id) ?? null;
  }
  /** Reaches a sibling module's service through the context it was built with. */
  noteCount() {
    return this.ctx.notes.count();
  }
}
class NoteService {
  constructor(private readonly ctx: { loaders: { notes: string[] } }) {}
  count() {
    return this.ctx.loaders.notes.length;
  }
}

function define(extra: Record<string, object> = {}) {
  return defineSubgraph({
    dir,
    loaders: (_deps: { store: Map<string, string> }, who: CallerIdentity) => ({ notes: who.tenantId ? ['a', 'b'] : [] }),
    modules: {
      tickets: {
        resolvers: {
          Query: {
            ticket: (_: unknown, args: { id: string }, ctx: { tickets: TicketService }) => ({ id: args.id, status: ctx.tickets.status(args.id) }),
            // The argument arrives as its internal value.
            tickets: (_: unknown, args: { status: string }) => [args.status],
          },
          ...extra,
        },
        services: { tickets: TicketService },
      },
      notes: {
        resolvers: { Query: { noteCount: (_: unknown, __: unknown, ctx: { tickets: TicketService }) => ctx.tickets.noteCount() } },
        services: { notes: NoteService },
      },
      // A module with resolvers only adds nothing to the context (and takes nothing from its type).
      about: { resolvers: { Query: { about: () => 'tickets' } } },
    },
  });
}

describe('defineSubgraph', () => {
  it('builds the context from the deps, the caller, the loaders and every module service, each given that context', () => {
    const store = new Map([['t1', 'needs_action']]);
    const ctx = define().createContext({ store }, caller, rootLogger);
    expect(ctx.caller).toBe(caller);
    expect(ctx.store).toBe(store);
    expect(ctx.loaders.notes).toEqual(['a', 'b']);
    expect(ctx.tickets).toBeInstanceOf(TicketService);
    expect(ctx.tickets.status('t1')).toBe('needs_action');
    expect(ctx.tickets.noteCount()).toBe(2);
    expect(Object.keys(ctx).sort()).toEqual(['caller', 'loaders', 'log', 'notes', 'store', 'tickets']);
  });

  it('maps every enum of the SDL to its lower-case internal value, out and in', async () => {
    const subgraph = define();
    const schema = buildSubgraphSchema(subgraph.modules);
    const contextValue = subgraph.createContext({ store: new Map([['t1', 'needs_action'], ['t2', 'CLOSED']]) }, caller, rootLogger);
    const run = (source: string) => graphql({ schema, source, contextValue });
    expect(await run('{ ticket(id: "t1") { id status } tickets(status: NEEDS_ACTION) noteCount about }')).toEqual({
      data: { ticket: { id: 't1', status: 'NEEDS_ACTION' }, tickets: ['needs_action'], noteCount: 2, about: 'tickets' },
    });
    // A stored value that is not an internal value of the enum is an error, never passed through.
    const wrong = await run('{ ticket(id: "t2") { status } }');
    expect(wrong.data).toEqual({ ticket: null });
    expect(wrong.errors?.[0].message).toMatch(/Enum "TicketStatus" cannot represent value: "CLOSED"/);
  });

  it('refuses a module that maps an enum by hand, and two services of one name', () => {
    expect(() => define({ TicketStatus: { OPEN: 'OPEN' } })).toThrow('module tickets: enum TicketStatus is mapped by its resolvers');
    expect(() => defineSubgraph({
      dir,
      loaders: () => ({}),
      modules: { tickets: { resolvers: {}, services: { x: TicketService } }, notes: { resolvers: {}, services: { x: NoteService } } },
    })).toThrow('module notes: the context already has a service named x');
  });
});
