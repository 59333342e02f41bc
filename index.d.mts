// Types of the ESM entry (index.mjs):
//
//   import ipc, { IPCModule, IPC } from 'node-ipc-native';
//   import type { Client, Server, Config } from 'node-ipc-native';
//
// The default export is the same singleton `require('node-ipc-native')` returns (typed by
// index.d.ts); IPCModule is its class and IPC the plain instance class.
import ipc from './index.js';

export default ipc;

/** The class of the singleton (node-ipc 10.x named export). */
export declare const IPCModule: typeof ipc.IPCModule;
export type IPCModule = ipc.IPCModule;

/** The IPC class, for independent instances: `new IPC()`. */
export declare const IPC: typeof ipc.IPC;
export type IPC = ipc.IPC;

export type {
  EmptyCallback,
  ConnectCallback,
  StartCallback,
  StartInfo,
  UDPType,
  RawData,
  SocketId,
  Socket,
  PeerCredentials,
  Listener,
  UdpSocket,
  RemoteInfo,
  SocketConfig,
  InvalidFrameError,
  SendQueue,
  AnyHandler,
  RequestOptions,
  RequestError,
  RequestHandler,
  EventBus,
  Client,
  Server,
  InterfaceConfig,
  TlsConfig,
  Config,
  Singleton,
} from './index.js';
