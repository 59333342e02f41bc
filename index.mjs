// ESM entry: `import ipc, { IPCModule, IPC } from 'node-ipc-native'`. The default export
// is the same singleton `require('node-ipc-native')` returns.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ipc = require('./index.js');

export default ipc;
export const IPCModule = ipc.IPCModule;
export const IPC = ipc.IPC;
