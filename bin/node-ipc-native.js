#!/usr/bin/env node
'use strict';
// `npx node-ipc-native <command>`: the command-line tool (lib/cli/, docs/CLI.md).

require('../lib/cli/main').main(process.argv.slice(2));
