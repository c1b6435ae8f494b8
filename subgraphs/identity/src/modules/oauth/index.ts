// The door of this module: what the subgraph and sibling modules may use. Everything else here is private.
export { OAuthClientService, type CreatedOAuthClient } from './oauth-client.service';
export { oauthRoutes } from './routes';
export { oauthResolvers } from './resolvers';
