// GraphQL Code Generator: resolver types for each subgraph, from its composed SDL
// (schema/subgraphs/<name>.graphql, written by `npm run compose`), into
// subgraphs/<name>/src/generated/graphql.ts (committed). `npm run codegen` writes them;
// `npm run codegen -- --check` fails when one is stale (scripts/test.sh runs it). Both are silent but
// for stale files; `npx graphql-codegen --config codegen.ts` shows the details of a failure.
//
// Resolvers are typed against what they really hold: an object type backed by a Prisma model of
// the same name is typed as that row (the default resolvers read its columns), the rows and views
// named in MAPPERS below likewise, and an entity the subgraph does not own is the reference the
// gateway sends (`{ __typename, id }`). Enum values are their lower-case names inside (enums.ts).
import type { CodegenConfig } from '@graphql-codegen/cli';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type DocumentNode } from 'graphql';
// The rule alone (no runtime of @bacbos/common is loaded for generating).
import { internalEnumValue } from '@bacbos/common/enums';

const root = __dirname;

/** Types whose resolvers hold something else than the Prisma model of the same name (paths from src/generated/). */
const MAPPERS: Record<string, Record<string, string>> = {
  platform: {
    User: '../db#UserView',
    BillingSubscription: './prisma/client#Subscription',
    PlatformEvent: '../modules/events/platform-events.stream#PlatformEventView',
  },
  crm: {
    ContactEvent: '../modules/events/contact-events.stream#ContactEventView',
  },
  office: {
    Folder: '../modules/drive/drive.service#FolderView',
    FileShare: './prisma/client#Share',
    DriveActivity: './prisma/client#Activity',
    CalendarEvent: './prisma/client#Event',
    AgendaItem: '../modules/calendar/calendar.service#AgendaItem',
    EmailAttachment: './prisma/client#Attachment',
    RoomParticipant: '../modules/meet/room.service#ParticipantView',
    ChatMessage: '../modules/meet/room.service#MessageView',
    Cell: '../modules/sheets/sheet.service#CellView',
    RoomEvent: '../modules/meet/room-events.stream#RoomEventView',
    DocumentActivityEvent: '../modules/writer/activity.stream#DocumentActivityView',
    CellsChangedEvent: '../modules/sheets/cells-changed.stream#CellsChangedView',
  },
  identity: {},
  hr: {},
  search: {
    SearchConnection: '../modules/search/search.service#SearchPage',
  },
};

/** Each subgraph's request context is `<Name>Context`, derived in its src/subgraph.ts by defineSubgraph (e.g. CrmContext). */
const contextType = (name: string) => `../subgraph#${name.charAt(0).toUpperCase()}${name.slice(1)}Context`;

/** The contract's scalars as resolvers receive them (input) and may return them (output), see packages/common/src/scalars.ts. */
const SCALARS = {
  DateTime: { input: 'Date', output: 'Date | string' },
  Date: { input: 'string', output: 'Date | string' },
  Decimal: { input: 'string', output: 'string | number | { toFixed(digits: number): string }' },
  BigInt: { input: 'bigint', output: 'bigint | number | string' },
  JSON: { input: 'unknown', output: 'unknown' },
};

/** The model names of a subgraph's Prisma schema (one file or a folder of them). */
function prismaModels(dir: string): string[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.prisma') && statSync(join(dir, f)).isFile());
  return files.flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1]));
}

function subgraphConfig(name: string) {
  const sdl: DocumentNode = parse(readFileSync(join(root, 'schema/subgraphs', `${name}.graphql`), 'utf8'));
  const objects = sdl.definitions.filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION);
  const models = new Set(prismaModels(join(root, 'prisma', name)));
  const mappers: Record<string, string> = {};
  const fieldType = (typeName: string, field: string) => {
    const type = objects.find((o) => o.name.value === typeName);
    let t = type?.fields?.find((f) => f.name.value === field)?.type;
    while (t && t.kind !== Kind.NAMED_TYPE) t = t.type;
    return t?.name.value;
  };
  for (const type of objects) {
    const typeName = type.name.value;
    const isEntity = type.directives?.some((d) => d.name.value === 'key');
    const edge = fieldType(typeName, 'edges');
    const node = edge && fieldType(typeName, 'pageInfo') ? fieldType(edge, 'node') : undefined;
    if (MAPPERS[name]?.[typeName]) mappers[typeName] = MAPPERS[name][typeName];
    // A Relay connection is what paginate() returns (totalCount counted only when selected).
    else if (node) mappers[typeName] = `Connection<ResolversParentTypes['${node}']>`;
    else if (models.has(typeName)) mappers[typeName] = `./prisma/client#${typeName}`;
    // An entity owned elsewhere: this subgraph only ever holds (and returns) its reference.
    else if (isEntity) mappers[typeName] = `{ __typename?: '${typeName}'; id: string }`;
  }
  const enums = sdl.definitions.filter((d) => d.kind === Kind.ENUM_TYPE_DEFINITION);
  const enumValues = Object.fromEntries(enums.map((d) => [d.name.value, Object.fromEntries((d.values ?? []).map((v) => [v.name.value, internalEnumValue(v.name.value)]))]));
  // Resolvers return an enum as its internal values (the generated union); without this mapper the
  // plugin types enum fields with explicit values as `null`.
  for (const d of enums) mappers[d.name.value] = d.name.value;
  return {
    schema: `schema/subgraphs/${name}.graphql`,
    plugins: [
      { add: { content: [`// Generated by \`npm run codegen\` (codegen.ts) from schema/subgraphs/${name}.graphql: do not edit.`, "import type { Connection } from '@bacbos/common';"] } },
      'typescript',
      'typescript-resolvers',
    ],
    config: {
      federation: true,
      useTypeImports: true,
      enumsAsTypes: true,
      contextType: contextType(name),
      mappers,
      enumValues,
      scalars: SCALARS,
      showUnusedMappers: false,
      // A Prisma row keeps its model's name with this suffix (Contact -> ContactModel) beside the GraphQL type.
      mapperTypeSuffix: 'Model',
    },
  };
}

const subgraphs = readdirSync(join(root, 'schema/subgraphs')).filter((f) => f.endsWith('.graphql')).map((f) => f.replace(/\.graphql$/, '')).sort();

const config: CodegenConfig = {
  overwrite: true,
  generates: Object.fromEntries(subgraphs.map((name) => [`subgraphs/${name}/src/generated/graphql.ts`, subgraphConfig(name)])),
};

export default config;
