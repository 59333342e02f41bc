// Hand-written types for node-ipc-native (node-ipc 9.x compatible API).
// Assignment-compatible with @types/node-ipc 9.2.3 for the members that exist.

/// <reference types="node" />
import { EventEmitter } from 'events';

declare namespace NodeIPC {
  type EmptyCallback = () => void;

  /** The object handed to server handlers and stored at `server.sockets` / `client.socket`. */
  interface Socket extends EventEmitter {
    /** Set by the server from any received message whose data has a truthy `id` (spec §6.3). */
    id?: string | number;
    readonly destroyed: boolean;
    readonly readable: boolean;
    readonly writable: boolean;
    readonly connecting: boolean;
    readonly remoteAddress?: string;
    readonly remotePort?: number;
    readonly writableLength: number;
    readonly readableLength: number;
    write(data: string | Uint8Array, encoding?: BufferEncoding | (() => void), callback?: () => void): boolean;
    end(data?: string | Uint8Array | (() => void), encoding?: BufferEncoding, callback?: () => void): this;
    destroy(): this;
    setEncoding(encoding: BufferEncoding): this;
  }

  /** `ipc.server.server`: stands where node-ipc exposed its net.Server. */
  interface Listener extends EventEmitter {
    listening: boolean;
    maxConnections?: number;
    address(): string | null;
    close(callback?: (err?: Error) => void): this;
    ref(): this;
    unref(): this;
    getConnections(callback: (err: Error | null, count: number) => void): this;
  }

  interface SocketConfig {
    address?: string;
    port?: number;
  }

  /** Parse-error object published as `error` for a malformed frame (spec §6.5). */
  interface InvalidFrameError {
    message: 'Invalid JSON response format';
    err: Error;
    response: string | null;
  }

  type Handler<This> = (this: This, ...args: any[]) => void;

  interface EventBus<This> {
    on(event: string, handler: Handler<This>): This;
    subscribe(event: string, handler: Handler<This>): This;
    once(event: string, handler: Handler<This>): This;
    off(event: string, handler: Handler<This> | '*'): This;
    unSubscribe(event: string, handler: Handler<This> | '*'): This;
    publish(event: string, ...args: any[]): This;
    trigger(event: string, ...args: any[]): This;
  }

  interface Client extends EventBus<Client> {
    on(event: 'error', callback: (this: Client, err: any) => void): Client;
    on(event: 'connect' | 'disconnect' | 'destroy', callback: (this: Client) => void): Client;
    on(event: 'data', callback: (this: Client, buffer: Buffer) => void): Client;
    on(event: string, callback: (this: Client, ...args: any[]) => void): Client;
    /** Sends a message; dropped silently while disconnected. */
    emit(event: string, value?: any): void;
    connect(): void;
    id: string;
    path: string;
    port?: number;
    socket: Socket | false;
    config: Config;
    retriesRemaining: number;
    explicitlyDisconnected: boolean;
    queue: { add(...jobs: Array<() => void>): void; next(): void; clear(): unknown[]; contents: unknown[]; autoRun: boolean; stop: boolean };
  }

  interface Server extends EventBus<Server> {
    on(event: 'start', callback: (this: Server, info?: SocketConfig) => void): Server;
    on(event: 'connect', callback: (this: Server, socket: Socket) => void): Server;
    on(event: 'close', callback: (this: Server, hadError: boolean) => void): Server;
    on(event: 'socket.disconnected', callback: (this: Server, socket: Socket, destroyedSocketID: string | false) => void): Server;
    on(event: 'error', callback: (this: Server, err: any, socket?: Socket) => void): Server;
    on(event: 'data', callback: (this: Server, buffer: Buffer, socket: Socket) => void): Server;
    on(event: string, callback: (this: Server, data: any, socket: Socket) => void): Server;
    start(): void;
    stop(): void;
    /** Sends to one peer. */
    emit(socket: Socket | SocketConfig, event: string, value?: any): void;
    /** Sends to every connected peer (serialised once, fanned out natively). */
    broadcast(event: string, value?: any): void;
    onStart(info?: SocketConfig): void;
    config: Config;
    path: string;
    port?: number;
    udp4: boolean;
    udp6: boolean;
    server: Listener | false;
    sockets: Socket[];
  }

  interface Config {
    appspace: string;
    socketRoot: string;
    id: string;
    encoding: BufferEncoding;
    rawBuffer: boolean;
    sync: boolean;
    unlink: boolean;
    delimiter: string;
    silent: boolean;
    logDepth: number;
    logInColor: boolean;
    logger: (msg: string) => void;
    maxConnections: number;
    retry: number;
    maxRetries: boolean | number;
    stopRetrying: boolean | number;
    IPType: string;
    tls: false | Record<string, any>;
    networkHost: string;
    networkPort: number;
    readableAll: boolean;
    writableAll: boolean;
    interface: {
      localAddress?: string | false;
      localPort?: number | false;
      family?: number | false;
      hints?: number | false;
      lookup?: ((...args: any[]) => void) | false;
    };
    interfaces?: Config['interface'];
    /** Largest accepted frame in bytes (default 64 MiB); larger frames close the connection with an error. */
    maxMessageSize: number;
  }

  class IPC {
    config: Config;
    of: Record<string, Client>;
    server: Server;
    log(...args: any[]): void;
    connectTo(id: string, path?: string, callback?: (ipc?: IPC) => void): void;
    connectTo(id: string, callback?: (ipc?: IPC) => void): void;
    /** TCP client (TLS when config.tls is set). */
    connectToNet(id: string, host?: string, port?: number, callback?: () => void): void;
    connectToNet(id: string, callback?: () => void): void;
    connectToNet(id: string, hostOrPort: number | string, callback?: () => void): void;
    disconnect(id: string): void;
    serve(path: string, callback?: (this: Server) => void): void;
    serve(callback?: (this: Server) => void): void;
    serve(callback: null): void;
    /** TCP, TLS (config.tls) or UDP ('udp4' | 'udp6') server. */
    serveNet(host?: string, port?: number, UDPType?: 'udp4' | 'udp6', callback?: () => void): void;
    serveNet(UDPType: 'udp4' | 'udp6', callback?: () => void): void;
    serveNet(callbackOrPort: EmptyCallback | number): void;
    serveNet(host: string, port: number, callback?: () => void): void;
  }
}

declare const RootIPC: NodeIPC.IPC & {
  IPC: new () => NodeIPC.IPC;
  /** The singleton itself (node-ipc 10.x style `require(...).default`). */
  default: NodeIPC.IPC & { IPC: new () => NodeIPC.IPC };
  /** The singleton's class (node-ipc 10.x named export). */
  IPCModule: new () => NodeIPC.IPC & { IPC: new () => NodeIPC.IPC };
};

export = RootIPC;
