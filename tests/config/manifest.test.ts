// The subgraph manifest (packages/common/src/manifest.ts): what it derives is what tenants and
// operators saw before it existed, and every subgraph it names follows the conventions the scripts
// rely on (a folder, a package exporting its modules, a Prisma schema in its own Postgres schema),
// while no subgraph folder exists outside it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_TOPICS, DEFAULT_PORTS, GATED_MODULES, MODULE_MANIFEST, PERMISSION_FORMAT, PERMISSION_PATTERN, SUBGRAPHS, SUBGRAPH_MANIFEST, authorize,
  anonymousCaller, systemRolePermissions,
} from '@bacbos/common';
import { SUBGRAPH_ENTRIES } from '../../scripts/subgraphs';

const root = join(__dirname, '..', '..');

// What tenants and operators saw before the manifest, for the modules and subgraphs of then; a
// module or subgraph added later adds to these lists without changing them.
const MODULES_BEFORE = ['platform', 'crm', 'office', 'hr', 'identity'];
const ofModulesBefore = (permissions: string[]) => permissions.filter((p) => p === '*' || MODULES_BEFORE.includes(p.split(':')[0]));

describe('what the manifest derives', () => {
  it('gives the system roles the permissions of the contract, module by module', () => {
    expect(systemRolePermissions('owner')).toEqual(['*']);
    expect(ofModulesBefore(systemRolePermissions('admin'))).toEqual(['platform:admin', 'platform:read', 'crm:read', 'crm:write', 'office:read', 'office:write', 'hr:read', 'hr:write', 'hr:approve', 'identity:read', 'identity:write']);
    expect(ofModulesBefore(systemRolePermissions('member'))).toEqual(['platform:read', 'crm:read', 'crm:write', 'office:read', 'office:write', 'hr:read', 'identity:read']);
    expect(ofModulesBefore(systemRolePermissions('viewer'))).toEqual(['platform:read', 'crm:read', 'office:read', 'hr:read', 'identity:read']);
    // Every declared action is held by some system role besides the owner, and a viewer only reads.
    for (const module of MODULE_MANIFEST) for (const permission of module.permissions) expect(systemRolePermissions('admin')).toContain(permission);
    expect(systemRolePermissions('viewer').every((p) => p.endsWith(':read'))).toBe(true);
  });

  it('gates every module but platform, in the order sign-up enables them', () => {
    expect(GATED_MODULES.filter((m) => MODULES_BEFORE.includes(m))).toEqual(['crm', 'office', 'hr', 'identity']);
    expect(GATED_MODULES).not.toContain('platform');
  });

  it('has one permission pattern: * or <module>:<action> of a module of the manifest', () => {
    for (const ok of ['*', 'crm:read', 'hr:*', 'identity:write', 'platform:admin', `office:${'a'.repeat(50)}`, 'crm:some_action']) expect({ ok, valid: PERMISSION_PATTERN.test(ok) }).toEqual({ ok, valid: true });
    for (const bad of ['erp:read', 'crm:', ':read', 'crm:Read', 'crm:read ', 'crm', '**', 'crm:*:read', `office:${'a'.repeat(51)}`, 'crm:re-ad']) expect({ bad, valid: PERMISSION_PATTERN.test(bad) }).toEqual({ bad, valid: false });
    for (const module of MODULE_MANIFEST) expect(PERMISSION_PATTERN.test(`${module.name}:read`)).toBe(true);
    expect(PERMISSION_FORMAT.startsWith('* or <module>:<action> with module platform, crm, office, hr')).toBe(true);
    for (const module of MODULE_MANIFEST) expect(PERMISSION_FORMAT).toContain(module.name);
  });

  it('keeps the ports and topics operators know', () => {
    expect(SUBGRAPHS.slice(0, 5)).toEqual(['platform', 'crm', 'office', 'identity', 'hr']);
    expect(DEFAULT_PORTS).toMatchObject({ gateway: 4000, platform: 4001, crm: 4002, office: 4003, identity: 4004, hr: 4005 });
    expect(ALL_TOPICS).toEqual(SUBGRAPHS.map((s) => `bacbos.${s}.events`));
  });

  it('types the permission a service checks: an action the manifest lacks does not compile', () => {
    const caller = anonymousCaller();
    // @ts-expect-error `crm:raed` is no action of the crm module
    expect(() => authorize(caller, 'crm:raed')).toThrow();
    expect(() => authorize(caller, 'crm:read')).toThrow(/authenticat/i);
  });
});

describe('the subgraphs it names', () => {
  it('have distinct ports and topics, and each module is served by one of them', () => {
    const ports = [DEFAULT_PORTS.gateway, ...SUBGRAPH_MANIFEST.map((s) => s.port)];
    expect(new Set(ports).size).toBe(ports.length);
    expect(new Set(ALL_TOPICS).size).toBe(ALL_TOPICS.length);
    for (const module of MODULE_MANIFEST) expect(SUBGRAPHS).toContain(module.subgraph);
  });

  it.each(SUBGRAPH_MANIFEST.map((s) => [s.name, s] as const))('%s follows the conventions: package, entry point, Prisma schema in its own Postgres schema', (name, entry) => {
    const pkg = JSON.parse(readFileSync(join(root, entry.dir, 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe(entry.packageName);
    expect(existsSync(join(root, entry.dir, 'src', 'main.ts'))).toBe(true);
    const prismaDir = join(root, 'prisma', name);
    const prismaFiles = readdirSync(prismaDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.prisma'));
    expect(prismaFiles.some((f) => new RegExp(`schemas\\s*=\\s*\\["${entry.schema}"\\]`).test(readFileSync(join(prismaDir, f), 'utf8')))).toBe(true);
    expect(existsSync(join(prismaDir, 'migrations'))).toBe(true);
    // scripts/subgraphs.ts loaded its package by the convention (`<name>Modules`, `<name>Subgraph`).
    const loaded = SUBGRAPH_ENTRIES.find((e) => e.name === name)!;
    expect(loaded.modules.length).toBeGreaterThan(0);
    expect(loaded.create).toBeInstanceOf(Function);
  });

  it('are every subgraph folder: a folder the manifest does not name would never run', () => {
    const folders = readdirSync(join(root, 'subgraphs')).filter((d) => existsSync(join(root, 'subgraphs', d, 'package.json')));
    expect(folders.sort()).toEqual([...SUBGRAPHS].sort());
  });
});
