// The remembered operation cost is the cost computed afresh: per page size a client asks for (a
// variable, a literal, the default), per operation of a document, and per schema.
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { OperationCostCache, listSizeVariables, operationCost } from './cost';

const schema = buildSchema(`
  type Contact { id: ID! name: String leads(first: Int = 5): [Lead!]! }
  type Lead { id: ID! title: String }
  type Query { contacts(first: Int, after: String): [Contact!]! me: Contact }
`);
const document = parse(`
  query Page($first: Int, $leads: Int, $after: String) { contacts(first: $first, after: $after) { id name leads(first: $leads) { id title } } }
  query Fixed { contacts(first: 3) { id } }
  query Me { me { id name } }
`);
const operation = (name: string) => document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === name)!;

describe('the operation cost cache', () => {
  it('reads only the list-size variables', () => {
    expect(listSizeVariables(schema, document)).toEqual(['first', 'leads']);
  });

  it('gives the fresh cost for every page size, operation and schema, however often asked', () => {
    const cache = new OperationCostCache();
    const cases: [string, Record<string, unknown>][] = [
      ['Page', { first: 20 }], ['Page', { first: 20, after: 'abc' }], ['Page', { first: 50, leads: 2 }], ['Page', {}], ['Page', { first: null }],
      ['Page', { first: 'twenty' }], ['Fixed', { first: 90 }], ['Me', {}],
    ];
    for (let round = 0; round < 2; round += 1) {
      for (const [name, variables] of cases) {
        expect(cache.cost(schema, document, operation(name), variables)).toBe(operationCost(schema, document, operation(name), variables));
      }
    }
    // A different page is a different cost: the key holds the variables' values.
    expect(cache.cost(schema, document, operation('Page'), { first: 50 })).toBeGreaterThan(cache.cost(schema, document, operation('Page'), { first: 2 }));
    const wider = buildSchema(`type Contact { id: ID! name: String leads(first: Int = 50): [Lead!]! } type Lead { id: ID! title: String } type Query { contacts(first: Int, after: String): [Contact!]! me: Contact }`);
    expect(cache.cost(wider, document, operation('Page'), { first: 20 })).toBe(operationCost(wider, document, operation('Page'), { first: 20 }));
    expect(cache.cost(wider, document, operation('Page'), { first: 20 })).not.toBe(cache.cost(schema, document, operation('Page'), { first: 20 }));
  });
});
