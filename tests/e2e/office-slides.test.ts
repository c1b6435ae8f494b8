// The contract's Slides operations (shared/contract/operations/office.graphql), end to end through
// the gateway: CreatePresentation (with a tenant theme), AddSlide (positions, elements, animations),
// Presentation, error codes, outbox/audit rows, and two-tenant isolation.
import { Client } from 'pg';
import { codeOf, contractOperation, gql, ok, signUpTenant, type TestTenant } from '../helpers/graphql';
import { outboxProbe } from '../helpers/outbox';
import { startPlatform, type RunningPlatform } from '../helpers/platform';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;
let themeA: string;
const { failsCleanly } = outboxProbe('office', () => db);

const NOBODY = '00000000-0000-4000-8000-000000000000';
const run = (name: string, variables: Record<string, unknown>, headers: Record<string, string> = a.headers) => gql(url, contractOperation('office', name), variables, headers);
const createPresentation = (title: string, themeId: string | null = null, headers = a.headers) => run('CreatePresentation', { title, themeId }, headers);
const addSlide = (presentationId: string, input: Record<string, unknown>, headers = a.headers) => run('AddSlide', { presentationId, input }, headers);
const presentation = (id: string, headers = a.headers) => run('Presentation', { id }, headers);

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'Slides A');
  b = await signUpTenant(url, 'Slides B');
  themeA = (await db.query("INSERT INTO office.themes (tenant_id, name, is_builtin) VALUES ($1, 'Ocean', true) RETURNING id", [a.tenantId])).rows[0].id;
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

describe('CreatePresentation and Presentation', () => {
  it('creates a presentation with a theme, audited, and reads it back', async () => {
    const p = await ok(createPresentation('  Kickoff ', themeA), 'createPresentation');
    expect(p).toEqual({ id: expect.any(String), title: 'Kickoff', theme: { id: themeA, name: 'Ocean' }, slides: [] });
    expect((await presentation(p.id)).data!.presentation).toEqual({ id: p.id, title: 'Kickoff', theme: { id: themeA, name: 'Ocean' }, slides: [], owner: { id: a.userId, email: a.email } });
    const events = (await db.query('SELECT type, actor_id, payload FROM office.outbox WHERE aggregate_id = $1', [p.id])).rows;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'office.presentation.created', actor_id: a.userId });
    expect(events[0].payload.audit).toMatchObject({ action: 'create', resourceType: 'Presentation', changes: { title: { from: null, to: 'Kickoff' } } });
    expect((await ok(createPresentation('No theme'), 'createPresentation')).theme).toBeNull();
  });

  it('rejects bad input and themes it cannot see, writing nothing', async () => {
    await failsCleanly(a.tenantId, () => createPresentation('  '), 'BAD_USER_INPUT', 'title');
    await failsCleanly(a.tenantId, () => createPresentation('x', NOBODY), 'BAD_USER_INPUT', 'themeId');
    await failsCleanly(b.tenantId, () => createPresentation('x', themeA, b.headers), 'BAD_USER_INPUT', 'themeId');
    expect((await presentation(NOBODY)).data!.presentation).toBeNull();
    expect((await presentation('nope')).data!.presentation).toBeNull();
  });
});

describe('AddSlide', () => {
  it('appends slides by default and inserts at an index, moving later slides', async () => {
    const p = await ok(createPresentation('Deck'), 'createPresentation');
    const s0 = await ok(addSlide(p.id, { layout: 'title' }), 'addSlide');
    expect(s0).toEqual({ id: expect.any(String), index: 0, layout: 'title', elements: [] });
    const s1 = await ok(addSlide(p.id, {
      layout: 'title_content',
      elements: [
        { type: 'text', content: { text: 'Hello' }, x: 10, y: 20, width: 300, height: 40, animations: [{ type: 'fade_in' }, { type: 'zoom', order: 5 }] },
        { type: 'image', content: { src: 's3://x' } },
      ],
    }), 'addSlide');
    expect(s1).toEqual({
      id: expect.any(String), index: 1, layout: 'title_content',
      elements: [
        { id: expect.any(String), type: 'text', content: { text: 'Hello' }, x: 10, y: 20, width: 300, height: 40, animations: [{ id: expect.any(String), type: 'fade_in', order: 0 }, { id: expect.any(String), type: 'zoom', order: 5 }] },
        { id: expect.any(String), type: 'image', content: { src: 's3://x' }, x: 0, y: 0, width: 0, height: 0, animations: [] },
      ],
    });
    const mid = await ok(addSlide(p.id, { index: 1 }), 'addSlide');
    expect(mid).toMatchObject({ index: 1, layout: 'blank' });
    const far = await ok(addSlide(p.id, { index: 99 }), 'addSlide');
    expect(far.index).toBe(3);
    const read = (await presentation(p.id)).data!.presentation;
    expect(read.slides.map((s: any) => [s.id, s.index])).toEqual([[s0.id, 0], [mid.id, 1], [s1.id, 2], [far.id, 3]]);
    expect(read.slides[2].elements.map((e: any) => [e.type, e.content])).toEqual([['text', { text: 'Hello' }], ['image', { src: 's3://x' }]]);
    const events = (await db.query("SELECT aggregate_id, payload FROM office.outbox WHERE tenant_id = $1 AND type = 'office.slide.created' ORDER BY seq", [a.tenantId])).rows;
    expect(events.map((e) => e.aggregate_id)).toEqual([s0.id, s1.id, mid.id, far.id]);
    expect(events[1].payload.data).toMatchObject({ presentationId: p.id, index: 1 });
  });

  it('rejects bad input, unknown presentations, and other tenants, writing nothing', async () => {
    const p = await ok(createPresentation('Strict'), 'createPresentation');
    await failsCleanly(a.tenantId, () => addSlide(p.id, { index: -1 }), 'BAD_USER_INPUT', 'index');
    await failsCleanly(a.tenantId, () => addSlide(p.id, { elements: [{ type: 'text' }, { type: '' }] }), 'BAD_USER_INPUT', 'elements.1.type');
    await failsCleanly(a.tenantId, () => addSlide(p.id, { elements: [{ type: 'text', width: -5 }] }), 'BAD_USER_INPUT', 'elements.0.width');
    await failsCleanly(a.tenantId, () => addSlide(NOBODY, {}), 'NOT_FOUND', 'presentationId');
    await failsCleanly(b.tenantId, () => addSlide(p.id, {}, b.headers), 'NOT_FOUND', 'presentationId');
    expect((await presentation(p.id, b.headers)).data!.presentation).toBeNull();
    expect((await presentation(p.id)).data!.presentation.slides).toEqual([]);
  });

  it('needs office:write and a credential', async () => {
    expect(codeOf(await createPresentation('x', null, {}))).toBe('UNAUTHENTICATED');
    const t = await signUpTenant(url, 'Slides gated');
    await ok(gql(url, contractOperation('platform', 'UpdateTenant'), { input: { enabledModules: ['crm'] } }, t.headers), 'updateTenant');
    const res = await createPresentation('x', null, t.headers);
    expect(codeOf(res)).toBe('FORBIDDEN');
    expect(res.errors![0].message).toMatch(/office/);
  });
});
