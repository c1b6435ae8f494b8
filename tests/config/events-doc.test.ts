// EVENTS.md's topic and subscription tables are printed from the manifest and the streams'
// declarations (scripts/events-doc.ts): the committed document must be what they print, and the
// check that scripts/test.sh runs must refuse a stale copy.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_TOPICS, SUBGRAPH_MANIFEST } from '@bacbos/common';
import { EVENTS_MD, documentedTable, subscriptionTable, topicTable } from '../../scripts/events-doc';

const root = join(__dirname, '..', '..');
const check = (file: string) => {
  try {
    execFileSync('npx', ['tsx', 'scripts/events-doc.ts', '--check', file], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, stderr: '' };
  } catch (error) {
    const e = error as { status: number; stderr: string };
    return { status: e.status, stderr: e.stderr };
  }
};

describe('EVENTS.md tables (npm run docs:events)', () => {
  const text = readFileSync(EVENTS_MD, 'utf8');

  it('the topic table is the manifest: every subgraph topic, search marked as writing none', () => {
    expect(documentedTable(text, 'topics')).toBe(topicTable());
    for (const topic of ALL_TOPICS) expect(topicTable()).toContain(`| \`${topic}\` |`);
    const silent = SUBGRAPH_MANIFEST.filter((s) => !s.outbox).map((s) => s.name);
    expect(silent).toEqual(['search']);
    expect(topicTable()).toContain('| `bacbos.search.events` | none: search writes no events');
  });

  it('the subscription table is the declared streams, with their event types', () => {
    expect(documentedTable(text, 'subscriptions')).toBe(subscriptionTable());
    expect(subscriptionTable()).toContain('| `contactEvents` | crm | `crm.contact.created`, `crm.contact.updated`, `crm.contact.deleted` | every Contact of the tenant | no |');
    expect(subscriptionTable()).toContain('| `documentActivity` | office |');
  });

  it('--check refuses a stale copy, naming the table, and accepts the committed one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'events-doc-'));
    try {
      const stale = join(dir, 'EVENTS.md');
      writeFileSync(stale, text.replace(/^\| `bacbos\.hr\.events` .*\n/m, ''));
      const refused = check(stale);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('the topics table(s) are stale; run `npm run docs:events`');
      expect(check(EVENTS_MD).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
