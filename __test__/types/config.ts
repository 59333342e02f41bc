// ipc.config: every key, read with its type and written with every accepted kind of value;
// wrong types rejected.
import ipc = require('node-ipc-native');
import * as dns from 'dns';
import * as fs from 'fs';

const c: ipc.Config = ipc.config;

// Reads.
const appspace: string = c.appspace;
const socketRoot: string = c.socketRoot;
const id: string = c.id;
const encoding: BufferEncoding = c.encoding;
const rawBuffer: boolean = c.rawBuffer;
const sync: boolean = c.sync;
const unlink: boolean = c.unlink;
const delimiter: string = c.delimiter;
const silent: boolean = c.silent;
const logDepth: number = c.logDepth;
const logInColor: boolean = c.logInColor;
const logger: (msg: string) => void = c.logger;
const maxConnections: number = c.maxConnections;
const retry: number = c.retry;
const maxRetries: boolean | number = c.maxRetries;
const stopRetrying: boolean | number = c.stopRetrying;
const IPType: string = c.IPType;
const tls: false | ipc.TlsConfig = c.tls;
const networkHost: string = c.networkHost;
const networkPort: number = c.networkPort;
const readableAll: boolean = c.readableAll;
const writableAll: boolean = c.writableAll;
const iface: ipc.InterfaceConfig = c.interface;
const ifaces: ipc.InterfaceConfig | undefined = c.interfaces;
const maxMessageSize: number = c.maxMessageSize;

// Writes.
c.appspace = 'myapp.';
c.socketRoot = '/var/run/';
c.id = 'world';
c.encoding = 'utf8';
c.encoding = 'hex';
c.encoding = 'latin1';
c.encoding = 'binary';
c.encoding = 'base64url';
c.rawBuffer = true;
c.sync = true;
c.unlink = false;
c.delimiter = '\n';
c.silent = true;
c.logDepth = 2;
c.logInColor = false;
c.logger = console.log.bind(console);
c.logger = (msg: string) => process.stderr.write(msg + '\n');
c.maxConnections = 10;
c.retry = 1500;
c.maxRetries = 3;
c.maxRetries = false;
c.maxRetries = Infinity;
c.stopRetrying = true;
c.stopRetrying = 0;
c.IPType = 'IPv6';
c.networkHost = 'localhost';
c.networkPort = 8001;
c.readableAll = true;
c.writableAll = true;
c.maxMessageSize = 1024 * 1024;

// config.interface (the key read) with real types, and the `interfaces` alias.
c.interface = { localAddress: false, localPort: false, family: false, hints: false, lookup: false };
c.interface = {
  localAddress: '127.0.0.1',
  localPort: 50000,
  family: 4,
  hints: dns.ADDRCONFIG,
  lookup: dns.lookup,
};
c.interface.localAddress = '::1';
c.interface.family = 6;
c.interface.lookup = (hostname, options, callback) => callback(null, '127.0.0.1', 4);
c.interfaces = { localAddress: '127.0.0.1' };
c.interfaces = undefined;
// @ts-expect-error localAddress is an address, not a flag
c.interface.localAddress = true;
// @ts-expect-error localPort is a number
c.interface.localPort = '5000';
// @ts-expect-error `interfaces` does not exist unless set
c.interfaces.localAddress = '127.0.0.1';

// config.tls: false, node-ipc's keys, and Node TLS options.
c.tls = false;
c.tls = {};
c.tls = {
  public: '/certs/client.pub',
  private: '/certs/client.key',
  dhparam: '/certs/dhparam.pem',
  trustedConnections: '/certs/server.pub',
  requestCert: true,
  rejectUnauthorized: false,
  servername: 'localhost',
};
c.tls = { trustedConnections: ['/certs/a.pub', '/certs/b.pub'] };
c.tls = {
  key: fs.readFileSync('/certs/server.key'),
  cert: fs.readFileSync('/certs/server.pub'),
  ca: [fs.readFileSync('/certs/ca.pub')],
  ciphers: 'HIGH',
  minVersion: 'TLSv1.2',
};
if (c.tls) {
  const pub: string | undefined = c.tls.public;
  const trusted: string | string[] | undefined = c.tls.trustedConnections;
  const reject: boolean | undefined = c.tls.rejectUnauthorized;
  void pub, trusted, reject;
}

// Wrong types.
// @ts-expect-error encoding must be a Node encoding name
c.encoding = 'utf-9';
// @ts-expect-error stopRetrying is boolean | number
c.stopRetrying = 'yes';
// @ts-expect-error maxRetries is boolean | number
c.maxRetries = '3';
// @ts-expect-error tls is false or an options object
c.tls = true;
// @ts-expect-error trustedConnections is a path or paths
c.tls = { trustedConnections: 5 };
// @ts-expect-error retry is a number
c.retry = '500';
// @ts-expect-error maxMessageSize is a number of bytes
c.maxMessageSize = '64MiB';
// @ts-expect-error delimiter is a string
c.delimiter = 12;
// @ts-expect-error no such key (typos are caught: Config has no index signature)
c.silnet = true;
// @ts-expect-error tls is `false` by default: narrow before reading its keys
const unguarded = c.tls.public;

// Separate instances have their own config of the same type.
const other = new ipc.IPC();
other.config.rawBuffer = true;
other.config.encoding = 'hex';

export {
  appspace, socketRoot, id, encoding, rawBuffer, sync, unlink, delimiter, silent, logDepth,
  logInColor, logger, maxConnections, retry, maxRetries, stopRetrying, IPType, tls, networkHost,
  networkPort, readableAll, writableAll, iface, ifaces, maxMessageSize, unguarded,
};
