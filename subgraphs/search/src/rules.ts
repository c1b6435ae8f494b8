// Who may see which type of hit: the same rules the owning subgraphs apply when the object is read
// directly. One row per contract SearchType; the search service derives each caller's Visibility
// from it and from the signed caller (modules enabled, permissions), both current per request.
import { hasPermission, type CallerIdentity } from '@bacbos/common';
import { SEARCH_TYPES, type SearchField, type SearchType, type Visibility } from './engine/engine';
import type { ResolversParentTypes } from './generated/graphql';

interface TypeRule {
  /** The federated entity a hit resolves to (owned by `owner`). */
  typename: NonNullable<ResolversParentTypes['SearchResult']['__typename']>;
  owner: 'crm' | 'office' | 'hr' | 'platform';
  /** Module the tenant must have enabled (platform is always on). */
  module: 'crm' | 'office' | 'hr' | 'platform';
  /** Permission that reads the type directly. */
  read: string;
  /** When the type's access lists do not apply to this caller (e.g. office:admin reads every document). */
  unrestricted?: (caller: CallerIdentity) => boolean;
  /** The owner's names of the indexed fields, as highlights name them. */
  fields: Record<SearchField, string>;
}

const officeAdmin = (c: CallerIdentity) => hasPermission(c.permissions, 'office:admin');

export const TYPE_RULES: Record<SearchType, TypeRule> = {
  CONTACT: { typename: 'Contact', owner: 'crm', module: 'crm', read: 'crm:read', fields: { title: 'name', subtitle: 'email', body: 'company' } },
  LEAD: { typename: 'Lead', owner: 'crm', module: 'crm', read: 'crm:read', fields: { title: 'title', subtitle: 'source', body: 'tags' } },
  OPPORTUNITY: { typename: 'Opportunity', owner: 'crm', module: 'crm', read: 'crm:read', fields: { title: 'name', subtitle: 'stage', body: 'currency' } },
  // Owner, collaborators; office:admin reads all (subgraphs/office writer/document.service.ts).
  DOCUMENT: { typename: 'Document', owner: 'office', module: 'office', read: 'office:read', unrestricted: officeAdmin, fields: { title: 'title', subtitle: 'owner', body: 'content' } },
  SPREADSHEET: { typename: 'Spreadsheet', owner: 'office', module: 'office', read: 'office:read', fields: { title: 'title', subtitle: 'worksheets', body: 'cells' } },
  PRESENTATION: { typename: 'Presentation', owner: 'office', module: 'office', read: 'office:read', fields: { title: 'title', subtitle: 'theme', body: 'slides' } },
  // Owner and share recipients of the file.
  FILE: { typename: 'File', owner: 'office', module: 'office', read: 'office:read', fields: { title: 'name', subtitle: 'path', body: 'contentType' } },
  // Each participant's own copy only; nobody reads another's mailbox.
  EMAIL: { typename: 'Email', owner: 'office', module: 'office', read: 'office:read', fields: { title: 'subject', subtitle: 'from', body: 'bodyText' } },
  // Calendar owner, organizer and attendees; an API key acts for the whole tenant.
  CALENDAR_EVENT: { typename: 'CalendarEvent', owner: 'office', module: 'office', read: 'office:read', unrestricted: (c) => !c.userId, fields: { title: 'title', subtitle: 'location', body: 'description' } },
  EMPLOYEE: { typename: 'Employee', owner: 'hr', module: 'hr', read: 'hr:read', fields: { title: 'name', subtitle: 'email', body: 'department' } },
  USER: { typename: 'User', owner: 'platform', module: 'platform', read: 'platform:read', fields: { title: 'name', subtitle: 'email', body: 'status' } },
};

export const typeOfTypename = (typename: string): SearchType | undefined => SEARCH_TYPES.find((t) => TYPE_RULES[t].typename === typename);

/** The types this caller may search, and those among them where access lists do not apply. */
export function visibilityOf(caller: CallerIdentity & { tenantId: string }): Visibility {
  const types = SEARCH_TYPES.filter((t) => {
    const rule = TYPE_RULES[t];
    return (rule.module === 'platform' || caller.modules.includes(rule.module)) && hasPermission(caller.permissions, rule.read);
  });
  return {
    tenantId: caller.tenantId,
    userId: caller.userId,
    types,
    unrestricted: types.filter((t) => TYPE_RULES[t].unrestricted?.(caller) ?? false),
  };
}
