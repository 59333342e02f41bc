'use strict';
// Loaded (NODE_OPTIONS=-r) into every arm64 node that runs under qemu-user: child
// processes started with process.execPath go through the wrapper that runs qemu again.
if (process.env.NIPC_QEMU_NODE) process.execPath = process.env.NIPC_QEMU_NODE;
