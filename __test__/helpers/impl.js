'use strict';
/**
 * Which implementation of the node-ipc API a test or fixture talks to.
 *
 *  - 'native'   : this package (the repository root, `require('/work/main')`).
 *                 With OUR_IMPL=node-ipc in the environment, 'native' is redirected to the
 *                 reference node-ipc 9.2.1, so every suite can be validated with the
 *                 reference on both sides before our implementation exists.
 *                 With OUR_IMPL=/absolute/dir, 'native' is that directory (another build).
 *  - 'node-ipc' : the reference node-ipc 9.2.1 from node_modules (devDependency).
 *
 * Fixtures receive the choice through the IPC_IMPL environment variable (set by spawnPeer).
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_IPC_DIR = path.join(ROOT, 'node_modules', 'node-ipc');

// Only 9.2.1 is allowed as the reference: 9.2.2, 10.1.1-10.1.3 and 11.x are protestware.
const REFERENCE_VERSION = '9.2.1';

function checkReference() {
  const pkgFile = path.join(NODE_IPC_DIR, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  if (pkg.version !== REFERENCE_VERSION) {
    throw new Error(
      `reference node-ipc must be ${REFERENCE_VERSION}, found ${pkg.version} at ${NODE_IPC_DIR}`
    );
  }
}

/** Resolve 'native' | 'node-ipc' to the directory to require. */
function implPath(which) {
  const w = which || 'native';
  if (w === 'native') {
    const our = process.env.OUR_IMPL;
    if (our === 'node-ipc') {
      checkReference();
      return NODE_IPC_DIR;
    }
    // An absolute path: an alternative build of "ours" (e.g. an installed tarball).
    if (our && path.isAbsolute(our)) return our;
    return ROOT;
  }
  if (w === 'node-ipc') {
    checkReference();
    return NODE_IPC_DIR;
  }
  throw new Error(`unknown implementation ${JSON.stringify(which)} (expected 'native' or 'node-ipc')`);
}

/** require() the chosen implementation (the node-ipc compatible singleton). */
function loadImpl(which) {
  return require(implPath(which));
}

/** Human label for test names / diagnostics. */
function implLabel(which) {
  if (which === 'native' && process.env.OUR_IMPL) return `native(=${process.env.OUR_IMPL})`;
  return which;
}

/** True when 'native' currently means the reference (validation mode). */
function nativeIsReference() {
  return process.env.OUR_IMPL === 'node-ipc';
}

module.exports = { ROOT, NODE_IPC_DIR, implPath, loadImpl, implLabel, nativeIsReference };
