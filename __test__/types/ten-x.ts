// Code written for node-ipc 10.x from CommonJS TypeScript: `require('node-ipc').default`,
// the named IPCModule, and `import ipc from` (esModuleInterop-style default import).
import pkg = require('node-ipc-native');
import { IPCModule, IPC } from 'node-ipc-native';
import defaultIpc from 'node-ipc-native';

const ipc = pkg.default;
ipc.config.id = 'hello';
ipc.config.retry = 1500;
ipc.connectTo('world', () => {
  ipc.of.world.on('connect', () => ipc.of.world.emit('message', 'hello'));
  ipc.of.world.on('message', (data) => ipc.log('got a message from world : ', data));
});

const separate = new IPCModule();
separate.config.silent = true;
const nested = new separate.IPC();
const plain = new IPC();
const sameSingleton: typeof pkg = defaultIpc.default;
nested.serveNet(8001, 'udp4', function () {
  this.on('message', (data: unknown, rinfo: pkg.RemoteInfo) => this.emit(rinfo, 'message', data));
});

export { plain, sameSingleton };
