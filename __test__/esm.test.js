'use strict';
// §1.3 ESM entry: default export is the CommonJS singleton; named IPCModule and IPC.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const path = require('path');
const { importable, IS_WINDOWS, notUnderWine } = require('./helpers/platform');

test('§1.3 import ipc, { IPCModule, IPC } from the package gives the same singleton as require', () => {
  const root = path.join(__dirname, '..');
  const script = `
    import ipc, { IPCModule, IPC } from ${JSON.stringify(importable(path.join(root, 'index.mjs')))};
    import { createRequire } from 'node:module';
    const required = createRequire(import.meta.url)(${JSON.stringify(root)});
    console.log(JSON.stringify({
      same: ipc === required,
      moduleClass: IPCModule === required.IPCModule && ipc instanceof IPCModule,
      ipcClass: IPC === required.IPC,
      fresh: new IPCModule() !== ipc && typeof new IPC().serve === 'function',
      keys: Object.keys(ipc),
    }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), {
    same: true,
    moduleClass: true,
    ipcClass: true,
    fresh: true,
    keys: ['config', 'connectTo', 'connectToNet', 'disconnect', 'serve', 'serveNet', 'of', 'server', 'log', 'IPC'],
  });
});

test('§1.3 by package name: import resolves to the ESM entry, require to the CommonJS one, same singleton', notUnderWine('junction'), (t) => {
  const fs = require('fs');
  const os = require('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nin-esm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(path.join(__dirname, '..'), path.join(dir, 'node_modules', 'node-ipc-native'), IS_WINDOWS ? 'junction' : 'dir');
  fs.writeFileSync(path.join(dir, 'main.mjs'), `
    import ipc, { IPCModule } from 'node-ipc-native';
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const cjs = require('node-ipc-native');
    console.log(JSON.stringify({ same: ipc === cjs, esmFile: import.meta.resolve('node-ipc-native').endsWith('/index.mjs'),
      cjsFile: require.resolve('node-ipc-native').endsWith(${JSON.stringify(`${path.sep}index.js`)}), cls: IPCModule === cjs.IPCModule }));
  `);
  const out = execFileSync(process.execPath, [path.join(dir, 'main.mjs')], { encoding: 'utf8', cwd: dir });
  assert.deepEqual(JSON.parse(out), { same: true, esmFile: true, cjsFile: true, cls: true });
});
