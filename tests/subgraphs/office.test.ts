// The office subgraph on its own: _entities for each of its entity types, with a signed caller, two
// tenants and the real database (the gateway and the other subgraphs are not running).
import { randomUUID } from 'node:crypto';
import { officeModules, officeSubgraph } from '@bacbos/office';
import { idsOf, type TwoTenantSeed } from '../helpers/seed';
import { describeEntities, startSubgraphUnderTest } from '../helpers/subgraph';

const spreadsheets = (seed: TwoTenantSeed) =>
  seed.shared('office.spreadsheets', (s) => s.both('office.spreadsheets', (t) => ({ owner_id: t.ownerId, title: `Budget ${t.key}` })));
const calendars = (seed: TwoTenantSeed) =>
  seed.shared('office.calendars', (s) => s.both('office.calendars', (t) => ({ owner_id: t.ownerId, name: `Work ${t.key}`, is_default: true })));
const mailboxes = (seed: TwoTenantSeed) =>
  seed.shared('office.mailboxes', (s) => s.both('office.mailboxes', (t) => ({ user_id: t.ownerId, address: t.ownerEmail })));

describeEntities('office', () => startSubgraphUnderTest(officeSubgraph()), officeModules, {
  Document: {
    seed: async (seed) => idsOf(await seed.both('office.documents', (t) => ({ owner_id: t.ownerId, title: `Plan ${t.key}` }))),
    fields: 'id title version owner { id }',
    own: (doc, id, t) => expect(doc).toEqual({ id, title: `Plan ${t.key}`, version: 1, owner: { id: t.ownerId } }),
  },
  Spreadsheet: {
    seed: async (seed) => idsOf(await spreadsheets(seed)),
    fields: 'id title',
    own: (sheet, id, t) => expect(sheet).toEqual({ id, title: `Budget ${t.key}` }),
  },
  Worksheet: {
    seed: async (seed) => {
      const parents = await spreadsheets(seed);
      return idsOf(await seed.both('office.worksheets', (t) => ({ spreadsheet_id: parents[t.key].id, name: `Q1 ${t.key}` })));
    },
    fields: 'id name index spreadsheet { title }',
    own: (worksheet, id, t) => expect(worksheet).toEqual({ id, name: `Q1 ${t.key}`, index: 0, spreadsheet: { title: `Budget ${t.key}` } }),
  },
  Presentation: {
    seed: async (seed) => idsOf(await seed.both('office.presentations', (t) => ({ owner_id: t.ownerId, title: `Pitch ${t.key}` }))),
    fields: 'id title',
    own: (deck, id, t) => expect(deck).toEqual({ id, title: `Pitch ${t.key}` }),
  },
  Folder: {
    seed: async (seed) => idsOf(await seed.both('office.folders', (t) => ({ owner_id: t.ownerId, name: `Projects ${t.key}`, path: `/Projects ${t.key}` }))),
    fields: 'id name path',
    own: (folder, id, t) => expect(folder).toEqual({ id, name: `Projects ${t.key}`, path: `/Projects ${t.key}` }),
  },
  File: {
    seed: async (seed) => idsOf(await seed.both('office.files', (t) => ({
      owner_id: t.ownerId, name: `notes-${t.key}.txt`, content_type: 'text/plain', storage_key: `${t.tenantId}/${randomUUID()}`, size: 12, status: 'ready',
    }))),
    fields: 'id name contentType status',
    own: (file, id, t) => expect(file).toEqual({ id, name: `notes-${t.key}.txt`, contentType: 'text/plain', status: 'READY' }),
  },
  CalendarEvent: {
    seed: async (seed) => {
      const parents = await calendars(seed);
      return idsOf(await seed.both('office.events', (t) => ({
        calendar_id: parents[t.key].id, organizer_id: t.ownerId, title: `Review ${t.key}`, starts_at: '2026-03-02T09:00:00Z', ends_at: '2026-03-02T10:00:00Z',
      })));
    },
    fields: 'id title startsAt endsAt',
    own: (event, id, t) => expect(event).toEqual({ id, title: `Review ${t.key}`, startsAt: '2026-03-02T09:00:00.000Z', endsAt: '2026-03-02T10:00:00.000Z' }),
  },
  Calendar: {
    seed: async (seed) => idsOf(await calendars(seed)),
    fields: 'id name',
    own: (calendar, id, t) => expect(calendar).toEqual({ id, name: `Work ${t.key}` }),
  },
  Room: {
    seed: async (seed) => idsOf(await seed.both('office.rooms', (t) => ({ created_by: t.ownerId, name: `Stand-up ${t.key}`, join_code: randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase() }))),
    fields: 'id name status createdBy { id }',
    own: (room, id, t) => expect(room).toEqual({ id, name: `Stand-up ${t.key}`, status: 'OPEN', createdBy: { id: t.ownerId } }),
  },
  // Only the caller's own mailbox resolves: another user's of the same tenant would not either.
  Mailbox: {
    seed: async (seed) => idsOf(await mailboxes(seed)),
    fields: 'id address',
    own: (mailbox, id, t) => expect(mailbox).toEqual({ id, address: t.ownerEmail }),
  },
  // An e-mail resolves by reference (search's hits) only as a copy in the caller's own mailbox.
  Email: {
    seed: async (seed) => {
      const boxes = await mailboxes(seed);
      const folders = await seed.both('office.mail_folders', (t) => ({ mailbox_id: boxes[t.key].id, name: 'Inbox', kind: 'inbox' }));
      return idsOf(await seed.both('office.emails', (t) => ({
        mailbox_id: boxes[t.key].id, folder_id: folders[t.key].id, message_id: `<${randomUUID()}@${t.slug}.example>`, from_address: t.ownerEmail, subject: `Hello ${t.key}`,
      })));
    },
    fields: 'id',
    own: (email, id) => expect(email).toEqual({ id }),
  },
}, 'office');
