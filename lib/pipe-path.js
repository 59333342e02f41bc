'use strict';
// Windows named-pipe names for node-ipc's local socket paths (CONTRACT §2.2).

const PIPE_PREFIX = '\\\\.\\pipe\\';

/**
 * `/tmp/app.world` → `\\.\pipe\tmp-app.world`; a name that already is a pipe name is left
 * alone (node-ipc 9.x double-prefixed it on the server side: Q21, fixed).
 */
function toPipeName(path) {
  if (path.startsWith(PIPE_PREFIX)) return path;
  return PIPE_PREFIX + path.replace(/^\//, '').replace(/\//g, '-');
}

/** The path to hand to the addon on this platform. */
function localSocketPath(path) {
  return process.platform === 'win32' ? toPipeName(path) : path;
}

module.exports = { toPipeName, localSocketPath };
