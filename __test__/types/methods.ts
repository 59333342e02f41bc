// connectTo / connectToNet / disconnect / serve / serveNet: every call form of CONTRACT §3, the
// callback arguments (the IPC instance; `this` = Server and the UDP start info), and
// call forms that must not compile.
import ipc = require('node-ipc-native');

const noop = (): void => undefined;
const withIpc = (instance?: ipc.IPC): void => {
  if (instance) instance.log('created', Object.keys(instance.of));
};

// connectTo(id, [path], [callback]) — §3.2.
ipc.connectTo('world');
ipc.connectTo('world', '/tmp/app.world');
ipc.connectTo('world', '/tmp/app.world', noop);
ipc.connectTo('world', noop);
ipc.connectTo('world', undefined, noop);
ipc.connectTo('world', (instance) => {
  // The IPC instance, or nothing when the client already exists.
  const same: ipc.IPC | undefined = instance;
  instance?.of.world.on('connect', noop);
  void same;
});
ipc.connectTo('world', '/tmp/app.world', withIpc);
// @ts-expect-error the id is required
ipc.connectTo();
// @ts-expect-error the path is a string
ipc.connectTo('world', 5);
// @ts-expect-error the callback gets the IPC instance, not a string
ipc.connectTo('world', (s: string) => s);

// connectToNet(id, [host], [port], [callback]) — §3.3 resolved-overload table.
ipc.connectToNet('world');
ipc.connectToNet('world', noop);
ipc.connectToNet('world', 3435);
ipc.connectToNet('world', 3435, noop);
ipc.connectToNet('world', 'localhost');
ipc.connectToNet('world', 'localhost', noop);
ipc.connectToNet('world', 'localhost', 3435);
ipc.connectToNet('world', 'localhost', 3435, noop);
ipc.connectToNet('world', 'localhost', 3435, withIpc);
ipc.connectToNet('world', undefined, 3435, (instance) => {
  const same: ipc.IPC | undefined = instance;
  void same;
});
declare const hostOrPort: string | number;
ipc.connectToNet('world', hostOrPort, withIpc);
// @ts-expect-error there is no UDP client (9.x threw a ReferenceError for this form)
ipc.connectToNet('world', 'localhost', 3435, 'udp4');
// @ts-expect-error the port is a number
ipc.connectToNet('world', 'localhost', '3435', noop);

// disconnect(id) — §3.4.
ipc.disconnect('world');
// @ts-expect-error the id is required
ipc.disconnect();

// serve([path], [callback]) — §3.5: (), (f), ('/tmp/x'), ('/tmp/x', f), (null, f).
ipc.serve();
ipc.serve(noop);
ipc.serve('/tmp/app.world');
ipc.serve('/tmp/app.world', noop);
ipc.serve(null, noop);
ipc.serve(null);
ipc.serve(undefined, noop);
ipc.serve(function () {
  // Runs as a `start` handler: `this` is the Server, no argument for unix servers.
  const server: ipc.Server = this;
  server.on('message', (data, socket) => server.emit(socket, 'message', data));
});
ipc.serve('/tmp/app.world', (info) => {
  const started: ipc.StartInfo | undefined = info;
  void started;
});
// @ts-expect-error the path is a string
ipc.serve(5);
// @ts-expect-error `this` in the callback is the Server, not the IPC
ipc.serve(function (this: ipc.IPC) { void this; });

// serveNet([host], [port], [UDPType], [callback]) — §3.6 resolved-overload table.
ipc.serveNet();
ipc.serveNet(noop);
ipc.serveNet(3435);
ipc.serveNet(3435, noop);
ipc.serveNet('udp4');
ipc.serveNet('udp4', noop);
ipc.serveNet('udp6', noop);
ipc.serveNet('localhost');
ipc.serveNet('localhost', noop);
ipc.serveNet('localhost', 3435);
ipc.serveNet('localhost', 3435, noop);
ipc.serveNet('localhost', 3435, 'udp4', noop);
ipc.serveNet('localhost', 3435, 'udp4');
ipc.serveNet('localhost', 'udp4', noop);
ipc.serveNet('localhost', 'udp4');
ipc.serveNet(3435, 'udp4');
ipc.serveNet(3435, 'udp4', noop);
ipc.serveNet('::1', 8010, 'udp6', noop);
ipc.serveNet(null, 99);
ipc.serveNet(undefined, 99, undefined, noop);
declare const callbackOrPort: (() => void) | number;
ipc.serveNet(callbackOrPort);
ipc.serveNet(3435, 'udp4', function (info) {
  // UDP servers publish `start` with {address, port}.
  const server: ipc.Server = this;
  if (info) {
    const address: string = info.address;
    const port: number = info.port;
    void address, port;
  }
  void server;
});
// @ts-expect-error only 'udp4' | 'udp6' select UDP
ipc.serveNet('localhost', 3435, 'tcp', noop);
// @ts-expect-error the port is a number
ipc.serveNet('localhost', '3435', 'udp4', noop);
// @ts-expect-error the start info is {address, port}, not a string
ipc.serveNet(3435, (info: string) => info);
