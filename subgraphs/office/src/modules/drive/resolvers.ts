import { userRef } from '@bacbos/common';
import type { Resolvers } from '../../generated/graphql';


export const driveResolvers: Resolvers = {
  Query: {
    folder: (_, args, ctx) => ctx.drive.folder(args.id),
    file: (_, args, ctx) => ctx.drive.file(args.id),
    driveActivity: (_, args, ctx) => ctx.drive.activity(args),
  },
  Mutation: {
    createFolder: (_, args, ctx) => ctx.drive.createFolder(args.name, args.parentId),
    requestUpload: (_, args, ctx) => ctx.drive.requestUpload(args.input),
    completeUpload: (_, args, ctx) => ctx.drive.completeUpload(args.fileId),
    shareFile: (_, args, ctx) => ctx.drive.shareFile(args.fileId, args.input),
  },
  Folder: {
    __resolveReference: (ref, ctx) => ctx.drive.folder(ref.id),
    parent: (f, _, ctx) => ctx.drive.parentOf(f),
    folders: (f, _, ctx) => ctx.drive.foldersIn(f),
    files: (f, _, ctx) => ctx.drive.filesIn(f),
    owner: (f) => userRef(f.ownerId),
  },
  File: {
    __resolveReference: (ref, ctx) => ctx.drive.file(ref.id),
    size: (f) => Number(f.size),
    downloadUrl: (f, _, ctx) => ctx.drive.downloadUrl(f),
    owner: (f) => userRef(f.ownerId),
    folder: (f, _, ctx) => ctx.drive.folderOf(f),
    versions: (f, _, ctx) => ctx.drive.versionsOf(f),
  },
  FileVersion: {
    size: (v) => Number(v.size),
    uploadedBy: (v) => userRef(v.uploadedBy),
  },
  FileShare: {
    user: (s) => userRef(s.userId),
    sharedBy: (s) => userRef(s.sharedBy),
    file: (s, _, ctx) => (s.fileId ? ctx.drive.file(s.fileId) : null),
  },
  DriveActivity: {
    at: (a) => a.createdAt,
    actor: (a) => userRef(a.actorId),
    file: (a, _, ctx) => (a.fileId ? ctx.drive.file(a.fileId) : null),
    folder: (a, _, ctx) => (a.folderId ? ctx.drive.folder(a.folderId) : null),
  },
};
