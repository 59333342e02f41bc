'use strict';
// lib/system-error.js in-process: the addon's error descriptions (JSON, as src/js_api.rs
// writes them) become the objects node:net gives for the same failure — compared with
// real net errors produced in this process where the failure can be made here — and
// messages the addon words itself stay as they are.

const test = require('node:test');
const assert = require('node:assert/strict');
const net = require('net');
const os = require('os');
const path = require('path');
const util = require('util');
const { systemError } = require('../lib/system-error.js');

/** The own keys in order and every field Node's system errors carry. */
function shape(err) {
  assert.ok(err instanceof Error);
  const out = { keys: Object.keys(err), message: err.message };
  for (const f of ['errno', 'code', 'syscall', 'address', 'port', 'hostname']) if (f in err) out[f] = err[f];
  return out;
}

/** What the addon reports for an OS error: Rust's raw OS error number, not libuv's. */
function described(syscall, code, address, osErrno) {
  return JSON.stringify({
    message: [syscall, code, address].filter(Boolean).join(' '),
    code,
    errno: osErrno,
    syscall,
    address,
  });
}

const uv = (code) => [...util.getSystemErrorMap()].find(([, [name]]) => name === code)[0];
const osErrno = (code) => os.constants.errno[code];

function netError(start) {
  return new Promise((resolve) => start(resolve));
}

test('connect ECONNREFUSED: the fields, their order and the message of net\'s error', async () => {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  const real = await netError((done) => net.connect(port, '127.0.0.1').on('error', done));
  const ours = systemError(described('connect', 'ECONNREFUSED', `127.0.0.1:${port}`, osErrno('ECONNREFUSED')));
  assert.deepEqual(shape(ours), shape(real));
  assert.equal(ours.errno, uv('ECONNREFUSED'), "libuv's number, not the OS's");
});

test('listen EADDRINUSE on TCP: net.Server\'s error (code first, libuv wording, address and port)', async () => {
  const first = net.createServer();
  await new Promise((resolve) => first.listen(0, '127.0.0.1', resolve));
  const { port } = first.address();
  const real = await netError((done) => net.createServer().on('error', done).listen(port, '127.0.0.1'));
  first.close();
  const ours = systemError(described('listen', 'EADDRINUSE', `127.0.0.1:${port}`, osErrno('EADDRINUSE')));
  assert.deepEqual(shape(ours), shape(real));
  assert.match(ours.message, /^listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+$/);
});

test('listen on a local path in a missing directory: port -1, and EACCES as libuv reports it on Unix', { skip: process.platform === 'win32' && 'pipe names have no directory' }, async () => {
  const where = path.join(os.tmpdir(), `nipc-missing-${process.pid}`, 'x.sock');
  const real = await netError((done) => net.createServer().on('error', done).listen(where));
  const ours = systemError(described('listen', 'ENOENT', where, osErrno('ENOENT')));
  assert.deepEqual(shape(ours), shape(real));
  assert.deepEqual([ours.code, ours.port], ['EACCES', -1]);
});

test('an address the addon does not name is taken from the caller (the server\'s path)', () => {
  const where = '/tmp/some.sock';
  const json = JSON.stringify({ message: 'connect ENOENT', code: 'ENOENT', errno: osErrno('ENOENT'), syscall: 'connect' });
  const err = systemError(json, where);
  assert.deepEqual(shape(err), {
    keys: ['errno', 'code', 'syscall', 'address'],
    message: `connect ENOENT ${where}`,
    errno: uv('ENOENT'),
    code: 'ENOENT',
    syscall: 'connect',
    address: where,
  });
});

test('getaddrinfo ENOTFOUND: Node\'s dnsException (errno EAI_NONAME, hostname, no address)', () => {
  const json = JSON.stringify({ message: 'getaddrinfo ENOTFOUND nowhere.invalid', code: 'ENOTFOUND', syscall: 'getaddrinfo', address: 'nowhere.invalid' });
  assert.deepEqual(shape(systemError(json)), {
    keys: ['errno', 'code', 'syscall', 'hostname'],
    message: 'getaddrinfo ENOTFOUND nowhere.invalid',
    errno: uv('EAI_NONAME'),
    code: 'ENOTFOUND',
    syscall: 'getaddrinfo',
    hostname: 'nowhere.invalid',
  });
});

test('read/write errors carry no address; IPv6 addresses lose their brackets, as Node writes them', () => {
  const read = systemError(JSON.stringify({ message: 'read ECONNRESET', code: 'ECONNRESET', errno: osErrno('ECONNRESET'), syscall: 'read', address: '[::1]:9' }));
  assert.deepEqual(shape(read), { keys: ['errno', 'code', 'syscall'], message: 'read ECONNRESET', errno: uv('ECONNRESET'), code: 'ECONNRESET', syscall: 'read' });
  const v6 = systemError(described('connect', 'ECONNREFUSED', '[::1]:8000', osErrno('ECONNREFUSED')));
  assert.deepEqual([v6.message, v6.address, v6.port], ['connect ECONNREFUSED ::1:8000', '::1', 8000]);
});

test('messages the addon words itself are kept; a code gets libuv\'s errno; text that is not JSON is the message', () => {
  const message = 'write ENOBUFS: 70 bytes would wait for the peer to read them, over maxQueuedBytes (64 bytes); connection destroyed';
  const err = systemError(JSON.stringify({ message, code: 'ENOBUFS', errno: null, syscall: 'write', address: null }));
  assert.deepEqual(shape(err), { keys: ['errno', 'code', 'syscall'], message, errno: uv('ENOBUFS'), code: 'ENOBUFS', syscall: 'write' });
  const plain = systemError(JSON.stringify({ message: 'cert holds no PEM certificate', code: 'ERR_TLS_CONFIG' }));
  assert.deepEqual(shape(plain), { keys: ['errno', 'code'], message: 'cert holds no PEM certificate', errno: undefined, code: 'ERR_TLS_CONFIG' });
  assert.deepEqual(shape(systemError('not json')), { keys: [], message: 'not json' });
});
