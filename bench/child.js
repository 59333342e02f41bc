'use strict';
// One side of one run, in its own process (a scenario may have several client processes):
//   node bench/child.js '<json {role, impl, scenario, endpoint, params, clients, clientIndex}>'
// Reports on stdout (see lib/protocol.js): {kind:'ready', endpoint} for a listening
// server, then {kind:'result', ...} or {kind:'error', message}. Exits when the parent
// closes stdin (or dies), or at once after an error.

const { send } = require('./lib/protocol');
const { IMPLS } = require('./impls');
const { SCENARIOS } = require('./scenarios');

const spec = JSON.parse(process.argv[2]);
const impl = IMPLS.find((x) => x.key === spec.impl);
const scenario = SCENARIOS.find((x) => x.name === spec.scenario);

// ipc.config keys the scenario sets for its parameters (large: a send queue limit that
// holds its burst).
const config = scenario.config ? scenario.config(spec.params) : {};

let handle = null;
let finished = false;

function maxRss() {
  return process.resourceUsage().maxRSS * 1024;
}

function fail(err) {
  send({ kind: 'error', role: spec.role, message: err && err.stack ? err.stack : String(err) });
  process.exit(1);
}

function finish(result) {
  if (finished) return;
  finished = true;
  send({ kind: 'result', role: spec.role, maxRss: maxRss(), ...result });
}

function shutdown() {
  try { if (handle) handle.close(); } catch (_) { /* exiting anyway */ }
  process.exit(0);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
process.stdin.on('end', shutdown);
process.stdin.on('error', shutdown);
process.stdin.resume();

async function serverRole() {
  let peer = null;
  const reply = (t, d) => handle.send(peer, t, d);
  const ctx = {
    clients: spec.clients || 1,
    broadcast: (t, d) => handle.broadcast(t, d),
    send: (p, t, d) => handle.send(p, t, d),
  };
  let role = scenario.server(spec.params, finish, ctx);
  if (typeof role === 'function') role = { onMessage: role };
  handle = await impl.listen(spec.endpoint, scenario.types.toServer, {
    config,
    onMessage(type, data, socket) {
      peer = socket;
      role.onMessage(type, data, reply, socket);
    },
    onPeerClose(socket) {
      if (role.onPeerClose) role.onPeerClose(socket);
      else if (!finished) fail(new Error('client connection closed before the scenario finished'));
    },
  });
  send({ kind: 'ready', endpoint: handle.endpoint });
}

async function clientRole() {
  const ctx = {
    index: spec.clientIndex || 0,
    clients: spec.clients || 1,
    /** Opens one more connection (scenarios with manualConnect: churn). */
    async connect(handlers) {
      const conn = await impl.connect(spec.endpoint, scenario.types.toClient, handlers);
      handle = conn; // closed on shutdown
      return conn;
    },
  };
  const doFinish = (result) => finish({ index: ctx.index, ...result });
  if (scenario.manualConnect) {
    scenario.client(spec.params, null, doFinish, ctx).start();
    return;
  }
  const role = scenario.client(spec.params, (t, d) => handle.send(t, d), doFinish, ctx);
  handle = await impl.connect(spec.endpoint, scenario.types.toClient, {
    config,
    onMessage: (type, data) => role.handle(type, data),
    onError(err) {
      if (!finished) fail(err);
    },
    onClose() {
      if (!finished) fail(new Error('connection to the server closed before the scenario finished'));
    },
  });
  role.start();
}

(spec.role === 'server' ? serverRole() : clientRole()).catch(fail);
