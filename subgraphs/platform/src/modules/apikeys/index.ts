// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { ApiKeyService, verifyApiKeySecret, type VerifiedApiKey } from './api-key.service';
export { ApiKeyUsageRecorder } from './usage-recorder';
export { apiKeyResolvers } from './resolvers';
