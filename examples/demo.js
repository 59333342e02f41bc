'use strict';
// `npm run demo`: a node-ipc style Unix-socket server in this process and two clients in
// their own processes. Each client says hello and gets a reply; when both are there the
// server broadcasts 'kill.connection', the clients disconnect and exit, and so does this.

const path = require('path');
const os = require('os');
const { spawn } = require('child_process');
const ipc = require('..');

ipc.config.id = 'world';
ipc.config.socketRoot = os.tmpdir() + path.sep;
ipc.config.appspace = `node-ipc-native-demo-${process.pid}.`;
ipc.config.silent = true;

const say = (who, ...what) => console.log(`[${who}]`.padEnd(9), ...what);
const expected = ['hello', 'goodbye'];
const greeted = new Set();
const children = [];
let failed = false;

ipc.serve(() => {
  say('server', `listening on ${ipc.server.path}`);
  ipc.server.on('app.message', (data, socket) => {
    say('server', `got app.message from ${data.id}:`, JSON.stringify(data.message));
    ipc.server.emit(socket, 'app.message', { id: ipc.config.id, message: `${data.message} world!` });
    greeted.add(data.id);
    if (expected.every((id) => greeted.has(id))) {
      say('server', `both clients greeted; broadcasting kill.connection to ${ipc.server.sockets.length} sockets`);
      ipc.server.broadcast('kill.connection', { id: ipc.config.id });
    }
  });
  ipc.server.on('socket.disconnected', (socket, id) => {
    say('server', `socket.disconnected: ${id}`);
    if (ipc.server.sockets.length === 0 && greeted.size === expected.length) {
      say('server', 'all clients gone; stopping');
      ipc.server.stop();
    }
  });
  for (const id of expected) {
    const child = spawn(process.execPath, [path.join(__dirname, 'demo-client.js'), id], {
      env: { ...process.env, DEMO_SOCKET_ROOT: ipc.config.socketRoot, DEMO_APPSPACE: ipc.config.appspace },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => {
      if (code !== 0) {
        failed = true;
        say('server', `client ${id} exited with ${code}`);
      }
    });
    children.push(child);
  }
});
ipc.server.start();

const deadline = setTimeout(() => {
  console.error('demo: timed out');
  for (const c of children) c.kill();
  process.exit(1);
}, 15000);
deadline.unref();

process.on('exit', (code) => {
  if (code === 0 && failed) process.exitCode = 1;
  if (code === 0 && !failed) console.log('demo: done, everything exited by itself');
});
