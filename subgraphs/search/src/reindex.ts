// Rebuilds one tenant's index from the owning subgraphs with a caller the gateway's secret signs
// (never their tables): through their GraphQL, contacts with their leads and opportunities (crm),
// documents with their readers (office), employees (hr), users (platform); through office's
// internal search listing (GraphQL lists no one's mail to another user), spreadsheets,
// presentations, drive files with their access lists, every mail copy with its reader and
// calendar events with theirs. Each object goes through the indexer's own mapping (operationsOf)
// as if its latest event had arrived, at position 0, so any event that arrives meanwhile or later
// wins over the reindexed state.
import { randomUUID } from 'node:crypto';
import { CONTEXT_HEADER, GATED_MODULES, plainText, signCallerIdentitySync, type CallerIdentity, type EventEnvelope } from '@bacbos/common';
import type { SearchEngine } from './engine/engine';
import { operationsOf } from './indexer';

export type SubgraphUrls = Record<'crm' | 'office' | 'hr' | 'platform', string>;

interface Page<T> { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: T }[] }

const QUERIES = {
  crm: `query SearchReindexContacts($after: String) { page: contacts(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
    id firstName lastName email company title phone tags
    leads { id title source status tags } opportunities { id name stage amount currency } } } } }`,
  office: `query SearchReindexDocuments($after: String) { page: documents(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
    id title content owner { id } collaborators { user { id } } } } } }`,
  hr: `query SearchReindexEmployees($after: String) { page: employees(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
    id firstName lastName email employeeNumber department position } } } }`,
  platform: `query SearchReindexUsers($after: String) { page: users(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node {
    id email firstName lastName } } } }`,
} as const;

/** The reindex acts as the tenant's administrator: every module, every permission (`*` includes office:admin). */
const reindexCaller = (tenantId: string): CallerIdentity => ({
  kind: 'api_key', tenantId, userId: null, sessionId: null, apiKeyId: null, permissions: ['*'], modules: [...GATED_MODULES],
  ipAddress: null, userAgent: 'search-reindex', requestId: randomUUID(),
});

async function* pages<T>(url: string, query: string, tenantId: string, secret: string): AsyncGenerator<T[]> {
  let after: string | null = null;
  for (;;) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: signCallerIdentitySync(reindexCaller(tenantId), secret) },
      body: JSON.stringify({ query, variables: { after } }),
    });
    const body = (await res.json()) as { data?: { page: Page<T> }; errors?: { message: string }[] };
    if (!body.data?.page) throw new Error(`reindex: ${url} answered ${res.status}: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
    yield body.data.page.edges.map((e) => e.node);
    if (!body.data.page.pageInfo.hasNextPage) return;
    after = body.data.page.pageInfo.endCursor;
  }
}

/** office's internal listings (subgraphs/office/src/search-listing.ts), in the order they are read. */
const OFFICE_LISTINGS = ['spreadsheets', 'presentations', 'files', 'emails', 'events'] as const;

/** The pages of one office listing: each item is an event type and the data that event would carry. */
async function* officeListing(graphqlUrl: string, kind: string, tenantId: string, secret: string): AsyncGenerator<{ type: string; data: Record<string, unknown> }[]> {
  const base = graphqlUrl.replace(/\/graphql$/, '/internal/search-listing/');
  let after: string | null = null;
  for (;;) {
    const res = await fetch(`${base}${kind}${after ? `?after=${after}` : ''}`, {
      headers: { [CONTEXT_HEADER]: signCallerIdentitySync(reindexCaller(tenantId), secret) },
    });
    const body = (await res.json().catch(() => null)) as { items?: { type: string; data: Record<string, unknown> }[]; next?: string | null } | null;
    if (!res.ok || !Array.isArray(body?.items)) throw new Error(`reindex: office's ${kind} listing answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    yield body.items;
    if (!body.next) return;
    after = body.next;
  }
}

/** An event-shaped record of an object's current state, for the indexer's mapping. */
const stateOf = (tenantId: string, type: string, data: Record<string, unknown>): EventEnvelope => ({
  id: randomUUID(), seq: '0', source: type.split('.')[0], tenantId, type, aggregateType: '', aggregateId: String(data.id),
  actor: { userId: null, apiKeyId: null }, occurredAt: new Date().toISOString(), version: 1, payload: { data },
});

export async function reindexTenant(options: { tenantId: string; engine: SearchEngine; urls: SubgraphUrls; secret: string; log?: (line: string) => void }): Promise<Record<string, number>> {
  const { tenantId, engine, urls, secret } = options;
  const counts: Record<string, number> = {};
  const put = async (events: EventEnvelope[]) => {
    const documents = events.flatMap(operationsOf).flatMap((o) => (o.kind === 'index' ? [o.document] : []));
    for (const d of documents) counts[d.type] = (counts[d.type] ?? 0) + 1;
    await engine.index(documents);
  };
  await engine.dropTenant(tenantId);
  type Contact = Record<string, unknown> & { leads: Record<string, unknown>[]; opportunities: Record<string, unknown>[] };
  for await (const contacts of pages<Contact>(urls.crm, QUERIES.crm, tenantId, secret)) {
    await put(contacts.flatMap((c) => [
      stateOf(tenantId, 'crm.contact.updated', c),
      ...c.leads.map((l) => stateOf(tenantId, 'crm.lead.created', l)),
      ...c.opportunities.map((o) => stateOf(tenantId, 'crm.opportunity.moved', o)),
    ]));
  }
  type Doc = { id: string; title: string; content: unknown; owner: { id: string } | null; collaborators: { user: { id: string } | null }[] };
  for await (const docs of pages<Doc>(urls.office, QUERIES.office, tenantId, secret)) {
    await put(docs.map((d) => stateOf(tenantId, 'office.document.edited', {
      id: d.id, title: d.title, text: plainText(d.content), ownerId: d.owner?.id,
      readerIds: [d.owner?.id, ...d.collaborators.map((c) => c.user?.id)].filter(Boolean),
    })));
  }
  for (const kind of OFFICE_LISTINGS) {
    for await (const items of officeListing(urls.office, kind, tenantId, secret)) {
      await put(items.map((item) => stateOf(tenantId, item.type, item.data)));
    }
  }
  for await (const employees of pages<Record<string, unknown>>(urls.hr, QUERIES.hr, tenantId, secret)) {
    await put(employees.map((e) => stateOf(tenantId, 'hr.employee.created', e)));
  }
  for await (const users of pages<Record<string, unknown>>(urls.platform, QUERIES.platform, tenantId, secret)) {
    await put(users.map((u) => stateOf(tenantId, 'platform.user.updated', u)));
  }
  options.log?.(`search:reindex: tenant ${tenantId}: ${Object.entries(counts).map(([t, n]) => `${n} ${t}`).join(', ') || 'nothing'} indexed`);
  return counts;
}
