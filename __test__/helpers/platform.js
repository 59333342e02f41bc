'use strict';
/**
 * What the tests need to know about the platform they run on. On Windows node-ipc's local
 * sockets are named pipes: a path `p` is served and dialled as the pipe `\\.\pipe\` + `p`
 * without its leading `/`, every `/` turned into `-` (the contract's pipe conversion, CONTRACT
 * §2.2). The tests' own `node:net` peers dial and listen on that name; the package is given
 * the path, as a user gives it.
 */
const IS_WINDOWS = process.platform === 'win32';
const PIPE_PREFIX = '\\\\.\\pipe\\';

/** The name a local socket path is reachable under with node:net on this platform. */
function localName(p) {
  if (!IS_WINDOWS || p.startsWith(PIPE_PREFIX)) return p;
  return PIPE_PREFIX + p.replace(/^\//, '').replace(/\//g, '-');
}

/**
 * Test options for a test whose behaviour does not exist on Windows (socket files, unlink,
 * sun_path limits, credentials): skipped there, with the reason.
 */
function unixOnly(reason, opts = {}) {
  return IS_WINDOWS ? { ...opts, skip: `Windows has no ${reason}` } : opts;
}

/**
 * Whether this is Windows emulated by wine (its system32 has wineboot.exe). The project
 * tests its Windows build under wine, which differs from Windows in a few places listed in
 * the README (e.g. it does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE).
 */
const UNDER_WINE = IS_WINDOWS && require('fs').existsSync(`${process.env.SystemRoot || 'C:\\windows'}\\system32\\wineboot.exe`);

/** Why wine cannot show what a test checks (README: Platforms lists each with the evidence). */
const WINE_LIMITS = {
  // A second server on a pipe name in use succeeds under wine (Node's own net.Server too).
  firstPipeInstance: 'wine does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE, so EADDRINUSE on a pipe in use cannot be seen',
  // fs.symlinkSync(dir, link, 'junction') fails with ENOTSUP under wine 8.
  junction: 'wine 8 cannot create directory junctions',
};

/** Test options for Windows behaviour that wine does not emulate: skipped under wine only. */
function notUnderWine(limit = 'firstPipeInstance', opts = {}) {
  if (typeof limit === 'object') return notUnderWine('firstPipeInstance', limit);
  if (!WINE_LIMITS[limit]) throw new Error(`unknown wine limit ${limit}`);
  return UNDER_WINE ? { ...opts, skip: WINE_LIMITS[limit] } : opts;
}

/**
 * How much longer every wait for an event may take: `NIPC_TEST_WAIT_SCALE` (at least 1).
 * scripts/platforms sets it under qemu, where node starts in seconds and runs several
 * times slower; the waits themselves are written for native speed.
 */
const WAIT_SCALE = Math.max(1, Number(process.env.NIPC_TEST_WAIT_SCALE) || 1);

/** Whether a JS source file can be dynamically imported by this path (Windows needs a URL). */
function importable(file) {
  return IS_WINDOWS ? require('url').pathToFileURL(file).href : file;
}

module.exports = { IS_WINDOWS, UNDER_WINE, WAIT_SCALE, localName, unixOnly, notUnderWine, importable };
