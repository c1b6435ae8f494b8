// Live office subscriptions through the gateway (graphql-ws), fed from the office outbox via the
// event bus: the contract's DocumentActivity and CellsChanged, visibility by document role, tenant
// isolation, nothing for rolled-back mutations, and resume without gap or duplicate.
import { Client } from 'pg';
import { contractOperation, gql, signUpTenant, type TestTenant, addTenantUser } from '../helpers/graphql';
import { startPlatform, type RunningPlatform } from '../helpers/platform';
import { subscribe, waitFor, type Collected } from './helpers';

let platform: RunningPlatform;
let url: string;
let db: Client;
let a: TestTenant;
let b: TestTenant;
let otto: { userId: string; token: string; headers: Record<string, string> };
const open: Collected[] = [];

const op = (name: string) => contractOperation('office', name);
const hub = () => platform.gateway.hub!;
const track = (c: Collected) => (open.push(c), c);
const run = (name: string, variables: Record<string, unknown>, headers: Record<string, string> = a.headers) => gql(url, op(name), variables, headers);

async function createDocument(title: string, tenant: TestTenant = a): Promise<string> {
  const res = await run('CreateDocument', { input: { title } }, tenant.headers);
  expect(res.errors).toBeUndefined();
  return res.data!.createDocument.id;
}

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  a = await signUpTenant(url, 'Live A');
  b = await signUpTenant(url, 'Live B');
  otto = await addTenantUser(url, a, 'member', 'Otto');
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.dispose()));
});
afterAll(async () => {
  await db.end();
  await platform.stop();
});

describe('DocumentActivity', () => {
  it('delivers edits, comments and shares of one document with the actor (from platform), and nothing of other documents', async () => {
    const docId = await createDocument('Live doc');
    const otherId = await createDocument('Other doc');
    const sub = track(await subscribe(url, a.accessToken, op('DocumentActivity'), { documentId: docId }, hub()));
    expect((await run('EditDocument', { id: otherId, input: { baseVersion: 1, title: 'Other 2' } })).errors).toBeUndefined();
    expect((await run('EditDocument', { id: docId, input: { baseVersion: 1, title: 'Live doc 2' } })).errors).toBeUndefined();
    const stale = await run('EditDocument', { id: docId, input: { baseVersion: 1, title: 'Stale' } }); // CONFLICT: no event
    expect(stale.errors?.[0].extensions?.code).toBe('CONFLICT');
    const comment = (await run('AddDocumentComment', { documentId: docId, body: 'Nice', anchor: { from: 0, to: 3 } })).data!.addDocumentComment;
    expect((await run('ShareDocument', { id: docId, userId: otto.userId, role: 'VIEWER' })).errors).toBeUndefined();
    await waitFor(() => sub.values.length >= 3, 'three events');
    const actor = { id: a.userId, email: a.email, firstName: 'Olive' };
    expect(sub.values.map((v) => v.documentActivity)).toEqual([
      { type: 'edited', version: 2, at: expect.any(String), actor, document: { id: docId, title: 'Live doc 2', version: 2 }, comment: null },
      { type: 'commented', version: 2, at: expect.any(String), actor, document: { id: docId, title: 'Live doc 2', version: 2 }, comment: { id: comment.id, body: 'Nice' } },
      { type: 'shared', version: 2, at: expect.any(String), actor, document: { id: docId, title: 'Live doc 2', version: 2 }, comment: null },
    ]);
    // A marker: once it arrives, nothing else (the other document, the conflict) can still come.
    await run('EditDocument', { id: docId, input: { baseVersion: 2, title: 'Marker' } });
    await waitFor(() => sub.values.length === 4, 'the marker');
    expect(sub.values[3].documentActivity).toMatchObject({ type: 'edited', version: 3, document: { title: 'Marker' } });
  });

  it('delivers only to callers who may read the document, and never to another tenant', async () => {
    const docId = await createDocument('Private');
    const owner = track(await subscribe(url, a.accessToken, 'subscription($d: ID!) { documentActivity(documentId: $d) { type version } }', { d: docId }, hub()));
    const outsider = track(await subscribe(url, otto.token, 'subscription($d: ID!) { documentActivity(documentId: $d) { type version } }', { d: docId }, hub()));
    const other = track(await subscribe(url, b.accessToken, 'subscription($d: ID!) { documentActivity(documentId: $d) { type version } }', { d: docId }, hub()));
    await run('EditDocument', { id: docId, input: { baseVersion: 1, title: 'P2' } });
    await waitFor(() => owner.values.length === 1, 'the owner\'s first event');
    // Visibility is decided when the event's payload runs: let Otto's run for P2 finish unshared.
    await waitFor(() => hub().executionsInFlight === 0, 'payload executions of the first edit');
    await run('ShareDocument', { id: docId, userId: otto.userId, role: 'COMMENTER' });
    await run('EditDocument', { id: docId, input: { baseVersion: 2, title: 'P3' } });
    await waitFor(() => owner.values.length === 3, 'the owner\'s events');
    const ottoSees = (type: string, version: number) => outsider.values.some((v) => v.documentActivity.type === type && v.documentActivity.version === version);
    await waitFor(() => ottoSees('edited', 3), 'otto\'s edit once shared');
    expect(owner.values.map((v) => v.documentActivity)).toEqual([{ type: 'edited', version: 2 }, { type: 'shared', version: 2 }, { type: 'edited', version: 3 }]);
    // Otto could not read the document before it was shared with him.
    expect(outsider.values.at(-1).documentActivity).toEqual({ type: 'edited', version: 3 });
    expect(outsider.values.find((v) => v.documentActivity.type === 'edited' && v.documentActivity.version === 2)).toBeUndefined();
    // Tenant B subscribed to A's document id: nothing, even after a marker of its own.
    const bDoc = await createDocument('B doc', b);
    await run('EditDocument', { id: bDoc, input: { baseVersion: 1, title: 'B2' } }, b.headers);
    expect(other.values).toEqual([]);
    expect(other.errors).toEqual([]);
  });

  it('resumes after a reconnect with the missed events of that document, no gap and no duplicate', async () => {
    const docId = await createDocument('Resume');
    const otherId = await createDocument('Noise');
    const q = 'subscription($d: ID!, $after: ID) { documentActivity(documentId: $d, after: $after) { eventId version document { title } } }';
    const first = track(await subscribe(url, a.accessToken, q, { d: docId }, hub()));
    await run('EditDocument', { id: docId, input: { baseVersion: 1, title: 'R2' } });
    await waitFor(() => first.values.length === 1, 'the first event');
    const lastSeen = first.values[0].documentActivity.eventId;
    await first.dispose();
    for (let v = 2; v <= 4; v += 1) await run('EditDocument', { id: docId, input: { baseVersion: v, title: `R${v + 1}` } });
    await run('EditDocument', { id: otherId, input: { baseVersion: 1, title: 'Noise 2' } });
    const again = track(await subscribe(url, a.accessToken, q, { d: docId, after: lastSeen }, hub()));
    await run('EditDocument', { id: docId, input: { baseVersion: 5, title: 'R6' } });
    await waitFor(() => again.values.length >= 4, 'missed and live events');
    await run('EditDocument', { id: docId, input: { baseVersion: 6, title: 'R7' } });
    await waitFor(() => again.values.length >= 5, 'the marker');
    expect(again.values.map((v) => v.documentActivity.version)).toEqual([3, 4, 5, 6, 7]);
    expect(again.values.map((v) => v.documentActivity.document.title)).toEqual(['R3', 'R4', 'R5', 'R6', 'R7']);
  });
});

describe('CellsChanged', () => {
  it('delivers the cells of each setCells call on one worksheet, with the actor; nothing of other worksheets or tenants', async () => {
    const s = (await run('CreateSpreadsheet', { input: { title: 'Live', worksheets: ['One', 'Two'] } })).data!.createSpreadsheet;
    const [w1, w2] = s.worksheets.map((w: any) => w.id);
    const sub = track(await subscribe(url, a.accessToken, op('CellsChanged'), { worksheetId: w1 }, hub()));
    const other = track(await subscribe(url, b.accessToken, op('CellsChanged'), { worksheetId: w1 }, hub()));
    await run('SetCells', { worksheetId: w2, cells: [{ row: 0, column: 0, value: 'elsewhere' }] });
    await run('SetCells', { worksheetId: w1, cells: [{ row: 0, column: 0, value: '1' }, { row: 0, column: 1, formula: '=A1*2', value: '2' }] });
    const bad = await run('SetCells', { worksheetId: w1, cells: [{ row: 1, column: 0, value: 'ok' }, { row: -1, column: 0, value: 'bad' }] });
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    await run('SetCells', { worksheetId: w1, cells: [{ row: 0, column: 0 }] });
    await waitFor(() => sub.values.length === 2, 'two events');
    expect(sub.values).toEqual([
      { cellsChanged: { worksheetId: w1, cells: [{ row: 0, column: 0, value: '1', formula: null }, { row: 0, column: 1, value: '2', formula: '=A1*2' }], actor: { id: a.userId, email: a.email } } },
      // Clearing A1 recomputes B1 (=A1*2) in the same commit: one event with both.
      { cellsChanged: { worksheetId: w1, cells: [{ row: 0, column: 0, value: null, formula: null }, { row: 0, column: 1, value: '0', formula: '=A1*2' }], actor: { id: a.userId, email: a.email } } },
    ]);
    const sb = (await run('CreateSpreadsheet', { input: { title: 'B' } }, b.headers)).data!.createSpreadsheet;
    await run('SetCells', { worksheetId: sb.worksheets[0].id, cells: [{ row: 0, column: 0, value: 'b' }] }, b.headers);
    await run('SetCells', { worksheetId: w1, cells: [{ row: 5, column: 5, value: 'marker' }] });
    await waitFor(() => sub.values.length === 3, 'the marker');
    expect(other.values).toEqual([]);
  });

  it('delivers, once per commit and per worksheet, the written and the recomputed cells, to readers of the spreadsheet only', async () => {
    const s = (await run('CreateSpreadsheet', { input: { title: 'Live formulas', worksheets: ['In', 'Out'] } })).data!.createSpreadsheet;
    const [input, output] = s.worksheets.map((w: any) => w.id);
    await run('SetCells', { worksheetId: input, cells: [{ row: 0, column: 0, value: '1' }, { row: 0, column: 1, formula: '=A1+1' }] });
    await run('SetCells', { worksheetId: output, cells: [{ row: 0, column: 0, formula: '=In!B1*10' }, { row: 1, column: 0, value: 'static' }] });
    const onInput = track(await subscribe(url, a.accessToken, op('CellsChanged'), { worksheetId: input }, hub()));
    const onOutput = track(await subscribe(url, a.accessToken, op('CellsChanged'), { worksheetId: output }, hub()));
    const stranger = track(await subscribe(url, b.accessToken, op('CellsChanged'), { worksheetId: output }, hub()));
    await run('SetCells', { worksheetId: input, cells: [{ row: 0, column: 0, value: '5' }] });
    await waitFor(() => onInput.values.length === 1 && onOutput.values.length === 1, 'one event per worksheet');
    const actor = { id: a.userId, email: a.email };
    expect(onInput.values[0]).toEqual({ cellsChanged: { worksheetId: input, cells: [{ row: 0, column: 0, value: '5', formula: null }, { row: 0, column: 1, value: '6', formula: '=A1+1' }], actor } });
    expect(onOutput.values[0]).toEqual({ cellsChanged: { worksheetId: output, cells: [{ row: 0, column: 0, value: '60', formula: '=In!B1*10' }], actor } });
    // A marker proves nothing else was on its way; the other tenant saw nothing.
    await run('SetCells', { worksheetId: output, cells: [{ row: 9, column: 9, value: 'marker' }] });
    await waitFor(() => onOutput.values.length === 2, 'the marker');
    expect(onInput.values).toHaveLength(1);
    expect(stranger.values).toEqual([]);
  });

  it('resumes from the last event id with the missed changes of that worksheet', async () => {
    const s = (await run('CreateSpreadsheet', { input: { title: 'Resume', worksheets: ['A', 'B'] } })).data!.createSpreadsheet;
    const [w1, w2] = s.worksheets.map((w: any) => w.id);
    const q = 'subscription($w: ID!, $after: ID) { cellsChanged(worksheetId: $w, after: $after) { eventId cells { value } } }';
    const first = track(await subscribe(url, a.accessToken, q, { w: w1 }, hub()));
    await run('SetCells', { worksheetId: w1, cells: [{ row: 0, column: 0, value: 'v0' }] });
    await waitFor(() => first.values.length === 1, 'the first event');
    const lastSeen = first.values[0].cellsChanged.eventId;
    await first.dispose();
    await run('SetCells', { worksheetId: w1, cells: [{ row: 0, column: 0, value: 'v1' }] });
    await run('SetCells', { worksheetId: w2, cells: [{ row: 0, column: 0, value: 'noise' }] });
    await run('SetCells', { worksheetId: w1, cells: [{ row: 0, column: 0, value: 'v2' }] });
    const again = track(await subscribe(url, a.accessToken, q, { w: w1, after: lastSeen }, hub()));
    await run('SetCells', { worksheetId: w1, cells: [{ row: 0, column: 0, value: 'v3' }] });
    await waitFor(() => again.values.length >= 3, 'missed and live events');
    expect(again.values.map((v) => v.cellsChanged.cells[0].value)).toEqual(['v1', 'v2', 'v3']);
    // Another tenant cannot resume from this tenant's event id.
    const foreign = track(await subscribe(url, b.accessToken, q, { w: w1, after: lastSeen }, hub()));
    await waitFor(() => foreign.errors.length > 0 || foreign.completed, 'the refusal');
    expect(foreign.values).toEqual([]);
  });
});
