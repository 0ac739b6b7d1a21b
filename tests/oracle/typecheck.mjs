#!/usr/bin/env node
// typecheck.mjs — does an answer have the shape Wix's SDK declares for it?
//
// Usage: node typecheck.mjs ANSWERS.json [OUT.json]
//
// ANSWERS is a JSON array of
//   { "id": "query members", "package": "@wix/auto_sdk_members_members",
//     "type": "QueryMembersResponse", "value": { …the JSON answer… } }
//
// Each value becomes a fresh object literal `const v_n: Json<T_n> = { … };` in a generated .ts file,
// checked by the pinned TypeScript with `--strict` (so a field the type does not have is an error —
// excess-property checking — and so is a wrong type or a missing required field). It exits 1 and
// prints every error, under the id of the answer it is in, if any answer does not type-check; it
// exits 2 on a bad input (unknown package or type). With OUT it also writes
// [{ "id", "ok": bool, "errors": ["…"] }].
//
// Where the types come from — the REST shapes (`id`, not the SDK's `_id`):
//   @wix/auto_sdk_*          `<package>/meta` exports each REST type T as `TOriginal` (its own
//                            `T`, without the suffix, is the SDK shape); "type" may be given with or
//                            without the suffix.
//   @wix/wix-data-items-sdk  `build/cjs/src/data-items-api-client` (re-exports
//                            @wix/wix-data-items-common's REST types: InsertDataItemResponse, …).
//   @wix/sdk                 the token endpoints:
//     TokenInfo (or tokenInfo)        POST /oauth2/token-info: the SDK's own declared answer,
//                                     Awaited<ReturnType<AppStrategy['getTokenInfo']>>
//     TokenResponse (or visitorToken, refreshToken, memberToken)   POST /oauth2/token for the
//                                     OAuthStrategy grants: the SDK's exported TokenResponse
//     AppTokenResponse (or adminToken)  POST /oauth2/token client_credentials. The SDK declares no
//                                     type for it (AppStrategy reads access_token and expires_in
//                                     from untyped JSON); this is TokenResponse with refresh_token
//                                     optional, since that grant gives none.
// JSON has no Date: every `Date` in a declared type is checked as the ISO string Wix sends
// (`Json<T>` below maps Date to string, recursively, keeping optionality), and a type with no fields
// (e.g. DeleteMemberResponse) as Record<string, never>, since TypeScript checks no excess properties
// against `{}`.

import { readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, 'package.json'));

const SDK_TYPES = {
  TokenInfo: "Awaited<ReturnType<import('@wix/sdk').AppStrategy['getTokenInfo']>>",
  TokenResponse: "import('@wix/sdk').TokenResponse",
  AppTokenResponse:
    "Omit<import('@wix/sdk').TokenResponse, 'refresh_token'> & { refresh_token?: string | null }",
};
const SDK_ALIASES = {
  tokenInfo: 'TokenInfo',
  visitorToken: 'TokenResponse',
  refreshToken: 'TokenResponse',
  memberToken: 'TokenResponse',
  adminToken: 'AppTokenResponse',
};

const metaTextCache = new Map();
function packageDir(pkg) {
  return dirname(require.resolve(`${pkg}/package.json`));
}
function metaText(pkg) {
  if (!metaTextCache.has(pkg)) {
    const dir = packageDir(pkg);
    const files = ['build/es/meta.d.mts', 'build/cjs/meta.d.ts'].map((f) => join(dir, f)).filter(existsSync);
    if (!files.length) throw new Error(`${pkg} has no build/*/meta.d.(m)ts`);
    metaTextCache.set(pkg, readFileSync(files[0], 'utf8'));
  }
  return metaTextCache.get(pkg);
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// -> { module, name } to import, or { expr } for a type written inline.
function resolveType(pkg, type) {
  if (typeof pkg !== 'string' || typeof type !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(type)) {
    throw new Error(`want "package" and an identifier "type", got ${JSON.stringify(pkg)} / ${JSON.stringify(type)}`);
  }
  if (pkg === '@wix/sdk') {
    const name = SDK_ALIASES[type] ?? type;
    if (!SDK_TYPES[name]) throw new Error(`@wix/sdk: no type "${type}" (have ${Object.keys(SDK_TYPES).join(', ')})`);
    return { expr: SDK_TYPES[name] };
  }
  if (pkg === '@wix/wix-data-items-sdk') {
    const file = join(packageDir('@wix/wix-data-items-common'), 'dist/types/types/data-item-types.d.ts');
    if (!new RegExp(`export (interface|type|declare enum|enum) ${escape(type)}\\b`).test(readFileSync(file, 'utf8'))) {
      throw new Error(`${pkg}: no REST type "${type}" in @wix/wix-data-items-common's data-item-types`);
    }
    return { module: '@wix/wix-data-items-sdk/build/cjs/src/data-items-api-client', name: type };
  }
  let text;
  try {
    text = metaText(pkg);
  } catch (e) {
    throw new Error(`${pkg}: ${e.message}`);
  }
  const base = type.endsWith('Original') ? type.slice(0, -'Original'.length) : type;
  if (new RegExp(`\\bas ${escape(base)}Original\\b`).test(text)) return { module: `${pkg}/meta`, name: `${base}Original` };
  throw new Error(`${pkg}/meta exports no REST type "${base}" (as ${base}Original)`);
}

// ---- main ------------------------------------------------------------------------------------

const [inPath, outPath] = process.argv.slice(2);
if (!inPath) {
  console.error('usage: node typecheck.mjs ANSWERS.json [OUT.json]');
  process.exit(2);
}
const answers = JSON.parse(readFileSync(inPath, 'utf8'));
if (!Array.isArray(answers)) {
  console.error(`${inPath}: want a JSON array of answers`);
  process.exit(2);
}

const bad = [];
const imports = [];
const body = [];
const ranges = []; // { id, n, offset, lines } -> start/end: 1-based lines of the generated file
let bodyLines = 0;
const push = (text) => {
  body.push(text);
  bodyLines += text.split('\n').length;
};
const header = [
  '// Generated by typecheck.mjs; each answer is a fresh object literal of its REST type.',
  'type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? ([keyof T] extends [never] ? Record<string, never> : { [K in keyof T]: Json<T[K]> }) : T;',
];
answers.forEach((a, n) => {
  const id = a?.id ?? `#${n}`;
  let t;
  try {
    t = resolveType(a?.package, a?.type);
  } catch (e) {
    bad.push(`${id}: ${e.message}`);
    return;
  }
  let typeRef;
  if (t.expr) {
    push(`type T_${n} = ${t.expr};`);
    typeRef = `T_${n}`;
  } else {
    imports.push(`import type { ${t.name} as T_${n} } from '${t.module}';`);
    typeRef = `T_${n}`;
  }
  const literal = JSON.stringify(a.value === undefined ? null : a.value, null, 2);
  push(`// ${JSON.stringify(String(id))}`);
  const text = `export const v_${n}: Json<${typeRef}> = ${literal};`;
  ranges.push({ id, n, lines: text.split('\n').length, offset: bodyLines + 1 });
  push(text);
});
if (bad.length) {
  console.error(`typecheck.mjs: bad input:\n  ${bad.join('\n  ')}`);
  process.exit(2);
}

const prefix = [...header, ...imports];
const source = [...prefix, ...body].join('\n') + '\n';
for (const r of ranges) {
  r.start = prefix.length + r.offset;
  r.end = r.start + r.lines - 1;
}
const sourceLines = source.split('\n');

const work = join(here, `.typecheck-${process.pid}`);
mkdirSync(work, { recursive: true });
let result;
try {
  writeFileSync(join(work, 'answers.ts'), source);
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: 'es2022',
        lib: ['es2022', 'dom'],
        module: 'esnext',
        moduleResolution: 'bundler',
        types: [],
      },
      files: ['answers.ts'],
    }),
  );
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  result = spawnSync(process.execPath, [tsc, '-p', join(work, 'tsconfig.json'), '--pretty', 'false'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (process.env.ORACLE_KEEP_TS) writeFileSync(process.env.ORACLE_KEEP_TS, source);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (result.error) {
  console.error(`typecheck.mjs: cannot run tsc: ${result.error.message}`);
  process.exit(2);
}

// tsc --pretty false: "answers.ts(LINE,COL): error TSnnnn: message" with indented continuation lines.
const errors = new Map(ranges.map((r) => [r.n, []]));
const unplaced = [];
let last = null;
for (const line of (result.stdout + result.stderr).split('\n')) {
  const m = /^(.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
  if (m) {
    const lineNo = Number(m[2]);
    const r = ranges.find((x) => lineNo >= x.start && lineNo <= x.end);
    const at = sourceLines[lineNo - 1]?.trim() ?? '';
    const msg = `${m[4]}: ${m[5]}${r ? `  [value line ${lineNo - r.start + 1}: ${at.slice(0, 160)}]` : ''}`;
    last = { list: r ? errors.get(r.n) : unplaced, index: null };
    last.list.push(msg);
    last.index = last.list.length - 1;
  } else if (line.startsWith(' ') && last) {
    last.list[last.index] += `\n      ${line.trim()}`;
  } else if (line.trim()) {
    unplaced.push(line);
    last = null;
  }
}

const report = ranges.map((r) => ({ id: r.id, ok: errors.get(r.n).length === 0, errors: errors.get(r.n) }));
if (outPath) writeFileSync(outPath, JSON.stringify(report, null, 2) + '\n');
const failing = report.filter((r) => !r.ok);
for (const r of failing) {
  console.error(`${r.id}:`);
  for (const e of r.errors) console.error(`    ${e}`);
}
if (unplaced.length) console.error(`tsc, outside any answer:\n  ${unplaced.join('\n  ')}`);
if (failing.length || unplaced.length || result.status !== 0) {
  if (result.status !== 0 && !failing.length && !unplaced.length) console.error(`tsc exited ${result.status}`);
  console.error(`typecheck.mjs: ${failing.length} of ${report.length} answers do not type-check`);
  process.exit(1);
}
console.log(`typecheck.mjs: ${report.length} answers type-check`);
