// Hand-written types for node-ipc-native (the node-ipc 9.2.1 compatible API), CommonJS:
//
//   import ipc = require('node-ipc-native');      // or: const ipc = require('node-ipc-native')
//   import * as ipc from 'node-ipc-native';
//   const other = new ipc.IPC();                   // an independent instance
//   const ipc10 = require('node-ipc-native').default;  // node-ipc 10.x style (same singleton)
//   let client: ipc.Client;                        // the types: ipc.Client, ipc.Server, ipc.Config, ...
//
// The ESM entry (index.mjs) is typed by index.d.mts.
//
// Relation to @types/node-ipc 9.2.3 (CONTRACT §10): every member it declares is declared here,
// and code written against it compiles unchanged (__test__/types/legacy-programs.ts), except
// where the @types declaration describes something that does not work at runtime:
//
// * `emit` (Client and Server) and `broadcast` return `void`, not a chainable Client: they
//   return `undefined` at runtime, so `client.emit('a').emit('b')` would throw.
// * `server.emit(value)` and `server.emit('type', value)` (the README's typo forms, without
//   a target socket) are not declared: at runtime the first argument is used as the target
//   socket, and they throw or send nothing.
// * `'socket.disconnected'` is a Server event only; a Client never publishes it. Client
//   `'<type>'` handlers take `(data)` only (there is no socket argument on a client).
// * `config.interfaces` (the README's spelling) is optional: it does not exist unless you
//   set it (`config.interface` is the key that exists; `interfaces` is read as a fallback).
//   Its fields take their real types (`localAddress: string`, ...) instead of `boolean`.
// * Config keys are widened to what the runtime accepts (`encoding: BufferEncoding`,
//   `stopRetrying: boolean | number`, `tls: false | {...}`): writing them accepts every value
//   @types accepted; reading them gives the wider type.
// * The six IPC methods and `IPC` are read-only (non-writable own properties at runtime).
//
// Handler parameters are typed (the socket facade, Buffer, ...) where @types left them
// `any` (its catch-all overload came first, so none of its typed overloads was ever picked).
// On Server a last catch-all overload still accepts any handler shape, e.g. handlers
// annotated `socket: net.Socket` as written for @types, or `rinfo: dgram.RemoteInfo` (UDP).
// `ipc.server` is typed `Server` although it is `false` until serve()/serveNet() (see IPC).
//
// Because of the `emit` return type, a whole Client/Server/IPC object of ours is not
// assignable to the @types interfaces; every other member is (__test__/types/compat.ts).

/// <reference types="node" />
import { EventEmitter } from 'events';
import type { AddressInfo, LookupFunction, Socket as NetSocket } from 'net';
import type { ConnectionOptions, TlsOptions } from 'tls';
import type { RemoteInfo as DgramRemoteInfo } from 'dgram';

declare namespace NodeIPC {
  /** A callback without arguments (kept from @types/node-ipc). */
  type EmptyCallback = () => void;

  /**
   * `connectTo`/`connectToNet` callback: runs synchronously, before the connection is
   * established, with the IPC instance as its argument — or with no argument when a client
   * with that id is already connecting or connected (CONTRACT §3.2 step 5).
   */
  type ConnectCallback = (ipc?: IPC) => void;

  /** What a UDP server's `start` event (and `serveNet` callback) receives. */
  interface StartInfo {
    address: string;
    port: number;
  }

  /**
   * `serve`/`serveNet` callback: subscribed to the server's `start` event, so it runs with
   * `this` = the Server once it listens; `info` is `undefined` for unix/pipe/TCP/TLS
   * servers and `{address, port}` for UDP servers.
   */
  type StartCallback = (this: Server, info?: StartInfo) => void;

  type UDPType = 'udp4' | 'udp6';

  /**
   * What `emit`/`broadcast` send in rawBuffer mode (`config.rawBuffer = true`): the bytes
   * of `Buffer.from(data, config.encoding)` — a string, a Buffer/Uint8Array or an array of
   * byte values.
   */
  type RawData = string | Uint8Array | readonly number[];

  /** A peer id: the truthy `data.id` of a message received on that socket (CONTRACT §6.3). */
  type SocketId = string | number;

  /** A Unix socket peer's process (see `Socket.peer`). */
  interface PeerCredentials {
    /** The peer's process id, where the platform reports it. */
    readonly pid?: number | undefined;
    /** Its effective user id. */
    readonly uid: number;
    /** Its effective group id. */
    readonly gid: number;
  }

  /**
   * The object node-ipc handed out as a `net.Socket`: in server handlers, in
   * `server.sockets` and at `client.socket`. It is an EventEmitter with net.Socket's
   * members and events below, not a `net.Socket` (the connection is owned by the native
   * addon).
   */
  interface Socket extends EventEmitter {
    /** Set by the server from any received message whose data has a truthy `id`. */
    id?: SocketId | undefined;
    readonly connecting: boolean;
    /** As net.Socket: `true` while connecting and once closed. */
    readonly pending: boolean;
    readonly destroyed: boolean;
    readonly readable: boolean;
    readonly writable: boolean;
    /** As net.Socket computes it from `connecting`, `readable` and `writable`. */
    readonly readyState: 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed';
    /** `undefined` for unix sockets / pipes. */
    readonly remoteAddress?: string | undefined;
    readonly remotePort?: number | undefined;
    readonly remoteFamily?: 'IPv4' | 'IPv6' | undefined;
    /** The local end of a TCP connection (`undefined` for unix sockets, and once closed). */
    readonly localAddress?: string | undefined;
    readonly localPort?: number | undefined;
    readonly localFamily?: 'IPv4' | 'IPv6' | undefined;
    /**
     * node-ipc-native only: the process at the other end of a Unix socket, as the kernel
     * reported it when the connection was made (`SO_PEERCRED` / `getpeereid`); it cannot
     * be forged by the peer. `undefined` over TCP, TLS over TCP, and Windows pipes.
     */
    readonly peer?: PeerCredentials | undefined;
    /** The encoding given to `setEncoding` (node-ipc sets `config.encoding`). */
    readonly encoding: BufferEncoding | null;
    /** Bytes received so far. */
    readonly bytesRead: number;
    /** Bytes accepted by `write` so far. */
    readonly bytesWritten: number;
    /** Bytes written and not yet handed to the kernel. */
    readonly writableLength: number;
    /** `true` after `write` returned `false`, until `'drain'`. */
    readonly writableNeedDrain: boolean;
    /** 16384, as net.Socket's default on Node 20. */
    readonly writableHighWaterMark: number;
    /** Always 0: received data is delivered as it arrives. */
    readonly readableLength: number;
    /** The idle timeout given to `setTimeout` (ms), `undefined` if none was given. */
    readonly timeout?: number | undefined;
    /**
     * Queues data. Returns `false` when the caller should wait for `'drain'` before
     * writing more (bytes wait for the peer, or the chunk reached the high-water mark),
     * and when the socket is closed (the data is then dropped). `callback` runs once the
     * data is on its way (after the connection is made, and after `'drain'` if it had to
     * wait).
     */
    write(data: string | Uint8Array, callback?: (err?: Error | null) => void): boolean;
    write(data: string | Uint8Array, encoding?: BufferEncoding, callback?: (err?: Error | null) => void): boolean;
    /** Sends what is queued, then half-closes; `callback` runs on `close`. */
    end(callback?: () => void): this;
    end(data: string | Uint8Array, callback?: () => void): this;
    end(data: string | Uint8Array, encoding?: BufferEncoding, callback?: () => void): this;
    /** Closes the connection; data written before is still sent. */
    destroy(): this;
    setEncoding(encoding?: BufferEncoding): this;
    /** `{address, family, port}` of the local end of a TCP connection; `{}` otherwise. */
    address(): AddressInfo | {};
    /** TCP_NODELAY (connections start with it on); no effect on unix sockets / pipes. */
    setNoDelay(noDelay?: boolean): this;
    /** Keep-alive probes after `initialDelay` ms of silence (TCP); no effect on unix sockets / pipes. */
    setKeepAlive(enable?: boolean, initialDelay?: number): this;
    /** Emits `'timeout'` after `timeout` ms without reads or writes (0 disarms); the socket stays open. */
    setTimeout(timeout: number, callback?: () => void): this;
    /** Accepted for compatibility; no effect (an open connection keeps the process alive). */
    ref(): this;
    /** Accepted for compatibility; no effect. */
    unref(): this;
    on(event: 'connect' | 'ready' | 'end' | 'timeout' | 'drain', listener: () => void): this;
    on(event: 'data', listener: (data: Buffer | string) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'close', listener: (hadError: boolean) => void): this;
    on(event: string | symbol, listener: (...args: any[]) => void): this;
    once(event: 'connect' | 'ready' | 'end' | 'timeout' | 'drain', listener: () => void): this;
    once(event: 'data', listener: (data: Buffer | string) => void): this;
    once(event: 'error', listener: (err: Error) => void): this;
    once(event: 'close', listener: (hadError: boolean) => void): this;
    once(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  /** `server.server` of a unix/pipe/TCP/TLS server once started (stands for the net.Server). */
  interface Listener extends EventEmitter {
    readonly listening: boolean;
    /** Set from `config.maxConnections` by `start()`. */
    maxConnections: number | undefined;
    /**
     * The socket path (unix/pipe) or `{address, family, port}` where a TCP listener is
     * bound (the real port for port 0); `null` when not listening.
     */
    address(): string | AddressInfo | null;
    /**
     * Stops accepting connections (accepted ones stay open). `callback` runs once every
     * accepted connection has closed too, or with an error if the server was not listening.
     */
    close(callback?: (err?: Error) => void): this;
    ref(): this;
    unref(): this;
    getConnections(callback: (err: Error | null, count: number) => void): this;
    on(event: 'listening' | 'close', listener: () => void): this;
    on(event: string | symbol, listener: (...args: any[]) => void): this;
    once(event: 'listening' | 'close', listener: () => void): this;
    once(event: string | symbol, listener: (...args: any[]) => void): this;
  }

  /**
   * `server.server` of a UDP server once started (stands for the dgram.Socket); also the
   * only entry of its `server.sockets` and the argument of its `connect` event.
   */
  interface UdpSocket extends EventEmitter {
    /** Set from `config.maxConnections` by `start()` (meaningless for UDP, as in node-ipc). */
    maxConnections?: number | undefined;
    /** `{address, family, port}` once bound, else `null`. */
    address(): AddressInfo | null;
    close(callback?: () => void): this;
    ref(): this;
    unref(): this;
  }

  /**
   * The `socket` argument of a UDP server's message handlers: the sender, directly usable
   * as the target of `server.emit`.
   */
  interface RemoteInfo extends DgramRemoteInfo {
    /** The truthy `data.id` of the last message of the datagram, if any. */
    id?: SocketId | undefined;
  }

  /** A UDP target for `server.emit` (kept from @types/node-ipc). */
  interface SocketConfig {
    address?: string | undefined;
    port?: number | undefined;
  }

  /** Published as `error` for a received frame that cannot be parsed (CONTRACT §6.5). */
  interface InvalidFrameError {
    message: 'Invalid JSON response format';
    err: Error;
    response: string | null;
  }

  /** `client.queue`: the sync-mode send queue (CONTRACT §5.5), js-queue's members. */
  interface SendQueue {
    /** Pending jobs, oldest first. */
    contents: Array<(this: SendQueue) => void>;
    autoRun: boolean;
    stop: boolean;
    /** Appends jobs; runs the first one when the queue is idle. */
    add(...jobs: Array<(this: SendQueue) => void>): void;
    /** Runs the next job, or marks the queue idle. */
    next(): void;
    /** Drops every pending job. */
    clear(): Array<(this: SendQueue) => void>;
  }

  /** Options of `client.request()` (docs/REQUEST.md). */
  interface RequestOptions {
    /**
     * Milliseconds to wait for the reply (default 10000); `0` or `Infinity`: no timeout.
     * At most 2147483647.
     */
    timeout?: number | undefined;
  }

  /**
   * What a `client.request()` Promise rejects with. `code` is `'ERR_IPC_REQUEST_TIMEOUT'`,
   * `'ERR_IPC_DISCONNECTED'`, `'ERR_INVALID_ARG_TYPE'`, `'ERR_OUT_OF_RANGE'`,
   * `'ERR_IPC_RAW_BUFFER'`, or, when the remote handler failed (`remote: true`), the code
   * the remote error had, if any; `name` and `message` are then the remote ones.
   */
  interface RequestError extends Error {
    code?: string | undefined;
    remote?: true | undefined;
  }

  /**
   * A `server.handle()` handler: gets the request's data and the socket it came on; what
   * it returns (or its Promise resolves to) is the reply's data, what it throws (or its
   * Promise rejects with) becomes the error reply. `this` is the server.
   */
  type RequestHandler<T = any> = (this: Server, data: T, socket: Socket) => unknown;

  /** A handler for `off`/`unSubscribe`: the function given to `on`/`once`, or '*' for all. */
  type AnyHandler = ((...args: any[]) => void) | '*';

  /** Event-bus members shared by Client and Server (CONTRACT §4.9). */
  interface EventBus {
    /**
     * Unsubscribes every registration of `handler` from `event` (`'*'`: every handler of
     * `event`). Throws a ReferenceError when `event` has handlers and `handler` is missing.
     */
    off(event: string, handler: AnyHandler): this;
    /** Same as `off`. */
    unSubscribe(event: string, handler: AnyHandler): this;
    /** Calls the local handlers of `event` (never sends anything over the network). */
    publish(event: string, ...args: any[]): this;
    /** Same as `publish`. */
    trigger(event: string, ...args: any[]): this;
    /** Same as `publish` (event-pubsub's original `emit`, kept under this name). */
    emit$(event: string, ...args: any[]): this;
    /** The IPC instance's `log`. */
    log(...args: any[]): void;
  }

  /** Client event names with their own typed handlers. */
  type ClientEventName = 'connect' | 'disconnect' | 'destroy' | 'error' | 'data' | 'socket.disconnected';

  /** `ipc.of[id]`: created by `connectTo`/`connectToNet` (CONTRACT §5). */
  interface Client extends EventBus {
    /** connect: socket connected. disconnect: socket closed (every time). destroy: no more retries. */
    on(event: 'connect' | 'disconnect' | 'destroy', callback: (this: Client) => void): this;
    /** A socket error (a Node system error) or an {@link InvalidFrameError}. */
    on(event: 'error', callback: (this: Client, err: any) => void): this;
    /** rawBuffer mode: each received chunk. */
    on(event: 'data', callback: (this: Client, buffer: Buffer) => void): this;
    /** A JSON message of that type arrived: the handler gets its data (no socket argument). */
    on<E extends string>(event: E extends ClientEventName ? never : E, callback: (this: Client, data: any) => void): this;
    once(event: 'connect' | 'disconnect' | 'destroy', callback: (this: Client) => void): this;
    once(event: 'error', callback: (this: Client, err: any) => void): this;
    once(event: 'data', callback: (this: Client, buffer: Buffer) => void): this;
    once<E extends string>(event: E extends ClientEventName ? never : E, callback: (this: Client, data: any) => void): this;
    /** Same as `on`. */
    subscribe(event: 'connect' | 'disconnect' | 'destroy', callback: (this: Client) => void): this;
    subscribe(event: 'error', callback: (this: Client, err: any) => void): this;
    subscribe(event: 'data', callback: (this: Client, buffer: Buffer) => void): this;
    subscribe<E extends string>(event: E extends ClientEventName ? never : E, callback: (this: Client, data: any) => void): this;
    /**
     * Sends a message `{type: event, data: value}` (rawBuffer mode: sends `event` as bytes,
     * `value` is ignored). Not chainable. Dropped silently while disconnected.
     */
    emit(event: string, value?: any): void;
    emit(rawData: RawData): void;
    /**
     * Request/response (docs/REQUEST.md): sends the message `{type, data: {$req, data}}`
     * and resolves with the data of the matching `type + '.reply'` message (`undefined`
     * when it has none). Rejects with a {@link RequestError}: the remote error (`remote:
     * true`), `ERR_IPC_REQUEST_TIMEOUT`, `ERR_IPC_DISCONNECTED` (connection lost before the
     * reply, or not connected), or an argument error. `T` is not checked at runtime.
     */
    request<T = unknown>(type: string, data?: unknown, options?: RequestOptions | null): Promise<T>;
    /** Starts a connection attempt (connectTo/connectToNet already did). */
    connect(): void;
    /** The id given to connectTo/connectToNet (the key in `ipc.of`). */
    id: string;
    /** The unix socket path / pipe name, or the host for connectToNet. */
    path: string;
    /** The TCP port (connectToNet only). */
    port?: number | undefined;
    /**
     * The socket of the current (or last) connection attempt. Set synchronously by
     * `connect()`, so every client reachable through `ipc.of` has one (`false` only on a
     * Client constructed by hand and never connected — not modelled).
     */
    socket: Socket;
    /** The IPC instance's config (shared by reference). */
    config: Config;
    /**
     * Reconnects left: starts as `config.maxRetries || 0` and is reset to
     * `config.maxRetries` on every successful connect (so it may be a boolean then).
     */
    retriesRemaining: number | boolean;
    /** Set by `ipc.disconnect(id)`: no reconnect will happen. */
    explicitlyDisconnected: boolean;
    /** The sync-mode send queue. */
    queue: SendQueue;
    /** The Client class. */
    Client: new (config: Config, log: (...args: any[]) => void) => Client;
  }

  /** `ipc.server`: created by `serve`/`serveNet`, listening after `start()` (CONTRACT §4). */
  interface Server extends EventBus {
    /** Listening (unix/TCP/TLS: no argument; UDP: `{address, port}`). */
    on(event: 'start', callback: (this: Server, info?: StartInfo) => void): this;
    /** A connection was accepted (UDP: once, with the {@link UdpSocket}, when bound). */
    on(event: 'connect', callback: (this: Server, socket: Socket) => void): this;
    /** A connection closed; the argument is `hadError` (UDP: `undefined`), not the socket. */
    on(event: 'close', callback: (this: Server, hadError?: boolean) => void): this;
    /** A connection closed and was removed from `sockets` (published before `close`). */
    on(event: 'socket.disconnected', callback: (this: Server, socket: Socket, destroyedSocketID: SocketId | false) => void): this;
    /** A listen or socket error (no socket argument), or an {@link InvalidFrameError} with the socket. */
    on(event: 'error', callback: (this: Server, err: any, socket?: Socket) => void): this;
    /** rawBuffer mode: each received chunk (UDP: datagram; the socket is then a {@link RemoteInfo}). */
    on(event: 'data', callback: (this: Server, buffer: Buffer, socket: Socket) => void): this;
    /**
     * A JSON message of that type arrived, with its data and the socket it came on. For UDP
     * servers `socket` is the sender's {@link RemoteInfo}: annotate it as such (the last
     * overload accepts any handler).
     */
    on(event: string, callback: (this: Server, data: any, socket: Socket) => void): this;
    /** Any other handler shape (e.g. a UDP handler `(data, rinfo: RemoteInfo) => ...`). */
    on(event: string, callback: (this: Server, ...args: any[]) => void): this;
    once(event: 'start', callback: (this: Server, info?: StartInfo) => void): this;
    once(event: 'connect', callback: (this: Server, socket: Socket) => void): this;
    once(event: 'close', callback: (this: Server, hadError?: boolean) => void): this;
    once(event: 'socket.disconnected', callback: (this: Server, socket: Socket, destroyedSocketID: SocketId | false) => void): this;
    once(event: 'error', callback: (this: Server, err: any, socket?: Socket) => void): this;
    once(event: 'data', callback: (this: Server, buffer: Buffer, socket: Socket) => void): this;
    once(event: string, callback: (this: Server, data: any, socket: Socket) => void): this;
    once(event: string, callback: (this: Server, ...args: any[]) => void): this;
    /** Same as `on`. */
    subscribe(event: 'start', callback: (this: Server, info?: StartInfo) => void): this;
    subscribe(event: 'connect', callback: (this: Server, socket: Socket) => void): this;
    subscribe(event: 'close', callback: (this: Server, hadError?: boolean) => void): this;
    subscribe(event: 'socket.disconnected', callback: (this: Server, socket: Socket, destroyedSocketID: SocketId | false) => void): this;
    subscribe(event: 'error', callback: (this: Server, err: any, socket?: Socket) => void): this;
    subscribe(event: 'data', callback: (this: Server, buffer: Buffer, socket: Socket) => void): this;
    subscribe(event: string, callback: (this: Server, data: any, socket: Socket) => void): this;
    subscribe(event: string, callback: (this: Server, ...args: any[]) => void): this;
    /**
     * Answers requests of `type` (messages whose data is `{$req, data}`, see
     * docs/REQUEST.md) with `handler(data, socket)`, replying `type + '.reply'`. Adds an
     * ordinary listener of `type`. Throws `ERR_IPC_HANDLER_EXISTS` if `type` has a handler.
     */
    handle<T = any>(type: string, handler: RequestHandler<T>): this;
    /** Removes the handler of `type`; whether there was one. */
    unhandle(type: string): boolean;
    /** Starts listening; `start` is published once it listens. */
    start(): void;
    /** Stops accepting connections (`server.close()`); accepted ones stay open. Throws before `start()`. */
    stop(): void;
    /**
     * Sends `{type: event, data: value}` to one peer: a socket of this server, or for UDP a
     * `{address, port}` target (a received {@link RemoteInfo} works). Not chainable.
     * (`net.Socket` is accepted so that handlers annotated `socket: net.Socket`, as written
     * for @types/node-ipc, compile; what the server hands out is a {@link Socket}.)
     */
    emit(socket: Socket | NetSocket | SocketConfig, event: string, value?: any): void;
    /** rawBuffer mode: sends `rawData` as bytes. */
    emit(socket: Socket | NetSocket | SocketConfig, rawData: RawData): void;
    /** Sends to every connected socket (UDP: to nobody, as in node-ipc). Not chainable. */
    broadcast(event: string, value?: any): void;
    broadcast(rawData: RawData): void;
    /** Publishes `start` (node-ipc's internal hook). */
    onStart(info?: StartInfo): void;
    /** The IPC instance's config (shared by reference). */
    config: Config;
    /** The unix socket path / pipe name (`serve`), or the host (`serveNet`). */
    path: string;
    /** The port (`serveNet` only). */
    port?: number | undefined;
    udp4: boolean;
    udp6: boolean;
    /** `false` until `start()`; then the {@link Listener}, or the {@link UdpSocket} for UDP. */
    server: Listener | UdpSocket | false;
    /** Connected sockets (UDP: only the {@link UdpSocket} itself, once bound). */
    sockets: Socket[];
  }

  /** `config.interface`: options copied into TCP/TLS client connects when truthy. */
  interface InterfaceConfig {
    localAddress?: string | false | undefined;
    localPort?: number | false | undefined;
    family?: number | false | undefined;
    hints?: number | false | undefined;
    lookup?: LookupFunction | false | undefined;
  }

  /**
   * `config.tls`: node-ipc's keys plus Node TLS options. Honoured: `public`/`private`
   * (paths) or inline `cert`/`key`, `trustedConnections` (paths) or inline `ca`,
   * `rejectUnauthorized`, `requestCert` (server), `servername` (client). Other Node TLS
   * options are accepted and ignored.
   */
  type TlsConfig = TlsOptions & ConnectionOptions & {
    /** Path of the certificate PEM file. */
    public?: string | undefined;
    /** Path of the private key PEM file. */
    private?: string | undefined;
    /** Path of a DH parameters file (server; read, not used: ECDHE is negotiated). */
    dhparam?: string | Buffer | undefined;
    /** Path(s) of the CA / peer certificates to trust. */
    trustedConnections?: string | string[] | undefined;
    requestCert?: boolean | undefined;
    rejectUnauthorized?: boolean | undefined;
    servername?: string | undefined;
  };

  /** `ipc.config` (CONTRACT §2); shared by reference with every Server and Client. */
  interface Config {
    /** Default `'app.'`: middle part of the default unix socket path. */
    appspace: string;
    /** Default `'/tmp/'`: first part of the default unix socket path (must end with '/'). */
    socketRoot: string;
    /** Default `os.hostname()`: the id `serve()` uses for its default path. */
    id: string;
    /** Default `'utf8'`. */
    encoding: BufferEncoding;
    /** Default `false`: send/receive raw bytes instead of JSON messages. */
    rawBuffer: boolean;
    /** Default `false`: a client sends its next message only after data came back. */
    sync: boolean;
    /** Default `true`: delete the file at the unix socket path before listening. */
    unlink: boolean;
    /** Default `'\f'`: frame terminator, read when a Client/Server is created. */
    delimiter: string;
    /** Default `false`: `true` suppresses all logging. */
    silent: boolean;
    /** Default 5: `util.inspect` depth for logged objects. */
    logDepth: number;
    /** Default `true`: `util.inspect` colours for logged objects. */
    logInColor: boolean;
    /** Default `console.log`: receives each log line. */
    logger(msg: string): void;
    /** Default 100: connection limit of unix, TCP and TLS servers. */
    maxConnections: number;
    /** Default 500: milliseconds before a client reconnects. */
    retry: number;
    /** Default `Infinity`: reconnect budget (`false`/0: never reconnect). */
    maxRetries: boolean | number;
    /** Default `false`: any truthy value stops reconnecting. */
    stopRetrying: boolean | number;
    /** Always `''` in node-ipc 9.x (its detection never succeeds). */
    IPType: string;
    /** Default `false`: TLS options enable TLS for TCP clients and non-UDP servers. */
    tls: false | TlsConfig;
    /** Default `'127.0.0.1'`. */
    networkHost: string;
    /** Default 8000. */
    networkPort: number;
    /** Default `false`: make the unix socket readable by all users. */
    readableAll: boolean;
    /** Default `false`: make the unix socket writable by all users. */
    writableAll: boolean;
    /** Client connect options (all `false` by default). */
    interface: InterfaceConfig;
    /** The README's (and @types') spelling; not present by default, read as a fallback for `interface`. */
    interfaces?: InterfaceConfig | undefined;
    /**
     * Default 64 MiB (node-ipc-native only): largest accepted frame, in bytes; a larger
     * frame closes the connection with an error.
     */
    maxMessageSize: number;
    /**
     * Default 64 MiB (node-ipc-native only): a connection whose queue of bytes not yet
     * taken by the peer would grow past this is destroyed with an `ENOBUFS` error (the
     * peer does not read). `0` or `Infinity`: no limit.
     */
    maxQueuedBytes: number;
  }

  /**
   * An IPC instance. `log`, `connectTo`, `connectToNet`, `disconnect`, `serve` and
   * `serveNet` are own, non-writable properties at runtime (not prototype methods), hence
   * declared as read-only function properties (this also keeps them visible through
   * `import * as ipc from 'node-ipc-native'`).
   */
  class IPC {
    /** Set keys here to change defaults; shared by this instance's servers and clients. */
    config: Config;
    /** Logs through `config.logger` unless `config.silent`. */
    readonly log: (...args: any[]) => void;
    /**
     * Unix socket / Windows pipe client; stored at `ipc.of[id]`. `path` defaults to
     * `config.socketRoot + config.appspace + id`.
     */
    readonly connectTo: {
      (id: string, path?: string, callback?: ConnectCallback): void;
      (id: string, callback?: ConnectCallback): void;
    };
    /**
     * TCP client (TLS when `config.tls` is set); stored at `ipc.of[id]`. `host` and `port`
     * default to `config.networkHost` / `config.networkPort`.
     */
    readonly connectToNet: {
      (id: string, host?: string, port?: number, callback?: ConnectCallback): void;
      (id: string, callback?: ConnectCallback): void;
      (id: string, hostOrPort: number | string, callback?: ConnectCallback): void;
    };
    /** Closes the client `id` for good (no reconnect) and removes it from `ipc.of`. */
    readonly disconnect: (id: string) => void;
    /**
     * Creates `ipc.server` as a unix socket / Windows pipe server (call `ipc.server.start()`).
     * `path` defaults to `config.socketRoot + config.appspace + config.id`.
     */
    readonly serve: {
      (path: string, callback?: StartCallback): void;
      (callback?: StartCallback): void;
      (path: null | undefined, callback?: StartCallback): void;
    };
    /**
     * Creates `ipc.server` as a TCP server (TLS when `config.tls` is set) or, with
     * `UDPType`, a UDP server (call `ipc.server.start()`). Arguments may be omitted from
     * the left: (), (callback), (port), (port, UDPType), ('udp4'), (host), (host, port),
     * (host, UDPType), (host, port, UDPType), each optionally followed by the callback.
     */
    readonly serveNet: {
      (host?: string | null, port?: number, UDPType?: UDPType, callback?: StartCallback): void;
      (UDPType: UDPType, callback?: StartCallback): void;
      (callbackOrPort: StartCallback | number): void;
      (host: string | null, port: number, callback?: StartCallback): void;
      (host: string, UDPType: UDPType, callback?: StartCallback): void;
      (host: string, callback?: StartCallback): void;
      (port: number, UDPType: UDPType, callback?: StartCallback): void;
      (port: number, callback?: StartCallback): void;
    };
    /** Clients by id. */
    of: Record<string, Client>;
    /**
     * The server created by `serve`/`serveNet`. At runtime this is `false` until one of
     * them is called; it is typed as `Server` (as in @types/node-ipc) so that the usual
     * `ipc.serve(...); ipc.server.on(...)` compiles without a check. Test
     * `if (ipc.server)` yourself where it may not exist yet.
     */
    server: Server;
  }

  /** The class of the singleton: an IPC that also carries the IPC class. */
  class IPCModule extends IPC {
    /** The IPC class, for independent instances: `new ipc.IPC()`. */
    readonly IPC: typeof IPC;
  }

  /** What `require('node-ipc-native')` returns. */
  interface Singleton extends IPCModule {
    /** The singleton itself (node-ipc 10.x style `require('node-ipc').default`). */
    readonly default: Singleton;
    /** The singleton's class (node-ipc 10.x named export). */
    readonly IPCModule: typeof IPCModule;
  }
}

declare const RootIPC: NodeIPC.Singleton;

/** The types, as `ipc.Client`, `ipc.Config`, ... (`import ipc = require('node-ipc-native')`). */
declare namespace RootIPC {
  type EmptyCallback = NodeIPC.EmptyCallback;
  type ConnectCallback = NodeIPC.ConnectCallback;
  type StartCallback = NodeIPC.StartCallback;
  type StartInfo = NodeIPC.StartInfo;
  type UDPType = NodeIPC.UDPType;
  type RawData = NodeIPC.RawData;
  type SocketId = NodeIPC.SocketId;
  type Socket = NodeIPC.Socket;
  type PeerCredentials = NodeIPC.PeerCredentials;
  type Listener = NodeIPC.Listener;
  type UdpSocket = NodeIPC.UdpSocket;
  type RemoteInfo = NodeIPC.RemoteInfo;
  type SocketConfig = NodeIPC.SocketConfig;
  type InvalidFrameError = NodeIPC.InvalidFrameError;
  type SendQueue = NodeIPC.SendQueue;
  type AnyHandler = NodeIPC.AnyHandler;
  type RequestOptions = NodeIPC.RequestOptions;
  type RequestError = NodeIPC.RequestError;
  type RequestHandler<T = any> = NodeIPC.RequestHandler<T>;
  type EventBus = NodeIPC.EventBus;
  type Client = NodeIPC.Client;
  type Server = NodeIPC.Server;
  type InterfaceConfig = NodeIPC.InterfaceConfig;
  type TlsConfig = NodeIPC.TlsConfig;
  type Config = NodeIPC.Config;
  type IPC = NodeIPC.IPC;
  type IPCModule = NodeIPC.IPCModule;
  type Singleton = NodeIPC.Singleton;
}

export = RootIPC;
