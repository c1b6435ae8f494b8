// The one list of the platform's subgraphs and of the tenant modules they serve. Everything that
// names them is derived from here: the configuration catalog (SUBGRAPHS, ports, `<SUBGRAPH>_*`
// variables), the event topics, the gated modules, the permission pattern of roles, API keys and
// OAuth scopes, the system roles' permissions, sign-up's enabled modules, the scripts' subgraph
// list (scripts/subgraphs.ts), the processes of a deployment (scripts/processes.ts: topology,
// docker-compose.yml) and the tests' lists. ARCHITECTURE.md, "Adding a module", walks through it.
//
// Conventions a subgraph named `x` follows (nothing else spells them): its package `@bacbos/x` in
// subgraphs/x/ exports `xModules` and `xSubgraph` from src/index.ts and starts from src/main.ts;
// its Prisma schema and migrations are in prisma/x/; it owns the Postgres schema `x`; its outbox
// is published to the Kafka topic `bacbos.x.events`; `X_PORT`, `X_DATABASE_URL`,
// `X_APP_DATABASE_URL` and `X_SUBGRAPH_URL` configure it.
import { topicFor } from './events/envelope';

/** The roles sign-up creates besides `owner`, which holds `*`. */
export const SYSTEM_ROLES_BESIDES_OWNER = ['admin', 'member', 'viewer'] as const;
export type SystemRole = (typeof SYSTEM_ROLES_BESIDES_OWNER)[number];

export interface SubgraphSpec {
  /** HTTP port when `<NAME>_PORT` is unset; compose and the topology use it too. */
  readonly port: number;
  /** Keeps `<schema>.directory_users`, its replica of the platform's users (packages/common/src/directory.ts). */
  readonly userDirectory?: boolean;
  /** Writes no events of its own (search): no outbox table, no relay; its topic stays empty. */
  readonly outbox?: false;
}

export interface ModuleSpec {
  /** The subgraph that serves the module's operations. */
  readonly subgraph: SubgraphName;
  /** A tenant switches it on and off (`tenant.enabledModules`); sign-up enables every gated module. */
  readonly gated: boolean;
  /** Its actions (`<module>:<action>`), in order, each with the system roles that hold it from sign-up. */
  readonly actions: Readonly<Record<string, readonly SystemRole[]>>;
}

/** In the order of their ports. */
const SUBGRAPH_SPECS = {
  platform: { port: 4001 },
  crm: { port: 4002, userDirectory: true },
  office: { port: 4003, userDirectory: true },
  identity: { port: 4004 },
  hr: { port: 4005, userDirectory: true },
  // Indexes every module's events; owns no tenant module (each hit is gated by its owner's module).
  search: { port: 4006, outbox: false },
} as const satisfies Record<string, SubgraphSpec>;

export type SubgraphName = keyof typeof SUBGRAPH_SPECS;

const EVERY_ROLE = SYSTEM_ROLES_BESIDES_OWNER;
const MEMBERS = ['admin', 'member'] as const;
const ADMINS = ['admin'] as const;

/**
 * The tenant modules: the `<module>` of permission strings and the names `tenant.enabledModules`
 * holds. In the order tenants see them: sign-up's enabled modules and the system roles' permissions
 * list them in this order.
 */
const MODULE_SPECS = {
  platform: { subgraph: 'platform', gated: false, actions: { admin: ADMINS, read: EVERY_ROLE } },
  crm: { subgraph: 'crm', gated: true, actions: { read: EVERY_ROLE, write: MEMBERS } },
  office: { subgraph: 'office', gated: true, actions: { read: EVERY_ROLE, write: MEMBERS } },
  hr: { subgraph: 'hr', gated: true, actions: { read: EVERY_ROLE, write: ADMINS, approve: ADMINS } },
  identity: { subgraph: 'identity', gated: true, actions: { read: EVERY_ROLE, write: ADMINS } },
} as const satisfies Record<string, ModuleSpec>;

type Modules = typeof MODULE_SPECS;
export type ModuleName = keyof Modules;
export type GatedModuleName = { [M in ModuleName]: Modules[M]['gated'] extends true ? M : never }[ModuleName];
/** A permission a service checks: `<module>:<action>` of an action the manifest declares. */
export type Permission = { [M in ModuleName]: `${M}:${keyof Modules[M]['actions'] & string}` }[ModuleName];
/** Subgraphs that keep a replica of the platform's users. */
export type DirectorySubgraph = { [S in SubgraphName]: (typeof SUBGRAPH_SPECS)[S] extends { userDirectory: true } ? S : never }[SubgraphName];

export interface SubgraphEntry {
  name: SubgraphName;
  port: number;
  /** The Postgres schema it owns (row-level security on every table, its own outbox). */
  schema: string;
  /** The Kafka topic its outbox relay publishes to; the key is the aggregate id. */
  topic: string;
  /** The npm workspace package and its folder. */
  packageName: string;
  dir: string;
  userDirectory: boolean;
  /** Has an outbox and publishes its events to `topic` (all but search). */
  outbox: boolean;
}

/** Every subgraph, in the order of their ports. */
export const SUBGRAPH_MANIFEST: readonly SubgraphEntry[] = (Object.entries(SUBGRAPH_SPECS) as [SubgraphName, SubgraphSpec][]).map(([name, spec]) => ({
  name,
  port: spec.port,
  schema: name,
  topic: topicFor(name),
  packageName: `@bacbos/${name}`,
  dir: `subgraphs/${name}`,
  userDirectory: spec.userDirectory ?? false,
  outbox: spec.outbox ?? true,
}));

export const SUBGRAPHS = SUBGRAPH_MANIFEST.map((s) => s.name) as readonly SubgraphName[];

export const subgraphEntry = (name: SubgraphName): SubgraphEntry => SUBGRAPH_MANIFEST.find((s) => s.name === name)!;

export interface ModuleEntry extends ModuleSpec {
  name: ModuleName;
  /** `<module>:<action>` for each of its actions. */
  permissions: Permission[];
}

/** Every tenant module, in the order tenants see them. */
export const MODULE_MANIFEST: readonly ModuleEntry[] = (Object.entries(MODULE_SPECS) as [ModuleName, ModuleSpec][]).map(([name, spec]) => ({
  name,
  ...spec,
  permissions: Object.keys(spec.actions).map((action) => `${name}:${action}` as Permission),
}));

/** Modules a tenant can switch on and off (`platform` is always on); sign-up enables them all. */
export const GATED_MODULES = MODULE_MANIFEST.filter((m) => m.gated).map((m) => m.name) as GatedModuleName[];

/** Every event topic, one per subgraph. */
export const ALL_TOPICS = SUBGRAPH_MANIFEST.map((s) => s.topic);

/**
 * The one permission pattern of roles, API key scopes and OAuth client scopes: `*` (everything), or
 * `<module>:<action>` with a module of the manifest and an action of `[a-z_]` (or `*`, all actions).
 * Actions are not limited to the declared ones, so a role may carry one a later release checks.
 */
export const PERMISSION_PATTERN = new RegExp(`^(\\*|(${MODULE_MANIFEST.map((m) => m.name).join('|')}):([a-z_]{1,50}|\\*))$`);

/** What a bad permission string is told: "each must be * or <module>:<action> with module platform, crm, ... or identity". */
export const PERMISSION_FORMAT = `* or <module>:<action> with module ${MODULE_MANIFEST.slice(0, -1).map((m) => m.name).join(', ')} or ${MODULE_MANIFEST.at(-1)!.name}`;

export const isPermissionString = (value: unknown): value is string => typeof value === 'string' && PERMISSION_PATTERN.test(value);

/** The permissions a system role gets at sign-up, module by module in manifest order (`owner` holds `*`). */
export function systemRolePermissions(role: SystemRole | 'owner'): string[] {
  if (role === 'owner') return ['*'];
  return MODULE_MANIFEST.flatMap((m) => Object.entries(m.actions).filter(([, roles]) => roles.includes(role)).map(([action]) => `${m.name}:${action}`));
}
