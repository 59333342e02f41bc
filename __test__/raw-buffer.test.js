'use strict';
// §6.6 rawBuffer receive: each read decoded as a Node socket with setEncoding(encoding)
// would (StringDecoder), then re-encoded with Buffer.from(text, encoding); compared with
// node-ipc 9.2.1 doing the same, on the server (unix and TCP) and the client side.

const test = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const T = { timeout: 20000 };
const SENT = Buffer.from([0x00, 0x41, 0xff, 0xe9, 0x0c]);

// CONTRACT §6.6 table: bytes delivered for SENT, per encoding.
const TABLE = {
  hex: '0041ffe90c',
  latin1: '0041ffe90c',
  binary: '0041ffe90c',
  utf8: '0041efbfbdefbfbd0c',
  ascii: '00417f690c',
  utf16le: '0041ffe9', // the odd trailing byte is held back
  base64: '0041ff', // the incomplete 3-byte group is held back
};

function dataHex(peer) {
  return peer.lines
    .filter((l) => l.ev === 'message' && l.type === 'data')
    .map((l) => Buffer.from(l.data.data).toString('hex'));
}

async function serverReceives(t, impl, encoding, transport) {
  const s = h.scope(t);
  const config = { rawBuffer: true, encoding };
  let server;
  let target;
  if (transport === 'tcp') {
    const port = await h.freePort();
    server = s.spawnPeer('server.js', [{ serveForm: 'net', host: '127.0.0.1', port, config, types: ['data'] }], { impl });
    target = { host: '127.0.0.1', port };
  } else {
    target = s.socketPath('raw');
    server = s.spawnPeer('server.js', [{ path: target, config, types: ['data'] }], { impl });
  }
  await server.waitFor('start');
  const client = await s.rawConnect(target);
  await client.write(SENT);
  await server.waitFor((l) => l.ev === 'message' && l.type === 'data');
  await h.quietPeriod(150); // nothing more may arrive for these five bytes
  const first = dataHex(server);
  // More bytes release what the decoder held back.
  await client.write(Buffer.from([0x01, 0x02, 0x03, 0x04]));
  await server.waitForCount((l) => l.ev === 'message' && l.type === 'data', first.length + 1);
  await h.quietPeriod(150);
  return { first, all: dataHex(server) };
}

for (const transport of ['unix', 'tcp']) {
  for (const encoding of Object.keys(TABLE)) {
    test(`§6.6 Q27 rawBuffer server receive (${transport}, ${encoding}): ours equals node-ipc 9.2.1 and the CONTRACT table`, T, async (t) => {
      const ref = await serverReceives(t, 'node-ipc', encoding, transport);
      const ours = await serverReceives(t, 'native', encoding, transport);
      assert.deepEqual(ours.first, [TABLE[encoding]]);
      assert.deepEqual(ours, ref);
    });
  }
}

async function clientReceives(t, impl, encoding) {
  const s = h.scope(t);
  const path = s.socketPath('rawc');
  const cap = await s.captureServer(path);
  const client = s.spawnPeer('client.js', [{ id: 'srv', path, config: { rawBuffer: true, encoding }, types: ['data'] }], { impl });
  await client.waitFor('connect');
  const conn = await cap.connection(0);
  await conn.write(SENT);
  await client.waitFor((l) => l.ev === 'message' && l.type === 'data');
  await h.quietPeriod(150);
  return dataHex(client);
}

for (const encoding of ['hex', 'utf8', 'ascii', 'base64']) {
  test(`§6.6 rawBuffer client receive (${encoding}): ours equals node-ipc 9.2.1 and the CONTRACT table`, T, async (t) => {
    const ref = await clientReceives(t, 'node-ipc', encoding);
    const ours = await clientReceives(t, 'native', encoding);
    assert.deepEqual(ours, [TABLE[encoding]]);
    assert.deepEqual(ours, ref);
  });
}

// A read that completes no character (the first byte of '€' alone) is no 'data' event:
// node-ipc's socket has setEncoding(encoding), whose decoder emits nothing for it.
const EURO = [Buffer.from([0xe2]), Buffer.from([0x82, 0xac])];

async function splitCharacter(t, impl, side) {
  const s = h.scope(t);
  const path = s.socketPath('split');
  const config = { rawBuffer: true, encoding: 'utf8' };
  let peer;
  let conn;
  if (side === 'server') {
    peer = s.spawnPeer('server.js', [{ path, config, types: ['data'] }], { impl });
    await peer.waitFor('start');
    conn = await s.rawConnect(path);
  } else {
    const cap = await s.captureServer(path);
    peer = s.spawnPeer('client.js', [{ id: 'srv', path, config, types: ['data'] }], { impl });
    await peer.waitFor('connect');
    conn = await cap.connection(0);
  }
  await conn.write(EURO[0]);
  await h.quietPeriod(200);
  const early = dataHex(peer);
  await conn.write(EURO[1]);
  await peer.waitFor((l) => l.ev === 'message' && l.type === 'data');
  await h.quietPeriod(150);
  return { early, all: dataHex(peer) };
}

for (const side of ['server', 'client']) {
  test(`§6.6 rawBuffer ${side} receive: a read holding part of a character publishes nothing; the next one the whole character, as node-ipc 9.2.1`, T, async (t) => {
    const ref = await splitCharacter(t, 'node-ipc', side);
    const ours = await splitCharacter(t, 'native', side);
    assert.deepEqual(ours, { early: [], all: ['e282ac'] });
    assert.deepEqual(ours, ref);
  });
}
