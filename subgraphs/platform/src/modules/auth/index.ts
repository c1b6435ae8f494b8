// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { AuthService, type AuthResult } from './auth.service';
export { hashPassword, verifyPassword } from './password-hashing';
export { authResolvers } from './resolvers';
export { markRevokedAfterCommit, revokeSessions } from './session-revocation';
