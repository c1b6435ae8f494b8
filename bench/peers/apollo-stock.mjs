// A peer of the gateway benchmark (bench/gateway.ts): stock @apollo/gateway in @apollo/server's
// standalone server, as its documentation sets it up, forwarding the caller header the client sends,
// already signed: authentication is not part of what this peer measures.
// Usage: node bench/peers/apollo-stock.mjs <supergraph file> <port>
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const [supergraphFile, port] = process.argv.slice(2);
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphFile, 'utf8'),
  buildService: ({ url }) => new RemoteGraphQLDataSource({
    url,
    willSendRequest({ request, context }) {
      if (context.callerHeader) request.http.headers.set('x-bacbos-context', context.callerHeader);
    },
  }),
});
const server = new ApolloServer({ gateway, csrfPrevention: false });
await startStandaloneServer(server, {
  listen: { port: Number(port), host: '127.0.0.1' },
  context: async ({ req }) => ({ callerHeader: req.headers['x-bacbos-context'] }),
});
console.log(`listening ${port}`);
