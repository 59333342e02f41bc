// Member-by-member compatibility with @types/node-ipc 9.2.3 (CONTRACT §10), which is imported
// here under another name ('node-ipc' resolves to @types/node-ipc; 'node-ipc-native' to
// our declarations). For each member @types declares:
//  * methods: our function is assignable to theirs (every call form they allow is accepted
//    by ours, with their argument types), or the call forms are checked one by one where
//    the return type differs on purpose;
//  * config keys: assignable both ways where the type is unchanged; where we widened the
//    type (CONTRACT §10 gaps) their values are accepted by ours (writes compile) and the
//    reverse is marked with @ts-expect-error;
//  * deliberate incompatibilities are @ts-expect-error lines with the reason.
import ours = require('node-ipc-native');
import TheirRoot = require('node-ipc');
import * as net from 'net';

type TheirIPC = InstanceType<typeof TheirRoot.IPC>;
type TheirConfig = TheirIPC['config'];
type TheirClient = TheirIPC['of'][string];
type TheirServer = TheirIPC['server'];
type TheirSocketConfig = Exclude<Parameters<TheirServer['emit']>[0], net.Socket>;

// Nothing @types declares is missing from ours.
type Missing<Theirs, Ours> = Exclude<keyof Theirs, keyof Ours>;
const noMissingRootKeys: [Missing<typeof TheirRoot, typeof ours>] extends [never] ? true : false = true;
const noMissingIPCKeys: [Missing<TheirIPC, ours.IPC>] extends [never] ? true : false = true;
const noMissingConfigKeys: [Missing<TheirConfig, ours.Config>] extends [never] ? true : false = true;
const noMissingClientKeys: [Missing<TheirClient, ours.Client>] extends [never] ? true : false = true;
// (@types' Server extends Client; ours does not, so Client-only members are not expected.)
const noMissingServerKeys: [Missing<TheirServer, ours.Server>] extends [never] ? true : false = true;
const noMissingSocketConfigKeys: [Missing<TheirSocketConfig, ours.SocketConfig>] extends [never] ? true : false = true;

declare const theirs: typeof TheirRoot;
declare const theirConfig: TheirConfig;

// ---- Root: RootIPC = IPC & { IPC: new () => IPC } ------------------------------------------
const ctor: new () => ours.IPC = ours.IPC;
const instanceFromTheirShape: { IPC: new () => unknown } = ours;

// ---- IPC methods: ours accepts every call form of theirs -----------------------------------
const log: TheirIPC['log'] = ours.log;
const connectTo: TheirIPC['connectTo'] = ours.connectTo;
const connectToNet: TheirIPC['connectToNet'] = ours.connectToNet;
const disconnect: TheirIPC['disconnect'] = ours.disconnect;
const serve: TheirIPC['serve'] = ours.serve;
const serveNet: TheirIPC['serveNet'] = ours.serveNet;
// ...and the same for a separate instance.
const otherServeNet: TheirIPC['serveNet'] = new ours.IPC().serveNet;
// Their callback type (EmptyCallback) is accepted wherever they accept it.
declare const emptyCallback: () => void;
ours.connectTo('id', emptyCallback);
ours.connectTo('id', '/tmp/x', emptyCallback);
ours.connectToNet('id', emptyCallback);
ours.connectToNet('id', 'host', emptyCallback);
ours.connectToNet('id', 3000, emptyCallback);
ours.connectToNet('id', 'host', 3000, emptyCallback);
ours.serve(emptyCallback);
ours.serve('/tmp/x', emptyCallback);
ours.serve(null);
ours.serveNet(emptyCallback);
ours.serveNet('udp4', emptyCallback);
ours.serveNet('host', 3000, emptyCallback);
ours.serveNet('host', 3000, 'udp6', emptyCallback);
declare const callbackOrPort: (() => void) | number; // their EmptyCallback | number
ours.serveNet(callbackOrPort);

// ---- ipc.of / ipc.server --------------------------------------------------------------------
const ofKeys: Record<string, unknown> = ours.of;
const serverTyped: ours.Server = ours.server; // typed Server like theirs (false at runtime until serve)
// @ts-expect-error whole Client objects differ: emit returns void (theirs claims a chainable Client)
const clientAsTheirs: TheirClient = ours.of.x;
// @ts-expect-error same for Server (emit/broadcast return void; the README's socket-less emit forms are gone)
const serverAsTheirs: TheirServer = ours.server;

// ---- Config: key by key ---------------------------------------------------------------------
const c = ours.config;
// Unchanged types: assignable both ways.
c.appspace = theirConfig.appspace; const appspace: TheirConfig['appspace'] = c.appspace;
c.socketRoot = theirConfig.socketRoot; const socketRoot: TheirConfig['socketRoot'] = c.socketRoot;
c.id = theirConfig.id; const id: TheirConfig['id'] = c.id;
c.networkHost = theirConfig.networkHost; const networkHost: TheirConfig['networkHost'] = c.networkHost;
c.networkPort = theirConfig.networkPort; const networkPort: TheirConfig['networkPort'] = c.networkPort;
c.readableAll = theirConfig.readableAll; const readableAll: TheirConfig['readableAll'] = c.readableAll;
c.writableAll = theirConfig.writableAll; const writableAll: TheirConfig['writableAll'] = c.writableAll;
c.rawBuffer = theirConfig.rawBuffer; const rawBuffer: TheirConfig['rawBuffer'] = c.rawBuffer;
c.sync = theirConfig.sync; const sync: TheirConfig['sync'] = c.sync;
c.silent = theirConfig.silent; const silent: TheirConfig['silent'] = c.silent;
c.logInColor = theirConfig.logInColor; const logInColor: TheirConfig['logInColor'] = c.logInColor;
c.logDepth = theirConfig.logDepth; const logDepth: TheirConfig['logDepth'] = c.logDepth;
c.logger = theirConfig.logger; const logger: TheirConfig['logger'] = c.logger;
c.maxConnections = theirConfig.maxConnections; const maxConnections: TheirConfig['maxConnections'] = c.maxConnections;
c.retry = theirConfig.retry; const retry: TheirConfig['retry'] = c.retry;
c.maxRetries = theirConfig.maxRetries; const maxRetries: TheirConfig['maxRetries'] = c.maxRetries;
c.unlink = theirConfig.unlink; const unlink: TheirConfig['unlink'] = c.unlink;
// Widened (CONTRACT §10): their values are accepted...
c.encoding = theirConfig.encoding;
c.stopRetrying = theirConfig.stopRetrying;
c.tls = theirConfig.tls;
// ...the reverse is wider on purpose (read from a fresh reference: the writes above narrowed `c.*`).
declare const ourConfig: ours.Config;
// @ts-expect-error encoding is any BufferEncoding (latin1, binary, base64url, ... work too)
const encoding: TheirConfig['encoding'] = ourConfig.encoding;
// @ts-expect-error stopRetrying may be a number (any truthy value stops retrying)
const stopRetrying: TheirConfig['stopRetrying'] = ourConfig.stopRetrying;
// @ts-expect-error tls is `false` by default
const tls: TheirConfig['tls'] = ourConfig.tls;
// interfaces: the documented spelling exists as an optional alias of `interface`; fields
// take real values. Their documented defaults (all false) are accepted.
c.interfaces = { localAddress: false, localPort: false, family: false, hints: false, lookup: false };
c.interface = { localAddress: false, localPort: false, family: false, hints: false, lookup: false };
// @ts-expect-error `true` is not a meaningful value for localAddress/localPort/family/hints/lookup
c.interfaces = theirConfig.interfaces;
// @ts-expect-error `interfaces` is absent unless set (reading its fields unguarded would throw)
const interfaces: TheirConfig['interfaces'] = ourConfig.interfaces;

// ---- Client: every member --------------------------------------------------------------------
const client = ours.of.x;
// on: every overload of theirs, with their callback types (except 'socket.disconnected', a Server event).
declare const anyHandler: (...args: any[]) => void;
declare const errorHandler: (err: any) => void;
declare const dataHandler: (buffer: Buffer) => void;
declare const theirSocketDisconnected: (socket: net.Socket, destroyedSocketID: string) => void;
const onChain: ours.Client = client
  .on('message', anyHandler)
  .on('error', errorHandler)
  .on('connect', emptyCallback)
  .on('disconnect', emptyCallback)
  .on('destroy', emptyCallback)
  .on('data', dataHandler);
// @ts-expect-error a client never publishes 'socket.disconnected' (@types lists it on Client by mistake)
client.on('socket.disconnected', theirSocketDisconnected);
// emit: their call forms compile; the result is void, not a Client.
client.emit('message');
client.emit('message', { any: 'value' });
// @ts-expect-error emit returns undefined at runtime
const emitResult: TheirClient = client.emit('message', 1);
// off: handler `any` in theirs; functions and '*' in ours.
declare const offHandler: any;
const offChain: ours.Client = client.off('message', offHandler).off('message', anyHandler);

// ---- Server: every member ----------------------------------------------------------------------
const server = ours.server;
const start: TheirServer['start'] = server.start;
const stop: TheirServer['stop'] = server.stop;
// on (inherited from their Client): every overload, their callback types.
const serverOnChain: ours.Server = server
  .on('message', anyHandler)
  .on('error', errorHandler)
  .on('connect', emptyCallback)
  .on('disconnect', emptyCallback)
  .on('destroy', emptyCallback)
  .on('data', dataHandler)
  .on('socket.disconnected', theirSocketDisconnected);
const serverOff: ours.Server = server.off('message', offHandler);
// emit: their socket-first forms with their argument types.
declare const theirTarget: net.Socket | TheirSocketConfig;
server.emit(theirTarget, 'message', { any: 'value' });
server.emit(theirTarget, 'message');
server.emit(theirTarget, 'hello'); // emit(socketConfig, value) with a string value (rawBuffer form)
server.emit(theirTarget, Buffer.from('raw'));
// @ts-expect-error emit(value): no target socket — at runtime the value is used as the socket (throws)
server.emit({ any: 'value' });
// @ts-expect-error emit(event, value): same (the README's client-side typo)
server.emit('message', { any: 'value' });
// @ts-expect-error emit returns undefined, not a Server
const serverEmitResult: TheirServer = server.emit(theirTarget, 'message', 1);
// broadcast: their call forms; returns void.
server.broadcast('message');
server.broadcast('message', { any: 'value' });
// @ts-expect-error broadcast returns undefined, not a Client
const broadcastResult: TheirClient = server.broadcast('message', 1);

// ---- SocketConfig: both ways ---------------------------------------------------------------------
declare const theirSocketConfig: TheirSocketConfig;
const socketConfig: ours.SocketConfig = theirSocketConfig;
const socketConfigBack: TheirSocketConfig = socketConfig;
// ---- EmptyCallback: identical ------------------------------------------------------------------
const empty: ours.EmptyCallback = emptyCallback;
const emptyBack: Parameters<TheirIPC['connectTo']>[1] = empty; // their callback parameter type

export {
  noMissingRootKeys, noMissingIPCKeys, noMissingConfigKeys, noMissingClientKeys, noMissingServerKeys,
  noMissingSocketConfigKeys, theirs, ctor, instanceFromTheirShape, log, connectTo, connectToNet,
  disconnect, serve, serveNet, otherServeNet, ofKeys, serverTyped, clientAsTheirs, serverAsTheirs,
  appspace, socketRoot, id, networkHost, networkPort, readableAll, writableAll, rawBuffer, sync,
  silent, logInColor, logDepth, logger, maxConnections, retry, maxRetries, unlink, encoding,
  stopRetrying, tls, interfaces, onChain, emitResult, offChain, start, stop, serverOnChain,
  serverOff, serverEmitResult, broadcastResult, socketConfigBack, emptyBack,
};
