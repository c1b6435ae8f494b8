// Nothing leaves the machine unless the operator configures it. @apollo/gateway (2.x) starts
// Apollo's usage telemetry in the ApolloGateway constructor unless APOLLO_TELEMETRY_DISABLED is
// "true" or "1": cloud-metadata detectors (AWS, GCP, Azure, Alibaba) at once and an hourly OTLP
// metrics export to usage-reporting.api.apollographql.com. An operator who wants to send it sets
// APOLLO_TELEMETRY_DISABLED=false explicitly.
import { setting } from './config';

export function disableApolloTelemetry(): void {
  if (setting('APOLLO_TELEMETRY_DISABLED') === undefined) process.env.APOLLO_TELEMETRY_DISABLED = 'true';
}
