'use strict';
// Scenarios, in table order. Each one defines both roles (server/client), the message
// types of each direction, default and --quick sizes, and how a run's figures are
// computed from the two children's results. A scenario with its own `transports`
// (udploss: ['udp']) runs over those only; the others run over --transport.

const SCENARIOS = [require('./flood'), require('./pingpong'), require('./udploss')];

module.exports = { SCENARIOS };
