'use strict';
// Implementations, in table order. The first one is the subject the others are
// compared against. An implementation declares the transports it supports.

const IMPLS = [require('./native'), require('./native-data'), require('./node-ipc'), require('./node-ipc-14'), require('./net')];

const BASELINE = 'native';

module.exports = { IMPLS, BASELINE };
