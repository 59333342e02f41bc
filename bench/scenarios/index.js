'use strict';
// Scenarios, in table order. Each one defines both roles (server/client), the message
// types of each direction, default and --quick sizes, and how a run's figures are
// computed from the children's results. `transports` lists the transports the scenario
// applies to (run: those also selected with --transport); `clients` the number of client
// processes (default 1); `manualConnect` lets the client role open its own connections.

const SCENARIOS = [
  require('./flood'),
  require('./pingpong'),
  require('./pipelined'),
  require('./broadcast'),
  require('./large'),
  require('./churn'),
  require('./udploss'),
];

module.exports = { SCENARIOS };
