// Root declaration: the singleton, `IPC`, the 10.x extras `default` and `IPCModule`, and
// the types exported as `ipc.<Type>`.
import ipc = require('node-ipc-native');
import * as star from 'node-ipc-native';
import defaultImported from 'node-ipc-native';

// The singleton is an IPC (and an IPCModule).
const asIpc: ipc.IPC = ipc;
const asModule: ipc.IPCModule = ipc;
const asSingleton: ipc.Singleton = ipc;
const viaStar: ipc.Singleton = star;
const viaDefault: ipc.Singleton = defaultImported;

// The nine IPC members.
const config: ipc.Config = ipc.config;
const of: Record<string, ipc.Client> = ipc.of;
const server: ipc.Server = ipc.server;
ipc.log('a', 1, { b: 2 }, null, undefined);
const connectTo: (id: string, path?: string, callback?: ipc.ConnectCallback) => void = ipc.connectTo;
const connectToNet: (id: string, callback?: ipc.ConnectCallback) => void = ipc.connectToNet;
const disconnect: (id: string) => void = ipc.disconnect;
const serve: (callback?: ipc.StartCallback) => void = ipc.serve;
const serveNet: (port: number, callback?: ipc.StartCallback) => void = ipc.serveNet;

// Independent instances: `new ipc.IPC()` (9.x) — an IPC without the `IPC` member.
const other: ipc.IPC = new ipc.IPC();
other.config.silent = true;
other.serve('/tmp/other');
const otherOf: Record<string, ipc.Client> = other.of;
// @ts-expect-error a plain IPC instance has no IPC member (only the singleton's class has)
other.IPC;
// @ts-expect-error nor `default`
other.default;

// `IPC` is the class; `IPC` is read-only at runtime.
const IPCClass: typeof ipc.IPC = ipc.IPC;
const ctor: new () => ipc.IPC = ipc.IPC;
// @ts-expect-error ipc.IPC is not writable
ipc.IPC = ipc.IPC;

// 10.x style: `require('node-ipc').default` and the IPCModule class.
const tenX: ipc.Singleton = ipc.default;
const tenXTwice: ipc.Singleton = ipc.default.default;
tenX.serve(() => undefined);
const moduleInstance: ipc.IPCModule = new ipc.IPCModule();
const moduleInstanceIPC: typeof ipc.IPC = moduleInstance.IPC;
const fromDefault: ipc.IPCModule = new ipc.default.IPCModule();
// @ts-expect-error a new IPCModule has IPC but not the singleton-only `default`
moduleInstance.default;
// @ts-expect-error `default` is read-only
ipc.default = ipc;

// Every exported type name exists.
type AllTypes = [
  ipc.EmptyCallback, ipc.ConnectCallback, ipc.StartCallback, ipc.StartInfo, ipc.UDPType,
  ipc.RawData, ipc.SocketId, ipc.Socket, ipc.Listener, ipc.UdpSocket, ipc.RemoteInfo,
  ipc.SocketConfig, ipc.InvalidFrameError, ipc.SendQueue, ipc.AnyHandler, ipc.EventBus,
  ipc.Client, ipc.Server, ipc.InterfaceConfig, ipc.TlsConfig, ipc.Config, ipc.IPC,
  ipc.IPCModule, ipc.Singleton,
];
const udpType: ipc.UDPType = 'udp6';
// @ts-expect-error only 'udp4' | 'udp6'
const badUdpType: ipc.UDPType = 'tcp';

export {
  asIpc, asModule, asSingleton, viaStar, viaDefault, config, of, server, connectTo, connectToNet,
  disconnect, serve, serveNet, otherOf, IPCClass, ctor, tenXTwice, moduleInstanceIPC, fromDefault,
  udpType, badUdpType,
};
export type { AllTypes };
