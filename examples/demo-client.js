'use strict';
// One client of `npm run demo`: connects to 'world', says hello, prints the reply, and
// disconnects when the server broadcasts 'kill.connection'. Exits by itself afterwards.

const ipc = require('..');

const id = process.argv[2];
ipc.config.id = id;
ipc.config.socketRoot = process.env.DEMO_SOCKET_ROOT;
ipc.config.appspace = process.env.DEMO_APPSPACE;
ipc.config.silent = true;
ipc.config.retry = 100;

const say = (...what) => console.log(`[${id}]`.padEnd(9), ...what);

ipc.connectTo('world', () => {
  const world = ipc.of.world;
  world.on('connect', () => {
    say('connected to world; emitting app.message');
    world.emit('app.message', { id, message: id });
  });
  world.on('app.message', (data) => say(`got a message from ${data.id}:`, JSON.stringify(data.message)));
  world.on('kill.connection', (data) => {
    say(`kill.connection from ${data.id}; disconnecting`);
    ipc.disconnect('world');
  });
  world.on('disconnect', () => say('disconnected from world'));
});
