'use strict';
// Command-line parsing for bin/node-ipc-native.js, written here because the package has
// no runtime dependencies and still supports Node 16.0 (node:util's parseArgs arrived in
// 18.3 / 16.17). Each command declares its options as
//   { name: { type: 'boolean' | 'string' | 'integer', short?: 'h', min?, max?, value? } }
// (`value` names the argument in error messages). Accepted forms: `--name value`,
// `--name=value`, `-h`; `--` ends the options; an argument that looks like a negative
// number (`-5`, `-1.5`) is a positional argument, so `send t -5` works. Every mistake
// throws a UsageError (exit status 2).

const { UsageError } = require('./errors');

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * @param {string[]} argv  the arguments after the command name
 * @param {object} spec  option definitions (see above)
 * @returns {{options: object, positionals: string[]}}
 */
function parseArgs(argv, spec) {
  const options = {};
  const positionals = [];
  const shorts = new Map();
  for (const [name, def] of Object.entries(spec)) {
    if (def.short) shorts.set(def.short, name);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || NEGATIVE_NUMBER.test(arg)) {
      positionals.push(arg);
      continue;
    }
    let name;
    let inline;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      if (!Object.prototype.hasOwnProperty.call(spec, name)) throw new UsageError(`unknown option --${name}`);
    } else {
      if (arg.length !== 2 || !shorts.has(arg[1])) throw new UsageError(`unknown option ${arg}`);
      name = shorts.get(arg[1]);
    }
    const def = spec[name];
    if (def.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
      options[name] = true;
      continue;
    }
    let text = inline;
    if (text === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`option --${name} needs a value (${def.value || 'VALUE'})`);
      text = argv[++i];
    }
    options[name] = convert(name, def, text);
  }
  return { options, positionals };
}

/** The option's value from its text: strings as they are, integers checked. */
function convert(name, def, text) {
  if (def.type === 'string') {
    if (text === '') throw new UsageError(`option --${name} needs a non-empty value`);
    return text;
  }
  // integer
  if (!/^\d+$/.test(text)) throw new UsageError(`option --${name}: not a whole number: ${JSON.stringify(text)}`);
  const n = Number(text);
  const min = def.min === undefined ? 0 : def.min;
  const max = def.max === undefined ? Number.MAX_SAFE_INTEGER : def.max;
  if (n < min || n > max) throw new UsageError(`option --${name}: ${text} is out of range (${min} to ${max})`);
  return n;
}

module.exports = { parseArgs };
