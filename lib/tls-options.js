'use strict';
// node-ipc's `config.tls` (CONTRACT §6.8) turned into what the addon needs. Files named by
// `private`, `public`, `trustedConnections` (and `dhparam`) are read here, and the loaded
// contents are written back into config.tls as node-ipc 9.x does.

const fs = require('fs');
const path = require('path');

const BUNDLED = path.join(__dirname, '..', 'local-node-ipc-certs');

function pem(value) {
  if (value === undefined || value === null || value === false) return undefined;
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return Buffer.concat(value.map((v) => pem(v)).filter(Boolean));
  if (typeof value === 'string') return Buffer.from(value);
  if (typeof value === 'object' && value.pem) return pem(value.pem);
  throw new TypeError('TLS key, cert and ca must be strings or Buffers');
}

function pemList(value) {
  if (value === undefined || value === null || value === false) return undefined;
  return (Array.isArray(value) ? value : [value]).map(pem);
}

function loadTrusted(tls) {
  if (!tls.trustedConnections) return;
  if (typeof tls.trustedConnections === 'string') tls.trustedConnections = [tls.trustedConnections];
  tls.ca = tls.trustedConnections.map((file) => fs.readFileSync(file));
}

/**
 * Client side, on every connect attempt. Throws (fs errors, bad types) for the caller to
 * report as an `error` event.
 * @param {object} tls  config.tls (mutated like node-ipc: key, cert, ca, host, port)
 * @param {object} connectOptions  {host, port, ...interface options}
 */
function clientTls(tls, connectOptions) {
  if (tls.private) tls.key = fs.readFileSync(tls.private);
  if (tls.public) tls.cert = fs.readFileSync(tls.public);
  loadTrusted(tls);
  Object.assign(tls, connectOptions);
  return {
    key: pem(tls.key),
    cert: pem(tls.cert),
    ca: pemList(tls.ca),
    rejectUnauthorized: tls.rejectUnauthorized !== false,
    servername: typeof tls.servername === 'string' ? tls.servername : undefined,
  };
}

/**
 * Server side, at start. Key and cert come from `private`/`public`, else from inline
 * `key`/`cert` (Q23 fix), else from the bundled local-node-ipc-certs/.
 * `dhparam` is read (so a wrong path is reported) but not used: rustls negotiates ECDHE.
 */
function serverTls(tls) {
  if (tls.private) tls.key = fs.readFileSync(tls.private);
  else if (!tls.key) tls.key = fs.readFileSync(path.join(BUNDLED, 'private', 'server.key'));
  if (tls.public) tls.cert = fs.readFileSync(tls.public);
  else if (!tls.cert) tls.cert = fs.readFileSync(path.join(BUNDLED, 'server.pub'));
  if (typeof tls.dhparam === 'string' && !tls.dhparam.includes('-----BEGIN')) fs.readFileSync(tls.dhparam);
  loadTrusted(tls);
  return {
    key: pem(tls.key),
    cert: pem(tls.cert),
    ca: pemList(tls.ca),
    requestCert: Boolean(tls.requestCert),
    rejectUnauthorized: tls.requestCert ? tls.rejectUnauthorized !== false : false,
  };
}

module.exports = { clientTls, serverTls, BUNDLED_CERTS: BUNDLED };
