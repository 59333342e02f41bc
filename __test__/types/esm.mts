// The ESM entry as users import it: `import ipc, { IPCModule, IPC } from 'node-ipc-native'`
// (resolved through package.json "exports", import condition).
import ipc, { IPCModule, IPC } from 'node-ipc-native';
import type { Client, Server, Config, Socket, RemoteInfo, TlsConfig, Singleton } from 'node-ipc-native';

const singleton: Singleton = ipc;
const sameAsDefault: Singleton = ipc.default;
const moduleClass: typeof IPCModule = ipc.IPCModule;
const ipcClass: typeof IPC = ipc.IPC;
const independent: IPC = new IPC();
const anotherModule: IPCModule = new IPCModule();
const itsIPC: typeof IPC = anotherModule.IPC;
// @ts-expect-error a plain IPC has no IPC member
independent.IPC;

const config: Config = ipc.config;
config.id = 'world';
config.tls = { rejectUnauthorized: false } satisfies TlsConfig;
ipc.serve(function () {
  const server: Server = this;
  server.on('message', (data, socket: Socket) => server.emit(socket, 'message', data));
  server.on('udp', (data: unknown, rinfo: RemoteInfo) => server.emit(rinfo, 'udp', data));
});
ipc.server.start();
ipc.connectTo('world', () => {
  const client: Client = ipc.of.world;
  client.on('connect', () => client.emit('message', 'hello'));
  // @ts-expect-error client emit is not chainable
  client.emit('a').emit('b');
});

export { singleton, sameAsDefault, moduleClass, ipcClass, itsIPC };
