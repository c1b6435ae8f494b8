// `npm run schema:check`: a schema change that breaks what an operation of the client contract uses
// fails, naming the change and the operations; additive changes pass; breaking changes to what no
// contract operation uses are warnings only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, Kind, parse, print, printSchema, visit, type ASTVisitor, type GraphQLSchema, type ObjectTypeDefinitionNode } from 'graphql';
import { apiSchema, checkSchemaChange, contractOperations, failed, report, usedCoordinates } from '../../scripts/schema-check';

const root = join(__dirname, '..', '..');
const base = apiSchema(readFileSync(join(root, 'schema', 'supergraph.graphql'), 'utf8'));
const operations = contractOperations();
const baseSdl = printSchema(base);

/** The base schema with `edit` applied to its SDL's AST. */
const edited = (edit: ASTVisitor): string => print(visit(parse(baseSdl), edit));
/** The fields of `type X { ... }`, as AST nodes to splice into the base schema. */
const fieldsOf = (sdl: string) => (parse(`type X { ${sdl} }`).definitions[0] as ObjectTypeDefinitionNode).fields!;
const withoutField = (typeName: string, fieldName: string) =>
  edited({
    ObjectTypeDefinition: (node) => (node.name.value === typeName ? { ...node, fields: node.fields?.filter((f) => f.name.value !== fieldName) } : undefined),
  });

async function check(sdl: string) {
  const result = await checkSchemaChange(base, buildSchema(sdl), operations);
  return { result, text: report('supergraph', result).join('\n') };
}

describe('the breaking-change check', () => {
  it('fails on a removed field the contract uses, naming the field and the operations using it', async () => {
    const { result, text } = await check(withoutField('Contact', 'email'));
    expect(failed(result)).toBe(true);
    const broken = result.broken.find((b) => b.change.path === 'Contact.email');
    expect(broken?.operations).toEqual(expect.arrayContaining(['crm.graphql CreateContact', 'crm.graphql Contacts', 'crm.graphql Contact']));
    expect(text).toMatch(/Field 'email' .*removed from object type 'Contact'.*\[Contact\.email\]/);
    expect(text).toMatch(/used by .*crm\.graphql CreateContact/);
    expect(result.invalidated.map((i) => i.operation)).toContain('crm.graphql CreateContact');
  });

  it('fails on a new required argument of a field the contract uses, and on a removed enum value it may send', async () => {
    const required = await check(edited({
      FieldDefinition: (node, _key, _parent, _path, ancestors) => {
        const owner = ancestors[ancestors.length - 1] as { kind: string; name?: { value: string } };
        if (owner.kind !== Kind.OBJECT_TYPE_DEFINITION || owner.name?.value !== 'Query' || node.name.value !== 'contacts') return undefined;
        return { ...node, arguments: [...(node.arguments ?? []), fieldsOf('f(region: String!): Int')[0].arguments![0]] };
      },
    }));
    expect(failed(required.result)).toBe(true);
    expect(required.result.broken.map((b) => b.change.path)).toContain('Query.contacts.region');
    expect(required.result.broken.find((b) => b.change.path === 'Query.contacts.region')!.operations).toContain('crm.graphql Contacts');

    const enumValue = await check(edited({
      EnumTypeDefinition: (node) => (node.name.value === 'ContactOrderField' ? { ...node, values: node.values?.filter((v) => v.name.value !== 'COMPANY') } : undefined),
    }));
    expect(failed(enumValue.result)).toBe(true);
    expect(enumValue.text).toMatch(/COMPANY.*\[ContactOrderField\.COMPANY\]/);
  });

  it('passes an additive change: a new type, a new field, a new optional argument', async () => {
    const sdl = `${edited({
      ObjectTypeDefinition: (node) =>
        node.name.value === 'Contact' ? { ...node, fields: [...(node.fields ?? []), ...fieldsOf('nickname(style: String): String')] } : undefined,
    })}\ntype Badge { id: ID! label: String! }\nextend type Query { badges: [Badge!]! }\n`;
    const { result, text } = await check(sdl);
    expect(failed(result)).toBe(false);
    expect(result.broken).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(text).toBe('');
  });

  it('only warns on a breaking change to a field no contract operation uses', async () => {
    const used = new Set(operations.flatMap((op) => [...usedCoordinates(base, op.document)]));
    const unused = Object.keys(base.getQueryType()!.getFields()).find((name) => !used.has(`Query.${name}`));
    expect(unused).toBeDefined();
    const { result, text } = await check(withoutField('Query', unused!));
    expect(failed(result)).toBe(false);
    expect(result.warnings.map((w) => w.change.path)).toContain(`Query.${unused}`);
    expect(text).toMatch(/warning/);
  });
});

describe('npm run schema:check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schema-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (next: GraphQLSchema | string) => {
    writeFileSync(join(dir, 'base.graphql'), baseSdl);
    writeFileSync(join(dir, 'next.graphql'), typeof next === 'string' ? next : printSchema(next));
    return spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['scripts/schema-check.ts', '--base', join(dir, 'base.graphql'), '--next', join(dir, 'next.graphql')], { cwd: root, encoding: 'utf8' });
  };

  it('exits 1 and prints what broke on a removed field the contract uses; exits 0 when nothing changed', () => {
    const broken = run(withoutField('Contact', 'email'));
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/breaking change\(s\) to what the contract uses/);
    expect(broken.stdout).toMatch(/\[Contact\.email\]/);
    expect(broken.stdout).toMatch(/FAILED/);
    const same = run(base);
    expect(same.stdout).toMatch(/no breaking change to what the \d+ contract operations use/);
    expect(same.status).toBe(0);
  });
});
