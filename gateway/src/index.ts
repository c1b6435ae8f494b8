// The door of the gateway package: what scripts and tests may use. Everything else in src/ is private.
export { startGateway, type GatewayContext, type GatewayOptions, type RunningGateway } from './app';
export { sha256 as persistedQueryHash } from './persisted';
export { subgraphUrlVariable, subgraphUrlsFromEnv } from './subgraph-urls';
export { clientErrors } from './subscriptions/hub';
export { deriveSubscription } from './subscriptions/derive';
export { subscriptionRoutes, type SubscriptionRoute } from './subscriptions/routes';
