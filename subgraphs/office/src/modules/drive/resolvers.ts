import type { PageArgs } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { Activity, File, FileVersion, Share } from '../../generated/prisma/client';
import type { FolderView } from './drive.service';

const user = (id: string | null | undefined) => (id ? { __typename: 'User', id } : null);

export const driveResolvers = {
  Query: {
    folder: (_: unknown, args: { id?: string | null }, ctx: OfficeContext) => ctx.drive.folder(args.id),
    file: (_: unknown, args: { id: string }, ctx: OfficeContext) => ctx.drive.file(args.id),
    driveActivity: (_: unknown, args: PageArgs, ctx: OfficeContext) => ctx.drive.activity(args),
  },
  Mutation: {
    createFolder: (_: unknown, args: { name: string; parentId?: string | null }, ctx: OfficeContext) => ctx.drive.createFolder(args.name, args.parentId),
    requestUpload: (_: unknown, args: { input: unknown }, ctx: OfficeContext) => ctx.drive.requestUpload(args.input),
    completeUpload: (_: unknown, args: { fileId: string }, ctx: OfficeContext) => ctx.drive.completeUpload(args.fileId),
    shareFile: (_: unknown, args: { fileId: string; input: unknown }, ctx: OfficeContext) => ctx.drive.shareFile(args.fileId, args.input),
  },
  Folder: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.drive.folder(ref.id),
    parent: (f: FolderView, _: unknown, ctx: OfficeContext) => ctx.drive.parentOf(f),
    folders: (f: FolderView, _: unknown, ctx: OfficeContext) => ctx.drive.foldersIn(f),
    files: (f: FolderView, _: unknown, ctx: OfficeContext) => ctx.drive.filesIn(f),
    owner: (f: FolderView) => user(f.ownerId),
  },
  File: {
    __resolveReference: (ref: { id: string }, ctx: OfficeContext) => ctx.drive.file(ref.id),
    size: (f: File) => Number(f.size),
    status: (f: File) => f.status.toUpperCase(),
    downloadUrl: (f: File, _: unknown, ctx: OfficeContext) => ctx.drive.downloadUrl(f),
    owner: (f: File) => user(f.ownerId),
    folder: (f: File, _: unknown, ctx: OfficeContext) => ctx.drive.folderOf(f),
    versions: (f: File, _: unknown, ctx: OfficeContext) => ctx.drive.versionsOf(f),
  },
  FileVersion: {
    size: (v: FileVersion) => Number(v.size),
    uploadedBy: (v: FileVersion) => user(v.uploadedBy),
  },
  FileShare: {
    permission: (s: Share) => s.permission.toUpperCase(),
    user: (s: Share) => user(s.userId),
    sharedBy: (s: Share) => user(s.sharedBy),
    file: (s: Share, _: unknown, ctx: OfficeContext) => (s.fileId ? ctx.drive.file(s.fileId) : null),
  },
  DriveActivity: {
    at: (a: Activity) => a.createdAt,
    actor: (a: Activity) => user(a.actorId),
    file: (a: Activity, _: unknown, ctx: OfficeContext) => (a.fileId ? ctx.drive.file(a.fileId) : null),
    folder: (a: Activity, _: unknown, ctx: OfficeContext) => (a.folderId ? ctx.drive.folder(a.folderId) : null),
  },
};
