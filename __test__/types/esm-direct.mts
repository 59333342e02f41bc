// index.d.mts itself (imported by file name, so it is checked whatever package.json
// "exports" selects for the `types` condition).
import ipc, { IPCModule, IPC } from '../../index.mjs';
import type {
  EmptyCallback, ConnectCallback, StartCallback, StartInfo, UDPType, RawData, SocketId, Socket,
  Listener, UdpSocket, RemoteInfo, SocketConfig, InvalidFrameError, SendQueue, AnyHandler,
  EventBus, Client, Server, InterfaceConfig, TlsConfig, Config, Singleton,
} from '../../index.mjs';
import cjs = require('../../index.js');
// @ts-expect-error index.mjs exports only default, IPCModule and IPC (no named `serve`, `config`, ...)
import { serve } from '../../index.mjs';

// The default export is the CommonJS singleton's type; IPCModule / IPC are the classes
// (values) and their instance types (types).
const same: typeof cjs = ipc;
const back: Singleton = cjs;
const m: IPCModule = new IPCModule();
const i: IPC = new IPC();
const mClass: typeof cjs.IPCModule = IPCModule;
const iClass: typeof cjs.IPC = IPC;
const isIpc: IPC = m;
// @ts-expect-error IPC instances are not IPCModule instances (no IPC member)
const notModule: IPCModule = i;

type All = [
  EmptyCallback, ConnectCallback, StartCallback, StartInfo, UDPType, RawData, SocketId, Socket,
  Listener, UdpSocket, RemoteInfo, SocketConfig, InvalidFrameError, SendQueue, AnyHandler,
  EventBus, Client, Server, InterfaceConfig, TlsConfig, Config, Singleton,
];
const sameTypes: [cjs.Client, cjs.Server, cjs.Config] = [ipc.of.x, ipc.server, ipc.config] as [Client, Server, Config];

export { same, back, mClass, iClass, isIpc, notModule, sameTypes, serve };
export type { All };
