// `irbook schema` against real files: every YAML file of the default handbook
// (and the front matter of its Markdown files) validates against the schema
// irbook prints, and a typo in a key is caught.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const Ajv2020 = require('ajv/dist/2020');
const YAML = require('yaml');

const BIN = process.env.IRBOOK_BIN;
const OUT = process.env.IRBOOK_OUT || path.join(__dirname, 'out');
const CONTENT = path.join(__dirname, '..', '..', 'content');

function schemas() {
  const dir = path.join(OUT, 'schemas');
  execFileSync(BIN, ['schema', '--out', dir]);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat('uint32', true).addFormat('int64', true).addFormat('uint', true).addFormat('double', true);
  const load = (kind) => ajv.compile(JSON.parse(fs.readFileSync(path.join(dir, `${kind}.schema.json`), 'utf8')));
  return { load };
}

function files(dir) {
  return fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile());
}

function kindOf(rel) {
  if (rel === 'handbook.yaml') return 'handbook';
  if (rel === 'contacts.yaml') return 'contacts';
  if (rel === 'sources/sources.yaml') return 'sources';
  if (rel === 'faq/faq.yaml') return 'faq';
  if (/^playbooks\/.*\.yaml$/.test(rel)) return 'playbook';
  if (/^assessments\/.*\.yaml$/.test(rel)) return 'assessment';
  if (rel === 'records/follow-ups.yaml') return 'follow-ups';
  if (/^records\/forms\/[^/]*\.yaml$/.test(rel)) return 'form';
  if (/^phases\/.*\.md$/.test(rel)) return 'phase-front-matter';
  if (/^faq\/.*\.md$/.test(rel)) return 'faq-front-matter';
  if (/^pages\/.*\.md$/.test(rel)) return 'page-front-matter';
  return null;
}

function document(file) {
  const text = fs.readFileSync(file, 'utf8');
  if (!file.endsWith('.md')) return YAML.parse(text);
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  return m ? YAML.parse(m[1]) : {};
}

test('every file of the default handbook validates against its schema', () => {
  const { load } = schemas();
  const validators = {};
  let checked = 0;
  for (const file of files(CONTENT)) {
    const rel = path.relative(CONTENT, file).split(path.sep).join('/');
    const kind = kindOf(rel);
    if (!kind) continue;
    validators[kind] = validators[kind] || load(kind);
    const ok = validators[kind](document(file));
    assert.ok(ok, `${rel} (${kind}): ${JSON.stringify(validators[kind].errors, null, 1)}`);
    checked++;
  }
  assert.ok(checked > 60, `checked ${checked} files`);
  for (const kind of ['handbook', 'contacts', 'playbook', 'sources', 'assessment', 'follow-ups', 'form', 'phase-front-matter', 'page-front-matter']) {
    assert.ok(validators[kind], `no file of kind ${kind} was checked`);
  }
});

test('the schema catches a misspelt key and a wrong type', () => {
  const { load } = schemas();
  const playbook = document(path.join(CONTENT, 'playbooks', 'ransomware.yaml'));
  const validate = load('playbook');
  assert.ok(validate(playbook));
  const typo = structuredClone(playbook);
  const step = typo.steps.find((s) => s.owner);
  step.ownr = step.owner;
  delete step.owner;
  assert.ok(!validate(typo), 'a step with `ownr` instead of `owner` must fail');
  assert.ok(!validate({ ...playbook, steps: [{ ref: 'x', owner: 'y' }] }), 'a `ref` step takes no other keys');
  const handbook = load('handbook');
  assert.ok(!handbook({ title: 'x', languages: 'nl' }), '`languages` must be a list');
  assert.ok(!handbook({ title: 'x', branding: { colours: {} } }), 'unknown key in branding');
});
