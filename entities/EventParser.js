'use strict';
// Where node-ipc keeps its frame parser; some programs load it by path (see lib/event-parser.js).
module.exports = require('../lib/event-parser');
