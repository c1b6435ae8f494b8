#!/usr/bin/env node
// One client process of the subscription benchmark (bench/subscriptions.ts forks several, pinned
// away from the gateway). It speaks graphql-transport-ws over plain `ws` (lighter than a graphql-ws
// client per socket, so 10,000 sockets fit in a few client processes) and takes orders over IPC:
//   { cmd: 'open', url, sockets: [{ key, token, query? }] }  open them (at most OPEN_AT_ONCE
//       connection_inits in flight); a socket with `query` subscribes with it. Answers
//       { cmd: 'opened', ok, failed, firstFailure, retried }.
//   { cmd: 'close' }  closes every socket; answers { cmd: 'closed' }.
// Every `next` it receives is sent to the parent, in batches every 50 ms, as
//   [key, at (epoch ms, sub-ms resolution), payload] for the parent to check and time;
// an `error` or `complete` of a subscription, or a socket closing unasked, is reported too.
// Plain JavaScript so that it runs with `node`, no tsx.
const WebSocket = require('ws');

const OPEN_AT_ONCE = 50;
const now = () => performance.timeOrigin + performance.now();
const sockets = new Set();
let arrivals = [];
let problems = [];
let closing = false;
let retried = 0;

setInterval(() => {
  if (!arrivals.length && !problems.length) return;
  process.send({ cmd: 'arrivals', arrivals, problems });
  arrivals = [];
  problems = [];
}, 50);

/** A socket closed with 1013 (try again later: the credential could not be checked just now) is
 *  opened again after a pause, as clients do; any other refusal is a failure. */
async function openRetrying(url, spec) {
  for (let attempt = 0; ; attempt += 1) {
    const problem = await open(url, spec);
    if (!problem || !problem.startsWith('closed 1013') || attempt >= 10) return problem;
    retried += 1;
    await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** Math.min(attempt, 4)));
  }
}

function open(url, { key, token, query }) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    let acknowledged = false;
    const fail = (why) => {
      if (!acknowledged) resolve(why);
      else if (!closing) problems.push({ key, problem: why });
    };
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString('utf8'));
      switch (message.type) {
        case 'connection_ack':
          acknowledged = true;
          sockets.add(socket);
          if (query) socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
          resolve(undefined);
          break;
        case 'next':
          arrivals.push([key, now(), message.payload]);
          break;
        case 'ping':
          socket.send(JSON.stringify({ type: 'pong' }));
          break;
        case 'error':
        case 'complete':
          problems.push({ key, problem: `${message.type}: ${JSON.stringify(message.payload ?? null)}` });
          break;
        default:
      }
    });
    socket.on('close', (code, reason) => {
      sockets.delete(socket);
      fail(`closed ${code} ${reason.toString('utf8')}`);
    });
    socket.on('error', (error) => fail(`error ${error.message}`));
  });
}

process.on('message', async (order) => {
  if (order.cmd === 'open') {
    let next = 0;
    let ok = 0;
    let failed = 0;
    let firstFailure;
    await Promise.all([...Array(OPEN_AT_ONCE)].map(async () => {
      while (next < order.sockets.length) {
        const problem = await openRetrying(order.url, order.sockets[next++]);
        if (problem) {
          failed += 1;
          firstFailure ??= problem;
        } else ok += 1;
      }
    }));
    process.send({ cmd: 'opened', ok, failed, firstFailure, retried });
    retried = 0;
  } else if (order.cmd === 'close') {
    closing = true;
    const all = [...sockets];
    await Promise.all(all.map((socket) => new Promise((resolve) => {
      socket.once('close', resolve);
      socket.close(1000);
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 5_000).unref();
    })));
    closing = false;
    process.send({ cmd: 'closed', closed: all.length });
  }
});
process.on('disconnect', () => process.exit(0));
