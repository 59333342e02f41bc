'use strict';
// Which socket a command serves or connects to, from the options every command shares:
//   --path PATH                          an explicit Unix socket path (a pipe on Windows)
//   --id ID --appspace P --socket-root D node-ipc's default path, socketRoot + appspace + id
//                                        (plain concatenation, as node-ipc does; the
//                                        defaults are ipc.config's: '/tmp/', 'app.',
//                                        os.hostname())
//   --tcp PORT [--host HOST]             TCP (serveNet / connectToNet), host 127.0.0.1
//   --udp PORT [--host HOST]             UDP (udp4, or udp6 for an IPv6 host)
// The path itself is left to the package: ipc.serve() / ipc.connectTo(id) compute it from
// ipc.config, which `applyTarget` sets.

const { UsageError } = require('./errors');

/** Options of the target selection (see args.js for the format). */
const TARGET_OPTIONS = {
  id: { type: 'string', value: 'ID' },
  appspace: { type: 'string', value: 'PREFIX' },
  'socket-root': { type: 'string', value: 'DIR' },
  path: { type: 'string', value: 'PATH' },
  tcp: { type: 'integer', max: 65535, value: 'PORT' },
  udp: { type: 'integer', max: 65535, value: 'PORT' },
  host: { type: 'string', value: 'HOST' },
};

/** Help lines of the target options; `udp` for the commands that take --udp. */
function targetHelp({ udp, server }) {
  const lines = [
    'Target (default: a Unix socket at socketRoot + appspace + id, /tmp/app.<hostname>):',
    '  --id ID               the service id in the default path (default: os.hostname())',
    '  --appspace PREFIX     the appspace in the default path (default: app.)',
    '  --socket-root DIR     the directory part of the default path, with its trailing /',
    '                        (default: /tmp/)',
    '  --path PATH           an explicit socket path instead of the default one',
    `  --tcp PORT            TCP instead of a Unix socket${server ? ' (0: a free port)' : ''}`,
  ];
  if (udp) lines.push(`  --udp PORT            UDP instead of a Unix socket${server ? ' (0: a free port)' : ''}`);
  lines.push(`  --host HOST           the host of --tcp${udp ? '/--udp' : ''} (default: 127.0.0.1)`);
  return lines;
}

/**
 * The target the options select.
 * @param {object} options  parsed options
 * @param {{server: boolean, udp: boolean}} role  whether it is served (port 0 allowed) and
 *   whether UDP applies to the command
 * @returns {{kind: 'unix', path?: string, id?: string, appspace?: string, socketRoot?: string}
 *   | {kind: 'tcp' | 'udp', host: string, port: number, family?: string}}
 */
function resolveTarget(options, role) {
  const local = ['path', 'id', 'appspace', 'socket-root'].filter((k) => options[k] !== undefined);
  const network = ['tcp', 'udp'].filter((k) => options[k] !== undefined);
  if (network.length === 2) throw new UsageError('--tcp and --udp cannot be combined');
  if (options.udp !== undefined && !role.udp) {
    throw new UsageError('--udp is only for listen and send (requests need a connection: use --tcp or a Unix socket)');
  }
  if (network.length === 1) {
    if (local.length > 0) throw new UsageError(`--${local[0]} does not apply to --${network[0]}`);
    const port = options[network[0]];
    if (port === 0 && !role.server) throw new UsageError(`--${network[0]}: port 0 can only be listened on`);
    const host = options.host === undefined ? '127.0.0.1' : options.host;
    if (network[0] === 'tcp') return { kind: 'tcp', host, port };
    return { kind: 'udp', host, port, family: host.includes(':') ? 'udp6' : 'udp4' };
  }
  if (options.host !== undefined) throw new UsageError(`--host needs --tcp${role.udp ? ' or --udp' : ''}`);
  if (options.path !== undefined) {
    const other = local.find((k) => k !== 'path');
    if (other) throw new UsageError(`--${other} does not apply to --path`);
    return { kind: 'unix', path: options.path };
  }
  return { kind: 'unix', id: options.id, appspace: options.appspace, socketRoot: options['socket-root'] };
}

/** Sets the ipc.config keys of the default path (for ipc.serve() / ipc.connectTo(id)). */
function applyTarget(config, target) {
  if (target.kind !== 'unix' || target.path !== undefined) return;
  if (target.id !== undefined) config.id = target.id;
  if (target.appspace !== undefined) config.appspace = target.appspace;
  if (target.socketRoot !== undefined) config.socketRoot = target.socketRoot;
}

/** `host:port`, with brackets around an IPv6 host. */
function hostPort(host, port) {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** How messages name a target: the path, `host:port` or `host:port (UDP)`. */
function describeTarget(target) {
  if (target.kind === 'unix') return target.path;
  const where = hostPort(target.host, target.port);
  return target.kind === 'udp' ? `${where} (UDP)` : where;
}

module.exports = { TARGET_OPTIONS, targetHelp, resolveTarget, applyTarget, describeTarget, hostPort };
