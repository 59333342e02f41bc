'use strict';
// How `listen` prints a received message, one line each:
//   pretty  [TIME ]PEER TYPE[ DATA]      e.g.  #1 app.message {"text":"hi"}
//   --json  {"type":T,"data":D,PEER...[,"time":TIME]}
// PEER is `#N` (the Nth connection since the server started) for a Unix socket,
// `#N HOST:PORT` over TCP, and `HOST:PORT` (the sender) over UDP; in JSON it is
// "conn": N, "address", "port". DATA is compact JSON (so always on one line) and absent
// when the message has none; a type that is not a plain word is printed as JSON.

const { hostPort } = require('./target');

const PLAIN_TYPE = /^[^\s"\\\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/;

/** `#N`, `#N host:port` or `host:port`. */
function peerTag(peer) {
  const address = peer.address === undefined ? '' : hostPort(peer.address, peer.port);
  if (peer.conn === undefined) return address;
  return address ? `#${peer.conn} ${address}` : `#${peer.conn}`;
}

function prettyLine(type, data, peer, time) {
  const parts = [];
  if (time) parts.push(time);
  parts.push(peerTag(peer));
  parts.push(typeof type === 'string' && PLAIN_TYPE.test(type) ? type : JSON.stringify(type));
  if (data !== undefined) parts.push(JSON.stringify(data));
  return parts.join(' ');
}

function jsonLine(type, data, peer, time) {
  const line = { type, data };
  if (peer.conn !== undefined) line.conn = peer.conn;
  if (peer.address !== undefined) {
    line.address = peer.address;
    line.port = peer.port;
  }
  if (time) line.time = time;
  return JSON.stringify(line);
}

/**
 * The line of one message.
 * @param {*} type
 * @param {*} data
 * @param {{conn?: number, address?: string, port?: number}} peer
 * @param {{json: boolean, time?: string}} how
 */
function formatMessage(type, data, peer, how) {
  return how.json ? jsonLine(type, data, peer, how.time) : prettyLine(type, data, peer, how.time);
}

module.exports = { formatMessage, peerTag };
