'use strict';
// Where a server listens. An endpoint is a plain JSON object handed to the children:
//   { kind: 'unix', path }
// A TCP transport would add { kind: 'tcp', host, port } with port 0 here; the server
// child reports the endpoint it actually listens on in its `ready` message and the
// client is given that one, so ephemeral ports already work with this flow.

const fs = require('fs');
const os = require('os');
const path = require('path');

let seq = 0;

const transports = {
  unix: {
    name: 'unix',
    label: 'Unix sockets',
    /** A fresh endpoint for one run; `release` removes whatever it left behind. */
    allocate() {
      seq += 1;
      const file = path.join(os.tmpdir(), `nipc-bench-${process.pid}-${seq}.sock`);
      try { fs.unlinkSync(file); } catch (_) { /* not there */ }
      return { kind: 'unix', path: file };
    },
    release(endpoint) {
      try { fs.unlinkSync(endpoint.path); } catch (_) { /* already gone */ }
    },
  },
};

module.exports = { transports };
