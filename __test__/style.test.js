'use strict';
// What .editorconfig says about JavaScript, checked on every .js/.mjs/.cjs file of lib/,
// __test__/, bench/, bin/, scripts/, examples/, entities/ and the repository root
// (node_modules excluded):
// - no line's leading whitespace contains a tab;
// - the first indented line of code is indented by exactly 2 spaces (a file indented by
//   4 at the first level fails here).
// Lines that start inside a string or template literal are content, not indentation, and
// are not checked; lines that start inside a block comment (JSDoc ` * ` lines) are not
// taken as the first indented line. Both are found with the TypeScript parser (a
// devDependency), so a backtick or quote inside a regular expression or a comment cannot
// confuse the check.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const root = path.join(__dirname, '..');
const DIRS = ['lib', '__test__', 'bench', 'bin', 'scripts', 'examples', 'entities'];
const JS = /\.(js|mjs|cjs)$/;

function jsFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsFiles(full));
    else if (entry.isFile() && JS.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * [start, end) offsets of every string and template literal piece of `text` (`literals`)
 * and of every comment (`comments`).
 */
function ranges(text, fileName) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const literals = [];
  const comments = new Map();
  const visit = (node) => {
    switch (node.kind) {
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.TemplateHead:
      case ts.SyntaxKind.TemplateMiddle:
      case ts.SyntaxKind.TemplateTail:
        literals.push([node.getStart(sf), node.end]);
    }
    // getChildren() includes punctuation tokens, so the comments before a `}` or at the
    // end of the file (leading trivia of that token) are found too.
    for (const c of ts.getLeadingCommentRanges(text, node.pos) || []) comments.set(c.pos, [c.pos, c.end]);
    for (const child of node.getChildren(sf)) visit(child);
  };
  visit(sf);
  return { literals, comments: [...comments.values()] };
}

/** Problems of one file's text (an empty array when it follows the rules). */
function check(text, fileName = 'file.js') {
  const { literals, comments } = ranges(text, fileName);
  const inside = (list, offset) => list.some(([s, e]) => s < offset && offset < e);
  const problems = [];
  let firstIndentSeen = false;
  let offset = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineStart = offset;
    offset += line.length + 1;
    if (inside(literals, lineStart)) continue;
    const indent = /^[ \t]*/.exec(line)[0];
    if (indent.length === 0 || indent.length === line.length) continue;
    if (indent.includes('\t')) problems.push(`${fileName}:${i + 1}: tab in indentation`);
    if (!firstIndentSeen && !inside(comments, lineStart)) {
      firstIndentSeen = true;
      if (indent !== '  ') {
        problems.push(`${fileName}:${i + 1}: first indented line is indented by ` +
          `${JSON.stringify(indent)}, not 2 spaces`);
      }
    }
  }
  return problems;
}

test('the check itself: what it accepts and what it rejects', () => {
  // Two spaces, with a JSDoc block first (its ` * ` lines are 1 space) and a nested JSDoc.
  assert.deepEqual(check('/**\n * doc\n */\nfunction f() {\n  /**\n   * x\n   */\n  return 1;\n}\n'), []);
  // The old style of lib/log.js and others: 4 spaces at the first level.
  assert.deepEqual(check('/**\n * doc\n */\nfunction f() {\n    return 1;\n}\n'),
    ['file.js:5: first indented line is indented by "    ", not 2 spaces']);
  // A tab, at the first level or deeper, even in a comment.
  assert.deepEqual(check('function f() {\n\treturn 1;\n}\n'), [
    'file.js:2: tab in indentation',
    'file.js:2: first indented line is indented by "\\t", not 2 spaces',
  ]);
  assert.deepEqual(check('function f() {\n  if (x) {\n  \t// c\n  }\n}\n'), ['file.js:3: tab in indentation']);
  // A multi-line template literal before any indented code: its content is not indentation,
  // whatever it holds (4 spaces, a tab), and ${} inside it does not end it.
  assert.deepEqual(check('const s = `a ${1}\n    b\n\tc`;\nif (s) {\n  go();\n}\n'), []);
  // A backslash-continued string likewise.
  assert.deepEqual(check("const s = 'a\\\n    b';\nif (s) {\n  go();\n}\n"), []);
  // A block comment before the code (not JSDoc-aligned) is not the first indented line...
  assert.deepEqual(check('/*\n    note\n*/\nif (x) {\n  go();\n}\n'), []);
  // ...but a line comment at the first level is code indentation.
  assert.deepEqual(check('if (x) {\n    // go\n  go();\n}\n'),
    ['file.js:2: first indented line is indented by "    ", not 2 spaces']);
  // A backtick in a regular expression or a comment does not open a template literal.
  assert.deepEqual(check('const r = /`/; // `\nif (r) {\n    go();\n}\n'),
    ['file.js:3: first indented line is indented by "    ", not 2 spaces']);
  // A file without indented lines has nothing to check.
  assert.deepEqual(check("'use strict';\nmodule.exports = 1;\n"), []);
});

test('every JavaScript file is indented with 2 spaces and no tabs (.editorconfig)', () => {
  const files = [
    ...fs.readdirSync(root).filter((f) => JS.test(f)).map((f) => path.join(root, f)),
    ...DIRS.filter((d) => fs.existsSync(path.join(root, d))).flatMap((d) => jsFiles(path.join(root, d))),
  ];
  assert.ok(files.length > 100, `only ${files.length} files found`);
  assert.ok(files.includes(path.join(root, 'lib', 'log.js')));
  const problems = files.flatMap((f) => check(fs.readFileSync(f, 'utf8'), path.relative(root, f)));
  assert.deepEqual(problems, []);
});
