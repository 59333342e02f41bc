'use strict';
// Scenarios, in table order. Each one defines both roles (server/client), the message
// types of each direction, default and --quick sizes, and how a run's figures are
// computed from the two children's results.

const SCENARIOS = [require('./flood'), require('./pingpong')];

module.exports = { SCENARIOS };
