// ipc.server: every Server member, its events and handler arguments, emit/broadcast forms,
// the socket facade, the listener facade, UDP (rinfo targets, the UDP socket facade), and
// what must not compile.
import ipc = require('node-ipc-native');
import * as net from 'net';
import * as dgram from 'dgram';

ipc.serve('/tmp/app.world');
const server: ipc.Server = ipc.server;

// State members.
const config: ipc.Config = server.config;
const path: string = server.path;
const port: number | undefined = server.port;
const udp4: boolean = server.udp4;
const udp6: boolean = server.udp6;
const sockets: ipc.Socket[] = server.sockets;
const listening: ipc.Listener | ipc.UdpSocket | false = server.server;
server.log('server log line');
server.start();
server.onStart();
server.onStart({ address: '127.0.0.1', port: 8000 });
server.stop();

// At runtime ipc.server is `false` until serve()/serveNet(); the type keeps it a Server
// (compatible with @types/node-ipc), and a truthiness check still compiles.
if (ipc.server) ipc.server.start();

// Events.
server.on('start', function (info) {
  const self: ipc.Server = this;
  const started: ipc.StartInfo | undefined = info;
  void self, started;
});
server.on('connect', (socket) => {
  const s: ipc.Socket = socket;
  server.emit(s, 'welcome', { hello: true });
});
server.on('close', (hadError) => {
  const flag: boolean | undefined = hadError;
  void flag;
});
server.on('socket.disconnected', (socket, destroyedSocketID) => {
  const s: ipc.Socket = socket;
  const sid: ipc.SocketId | false = destroyedSocketID;
  ipc.log('client ' + destroyedSocketID + ' has disconnected!', s.destroyed, sid);
});
server.on('error', (err, socket) => {
  ipc.log(err.code, err.message);
  const s: ipc.Socket | undefined = socket;
  void s;
});
server.on('data', (buffer, socket) => {
  const b: Buffer = buffer;
  server.emit(socket, b);
});
server.on('message', function (data, socket) {
  const self: ipc.Server = this;
  const s: ipc.Socket = socket;
  self.emit(s, 'message', { from: ipc.config.id, message: data.message + ' world!' });
});
// UDP handlers: the socket is the sender's rinfo (annotate it; any handler shape compiles).
server.on('message', (data: { message: string }, rinfo: ipc.RemoteInfo) => {
  const address: string = rinfo.address;
  const family: 'IPv4' | 'IPv6' = rinfo.family;
  const rport: number = rinfo.port;
  const size: number = rinfo.size;
  const rid: ipc.SocketId | undefined = rinfo.id;
  server.emit(rinfo, 'message', { echo: data.message, address, family, rport, size, rid });
});
server.on('message', (data: unknown, rinfo: dgram.RemoteInfo) => server.emit(rinfo, 'message', data));
// Handlers annotated with node's types (as code written for @types/node-ipc does) compile.
server.on('socket.disconnected', (socket: net.Socket, destroyedSocketID: string) => ipc.log(socket.remotePort, destroyedSocketID));
server.on('app.message', (data: any, socket: net.Socket) => server.emit(socket, 'app.message', data));

// once / subscribe: same forms; everything chains and returns the server.
const chained: ipc.Server = server
  .once('start', () => undefined)
  .once('connect', (socket) => socket.setEncoding('utf8'))
  .once('close', () => undefined)
  .once('socket.disconnected', (socket, sid) => ipc.log(socket.id, sid))
  .once('error', (err) => ipc.log(err))
  .once('data', (buffer, socket) => ipc.log(buffer.length, socket.remoteAddress))
  .once('message', (data, socket) => ipc.log(data, socket.id))
  .subscribe('start', (info) => ipc.log(info?.port))
  .subscribe('connect', (socket) => ipc.log(socket.remoteFamily))
  .subscribe('close', (hadError) => ipc.log(hadError))
  .subscribe('socket.disconnected', (socket, sid) => ipc.log(socket, sid))
  .subscribe('error', (err, socket) => ipc.log(err, socket?.id))
  .subscribe('data', (buffer, socket) => ipc.log(buffer, socket))
  .subscribe('message', (data, socket) => ipc.log(data, socket));
const handler = (): void => undefined;
const offChain: ipc.Server = server.off('start', handler).unSubscribe('message', '*');
const pubChain: ipc.Server = server.publish('message', { local: true }, server.sockets[0]).trigger('start').emit$('close', false);

// emit(socket, type, [data]) / emit(socket, rawData); broadcast(type, [data]) / broadcast(rawData).
declare const socket: ipc.Socket;
server.emit(socket, 'message');
server.emit(socket, 'message', { a: 1 });
server.emit(socket, 'hello');
server.emit(socket, [10, 20, 30]);
server.emit(socket, Buffer.alloc(6));
server.emit({ address: '127.0.0.1', port: 8001 }, 'message', { a: 1 });
server.emit({ address: 'localhost', port: 8001 }, Buffer.from('raw'));
declare const rinfo: ipc.RemoteInfo;
server.emit(rinfo, 'message', 'reply');
declare const netSocket: net.Socket;
server.emit(netSocket, 'message', 1);
const emitted: void = server.emit(socket, 'message', 1);
server.broadcast('message');
server.broadcast('message', { a: 1 });
server.broadcast(Buffer.from('raw'));
server.broadcast([0x05, 0x6d, 0x5c]);
const broadcasted: void = server.broadcast('message', 1);

// The socket facade (what lib/socket-facade.js has).
const sid: ipc.SocketId | undefined = socket.id;
socket.id = 'client-1';
const connecting: boolean = socket.connecting;
const pending: boolean = socket.pending;
const destroyed: boolean = socket.destroyed;
const readable: boolean = socket.readable;
const writable: boolean = socket.writable;
const remoteAddress: string | undefined = socket.remoteAddress;
const remotePort: number | undefined = socket.remotePort;
const remoteFamily: 'IPv4' | 'IPv6' | undefined = socket.remoteFamily;
const encoding: BufferEncoding | null = socket.encoding;
const bytesWritten: number = socket.bytesWritten;
const writableLength: number = socket.writableLength;
const readableLength: number = socket.readableLength;
const needDrain: boolean = socket.writableNeedDrain;
const highWater: number = socket.writableHighWaterMark;
socket.once('drain', () => socket.write('more'));
const queueLimit: number = ipc.config.maxQueuedBytes;
const peerUid: number | undefined = socket.peer?.uid;
const creds: ipc.PeerCredentials | undefined = socket.peer;
const wrote: boolean = socket.write('text');
socket.write('text', 'utf8');
socket.write('text', 'latin1', (err) => ipc.log(err));
socket.write(Buffer.from('bytes'), () => undefined);
socket.write(new Uint8Array(2));
const ended: ipc.Socket = socket.end();
socket.end(() => undefined);
socket.end('bye');
socket.end('bye', () => undefined);
socket.end(Buffer.from('bye'), 'utf8', () => undefined);
const destroyedSelf: ipc.Socket = socket.destroy();
socket.setEncoding('utf8').setNoDelay(true).setKeepAlive(true, 1000).setTimeout(0).ref().unref();
socket.setEncoding();
// An EventEmitter: 'connect' and 'close'(hadError).
socket.on('close', (hadError) => {
  const flag: boolean = hadError;
  void flag;
});
socket.once('connect', () => undefined);
socket.on('custom', (...args: unknown[]) => ipc.log(args));
const emitterMethods: [number, boolean] = [socket.listenerCount('close'), socket.emit('close', false)];
socket.removeAllListeners('close');
for (const s of server.sockets) s.destroy();
ipc.server.sockets.forEach((s) => s.end());

// The listener facade (ipc.server.server for unix/TCP/TLS) and the UDP socket facade.
const facade = server.server;
if (facade) {
  facade.close();
  facade.close(() => undefined);
  facade.ref().unref();
  const addr = facade.address();
  if (addr !== null && typeof addr !== 'string') {
    const a: string = addr.address;
    const p: number = addr.port;
    void a, p;
  }
  if ('listening' in facade) {
    const l: ipc.Listener = facade;
    const isListening: boolean = l.listening;
    const max: number | undefined = l.maxConnections;
    l.maxConnections = 5;
    l.close((err) => ipc.log(err?.message));
    l.getConnections((err, count) => ipc.log(err, count));
    l.on('listening', () => undefined).once('close', () => undefined);
    const path2: string | net.AddressInfo | null = l.address();
    void isListening, max, path2;
  } else {
    const u: ipc.UdpSocket = facade;
    const bound: net.AddressInfo | null = u.address();
    u.close(() => undefined);
    u.maxConnections = 100;
    void bound;
  }
}

// Negative checks.
// @ts-expect-error server.emit needs the target socket first (the README typo form)
server.emit('message', { a: 1 });
// @ts-expect-error nor a lone value (README typo: `ipc.server.emit([10,20,30])` from a client)
server.emit([10, 20, 30]);
// @ts-expect-error emit returns undefined: not chainable
server.emit(socket, 'a').emit(socket, 'b');
// @ts-expect-error broadcast returns undefined: not chainable
server.broadcast('a').broadcast('b');
// @ts-expect-error the server's `server` may be false (before start)
server.server.close();
// @ts-expect-error the facade is not a net.Socket
const asNet: net.Socket = socket;
// @ts-expect-error no pipe() on the facade
socket.pipe(process.stdout);
server.on('connect', (s) => {
  // Handlers get the facade, typed as net.Socket's members are.
  const where: net.AddressInfo | {} = s.address();
  const counts: number = s.bytesRead + s.bytesWritten;
  const state: 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed' = s.readyState;
  s.setTimeout(1000, () => s.end()).setKeepAlive(true, 5000).setNoDelay(false);
  s.on('data', (chunk: Buffer | string) => void chunk).on('end', () => undefined);
  void where, counts, state;
  // @ts-expect-error setTimeout's callback takes no arguments
  s.setTimeout(1000, (x: number) => x);
});
// @ts-expect-error the socket id is a string or number
socket.id = { name: 'x' };
// @ts-expect-error the facade's state is read-only
socket.destroyed = true;
// @ts-expect-error servers have no connect() (that is a Client method)
server.connect();
// @ts-expect-error rawBuffer emits take bytes, not arbitrary objects
server.emit(socket, { a: 1 });

export {
  config, path, port, udp4, udp6, sockets, listening, chained, offChain, pubChain, emitted,
  broadcasted, sid, connecting, pending, destroyed, readable, writable, remoteAddress, remotePort,
  remoteFamily, encoding, bytesWritten, writableLength, readableLength, wrote, ended,
  needDrain, highWater, queueLimit, peerUid, creds, destroyedSelf, emitterMethods, asNet,
};
