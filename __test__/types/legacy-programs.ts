// Programs written for node-ipc 9.x with @types/node-ipc 9.2.3 (README / examples style),
// with only the module name changed. They must compile unchanged against our types.
// __test__/types.test.js also compiles this file with the import switched back to
// 'node-ipc' against @types/node-ipc, proving it is valid code for those declarations.
// Keep it free of @ts-expect-error and of anything @types/node-ipc does not declare.
import ipc = require('node-ipc-native');
import { Socket } from 'net';

// --- examples/local/basic/world.js: a unix socket server --------------------------------
function worldServer(): void {
  ipc.config.id = 'world';
  ipc.config.retry = 1500;
  ipc.config.silent = false;
  ipc.config.logInColor = true;
  ipc.config.logDepth = 5;
  ipc.config.logger = console.log.bind(console);

  ipc.serve(function () {
    ipc.server.on('message', function (data, socket) {
      ipc.log('got a message : ', data);
      ipc.server.emit(socket, 'message', data + ' world!');
    });
    ipc.server.on('socket.disconnected', function (socket, destroyedSocketID) {
      ipc.log('client ' + destroyedSocketID + ' has disconnected!');
    });
  });
  ipc.server.start();
}

// --- examples/local/basic/hello.js: a unix socket client --------------------------------
function helloClient(): void {
  ipc.config.id = 'hello';
  ipc.config.retry = 1500;
  ipc.config.maxRetries = 10;
  ipc.config.stopRetrying = false;

  ipc.connectTo('world', function () {
    ipc.of.world.on('connect', function () {
      ipc.log('## connected to world ##');
      ipc.of.world.emit('message', 'hello');
    });
    ipc.of.world.on('disconnect', function () {
      ipc.log('disconnected from world');
    });
    ipc.of.world.on('destroy', () => ipc.log('gave up on world'));
    ipc.of.world.on('error', (err) => ipc.log('error', err));
    ipc.of.world.on('message', function (data) {
      ipc.log('got a message from world : ', data);
    });
  });
  ipc.connectTo('world', '/tmp/app.world', () => ipc.log('connecting'));
  ipc.disconnect('world');
}

// --- TCP server and client with explicit host and port ----------------------------------
function tcp(): void {
  ipc.config.networkHost = 'localhost';
  ipc.config.networkPort = 8000;
  ipc.serveNet('localhost', 8000, () => {
    ipc.server.on('app.message', (data: any, socket: Socket) => {
      ipc.server.emit(socket, 'app.message', { id: ipc.config.id, message: data.message + ' world!' });
    });
    ipc.server.on('socket.disconnected', (socket: Socket, destroyedSocketID: string) => {
      ipc.log('client ' + destroyedSocketID + ' has disconnected!', socket.remotePort);
    });
    ipc.server.on('error', (err: any) => ipc.log(err));
  });
  ipc.server.start();

  ipc.connectToNet('world', 'localhost', 8000, () => {
    ipc.of.world
      .on('connect', () => ipc.of.world.emit('app.message', { id: ipc.config.id, message: 'hello' }))
      .on('disconnect', () => ipc.log('disconnected'))
      .on('app.message', (data: any) => ipc.log(data.message));
  });
  ipc.connectToNet('world', 8000, () => undefined);
  ipc.connectToNet('world', 'localhost', () => undefined);
  ipc.connectToNet('world', () => undefined);
  ipc.connectToNet('world');
  ipc.server.broadcast('app.message', { message: 'to everyone' });
  ipc.server.stop();
}

// --- UDP peers ---------------------------------------------------------------------------
function udp(): void {
  ipc.serveNet('udp4', function () {
    ipc.server.on('message', function (data, socket) {
      ipc.log('got a message from ', data.from.variable, ' : ', data.message);
      ipc.server.emit(socket, 'message', { from: ipc.config.id, message: data.message + ' world!' });
    });
    ipc.server.emit({ address: '127.0.0.1', port: 8001 }, 'message', { from: ipc.config.id, message: 'Hello' });
  });
  ipc.server.start();
  ipc.serveNet('::1', 8010, 'udp6', () => undefined);
}

// --- TLS -----------------------------------------------------------------------------------
function tls(): void {
  ipc.config.tls = {
    public: __dirname + '/../../local-node-ipc-certs/server.pub',
    private: __dirname + '/../../local-node-ipc-certs/private/server.key',
  };
  ipc.config.tls = {
    rejectUnauthorized: false,
  };
  ipc.config.tls.rejectUnauthorized = false;
  ipc.log(ipc.config.tls.rejectUnauthorized);
  ipc.serveNet(function () {
    // (Annotated: @types/node-ipc's serveNet overloads leave these implicitly `any`.)
    ipc.server.on('message', function (data: any, socket: Socket) {
      ipc.server.emit(socket, 'message', data);
    });
  });
  ipc.server.start();
}

// --- rawBuffer ------------------------------------------------------------------------------
function raw(): void {
  ipc.config.rawBuffer = true;
  ipc.config.encoding = 'ascii';
  ipc.serve(() => {
    ipc.server.on('connect', (socket) => {
      ipc.server.emit(socket, 'hello');
    });
    // (Annotated: with @types/node-ipc an unannotated two-argument 'data' handler is implicitly `any`.)
    ipc.server.on('data', (data: Buffer, socket: Socket) => {
      ipc.log('got a message', data, data.toString());
      ipc.server.emit(socket, 'goodbye');
    });
  });
  ipc.server.start();
  ipc.connectTo('world', () => {
    ipc.of.world.on('data', (data: Buffer) => ipc.log(data.toString()));
    ipc.of.world.on('connect', () => ipc.of.world.emit('hello'));
  });
  ipc.config.encoding = 'hex';
}

// --- multiple instances, cluster, misc config --------------------------------------------------
function misc(): void {
  const RawIPC = ipc.IPC;
  const other = new RawIPC();
  const another = new ipc.IPC();
  other.config.silent = true;
  other.config.rawBuffer = true;
  other.config.encoding = 'hex';
  another.config.sync = true;
  ipc.config.unlink = false;
  ipc.config.maxConnections = 100;
  ipc.config.appspace = 'myapp.';
  ipc.config.socketRoot = '/tmp/';
  ipc.config.readableAll = true;
  ipc.config.writableAll = true;
  ipc.config.interfaces = { localAddress: false, localPort: false, family: false, hints: false, lookup: false };
  ipc.config.maxRetries = false;
  ipc.config.stopRetrying = true;
  ipc.serve(null);
  ipc.serve('/tmp/app.cluster', () => undefined);
  ipc.serveNet(8000);
  const portOrCallback: (() => void) | number = 8000;
  ipc.serveNet(portOrCallback);
  ipc.serveNet('localhost', 8000, 'udp4', () => undefined);
  const handler = (data: any) => ipc.log(data);
  ipc.of.world.on('message', handler);
  ipc.of.world.off('message', handler);
  const clients: Record<string, unknown> = ipc.of;
  const emptyCallback: () => void = () => undefined;
  ipc.connectTo('world', emptyCallback);
  ipc.serve(emptyCallback);
  void clients;
}

export { worldServer, helloClient, tcp, udp, tls, raw, misc };
