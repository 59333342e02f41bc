// ipc.of[id]: every Client member, its events with their argument types, emit forms, and
// what must not compile.
import ipc = require('node-ipc-native');

ipc.connectTo('world');
const client: ipc.Client = ipc.of.world;

// State members.
const id: string = client.id;
const path: string = client.path;
const port: number | undefined = client.port;
const socket: ipc.Socket = client.socket;
const config: ipc.Config = client.config;
const shared: boolean = client.config === ipc.config;
const retriesRemaining: number | boolean = client.retriesRemaining;
const explicitlyDisconnected: boolean = client.explicitlyDisconnected;
const queue: ipc.SendQueue = client.queue;
const ClientClass: new (config: ipc.Config, log: (...args: any[]) => void) => ipc.Client = client.Client;
const fresh: ipc.Client = new client.Client(ipc.config, ipc.log);
client.log('client log line', { a: 1 });
client.connect();
client.retriesRemaining = 3;
client.explicitlyDisconnected = true;

// The sync-mode queue (js-queue members).
queue.add(function () { this.next(); }, () => undefined);
queue.next();
const cleared: Array<(this: ipc.SendQueue) => void> = queue.clear();
const contents: number = queue.contents.length;
queue.autoRun = false;
queue.stop = true;

// The socket facade through the client.
const destroyed: boolean = client.socket.destroyed;
const remotePort: number | undefined = client.socket.remotePort;
client.socket.end();

// Events: connect / disconnect / destroy (no arguments, `this` = the client).
client.on('connect', function () {
  const self: ipc.Client = this;
  self.emit('message', { id: ipc.config.id, message: 'hello' });
});
client.on('disconnect', () => ipc.log('disconnected'));
client.on('destroy', () => ipc.log('gave up'));
// 'error': a Node system error or the invalid-frame object.
client.on('error', (err) => {
  ipc.log(err.code, err.message);
  const frameError = err as ipc.InvalidFrameError;
  const text: string | null = frameError.response;
  void text;
});
// 'data' (rawBuffer): a Buffer.
client.on('data', (buffer) => {
  const b: Buffer = buffer;
  ipc.log(b.toString('hex'));
});
// '<type>': the message data only.
client.on('message', (data) => ipc.log(data.message));
client.on('app.message', function (data: { id: string; message: string }) {
  const self: ipc.Client = this;
  void self, data.id;
});
declare const dynamicType: string;
client.on(dynamicType, (data) => ipc.log(data));

// once / subscribe take the same forms; all are chainable and return the client.
const chained: ipc.Client = client
  .on('connect', () => undefined)
  .once('connect', () => undefined)
  .once('error', (err) => ipc.log(err))
  .once('data', (buffer: Buffer) => ipc.log(buffer.length))
  .once('message', (data) => ipc.log(data))
  .subscribe('disconnect', () => undefined)
  .subscribe('error', (err) => ipc.log(err))
  .subscribe('data', (buffer) => ipc.log(buffer.byteLength))
  .subscribe('message', (data) => ipc.log(data));

// off / unSubscribe (a handler or '*'), publish / trigger / emit$ (local only).
const handler = (data: unknown): void => ipc.log(data);
client.on('message', handler);
const offChain: ipc.Client = client.off('message', handler).unSubscribe('message', '*').off('connect', '*');
const pubChain: ipc.Client = client.publish('message', { local: true }).trigger('connect').emit$('x', 1, 2);

// emit: JSON (type, [data]) or rawBuffer (bytes); returns nothing.
client.emit('message');
client.emit('message', { id: ipc.config.id, message: 'hello' });
client.emit('message', 'text');
client.emit(Buffer.from('raw bytes'));
client.emit(new Uint8Array([1, 2, 3]));
client.emit([0x05, 0x6d, 0x5c]);
const emitted: void = client.emit('message', 1);

// Negative checks.
// @ts-expect-error emit returns undefined at runtime: it is not chainable
client.emit('a').emit('b');
// @ts-expect-error emit does not return the client
const notAClient: ipc.Client = client.emit('a', 1);
// @ts-expect-error 'socket.disconnected' is a Server event; a client never publishes it
client.on('socket.disconnected', (sock: ipc.Socket, destroyedSocketID: string) => ipc.log(sock, destroyedSocketID));
// @ts-expect-error not even with a one-argument handler
client.on('socket.disconnected', (sock) => ipc.log(sock));
// @ts-expect-error nor through once
client.once('socket.disconnected', () => undefined);
// @ts-expect-error 'connect' handlers get no arguments
client.on('connect', (sock: ipc.Socket) => ipc.log(sock));
// @ts-expect-error 'data' handlers get a Buffer
client.on('data', (text: string) => ipc.log(text));
// @ts-expect-error '<type>' handlers on a client get (data) only: there is no socket argument
client.on('message', (data: unknown, sock: ipc.Socket) => ipc.log(data, sock));
// @ts-expect-error a handler is required
client.on('message');
// @ts-expect-error off needs the handler or '*'
client.off('message', 'all');
// @ts-expect-error clients have no broadcast (that is a Server method)
client.broadcast('message', 1);
// @ts-expect-error there is no destroy() on a client (9.x has none either): use ipc.disconnect(id)
client.destroy();
// @ts-expect-error emit needs a type
client.emit();
// @ts-expect-error JSON emits take a string type
client.emit({ type: 'message' }, 1);

export {
  id, path, port, socket, config, shared, retriesRemaining, explicitlyDisconnected, ClientClass,
  fresh, cleared, contents, destroyed, remotePort, chained, offChain, pubChain, emitted, notAClient,
};
