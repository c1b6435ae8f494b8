// Migrations are named after what they change (README, "Migrations"): `<14-digit stamp>_<what>` in
// lower snake case, never a generic name, one stamp per migration (the stamp orders them). The
// runner keys applied migrations on these names, so the `*_init` migrations that created each
// schema keep theirs.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SUBGRAPHS } from '@bacbos/common';

const root = join(__dirname, '..', '..');
const NAME = /^(\d{14})_([a-z][a-z0-9]*(?:_[a-z0-9]+)*)$/;
const GENERIC = ['init', 'update', 'updates', 'change', 'changes', 'fix', 'fixes', 'misc', 'wip', 'migration', 'schema', 'tmp', 'temp', 'new'];
/** The first migration of each schema: applied everywhere under this name, never renamed. */
const CREATED_SCHEMA = '20261125000000_init';

/** Every reason a migration directory's name breaks the rule. */
function namingProblems(name: string): string[] {
  const match = NAME.exec(name);
  if (!match) return [`${name}: not <14-digit stamp>_<what it changes, lower snake case>`];
  const what = match[2];
  if (name !== CREATED_SCHEMA && what.split('_').every((word) => GENERIC.includes(word))) return [`${name}: "${what}" says nothing about what it changes`];
  return [];
}

/** Stamps used by more than one migration: their order would depend on the names after them. */
const sharedStamps = (names: string[]): string[] =>
  [...new Set(names.map((name) => name.slice(0, 14)))].filter((stamp) => names.filter((name) => name.startsWith(`${stamp}_`)).length > 1);

describe('migration names', () => {
  it.each(SUBGRAPHS.map((s) => [s]))('%s: every migration is named <timestamp>_<what it changes>', (subgraph) => {
    const dir = join(root, 'prisma', subgraph, 'migrations');
    const names = readdirSync(dir).filter((entry) => statSync(join(dir, entry)).isDirectory());
    // Schemas created before the rule keep their `_init`; a newer one (search) is named like any other.
    if (names.sort()[0] <= CREATED_SCHEMA) expect(names).toContain(CREATED_SCHEMA);
    expect(names.flatMap(namingProblems)).toEqual([]);
    expect(sharedStamps(names)).toEqual([]);
  });

  it('refuses generic and unstamped names, and two migrations of one stamp', () => {
    expect(namingProblems('20261207090000_sheets_named_range_comment')).toEqual([]);
    expect(namingProblems('20261207090000_init')).toEqual(['20261207090000_init: "init" says nothing about what it changes']);
    expect(namingProblems('20261207090000_misc_fixes')).toEqual(['20261207090000_misc_fixes: "misc_fixes" says nothing about what it changes']);
    expect(namingProblems('add_column')).toHaveLength(1);
    expect(namingProblems('20261207090000_AddColumn')).toHaveLength(1);
    expect(namingProblems('2026120709_calendar_colour')).toHaveLength(1);
    expect(sharedStamps(['20261207090000_calendar_colour', '20261207090000_mail_quota', '20261207100000_mail_quota_default'])).toEqual(['20261207090000']);
  });
});
