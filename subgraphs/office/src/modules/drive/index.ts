// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { DriveService, fileSearchData, DOWNLOAD_TTL_SECONDS, UPLOAD_TTL_SECONDS, sharedObjectStore, type FolderView } from './drive.service';
export { driveResolvers } from './resolvers';
