#!/usr/bin/env node
// record.mjs — what Wix's own SDK sends, recorded.
//
// Usage: node record.mjs IN.json OUT.json
//
// IN is a JSON array of calls. Each call is run with `globalThis.fetch` replaced by a recorder that
// answers every request 200 with a JSON body (see `response`) and keeps what the SDK asked for.
//
//   { "id": "get member",                       // any string, copied to OUT
//     "package": "@wix/auto_sdk_members_members", // an installed SDK module (see package.json)
//     "fn": "getMember",                         // an export of that module (dots walk into it: "a.b")
//     "args": ["0e3b…", { "fieldsets": ["FULL"] }], // the SDK function's arguments (default [])
//     "chain": [["eq", "status", "APPROVED"], ["limit", 10], ["find"]],
//                                                // optional: methods applied in turn to the value
//                                                // `fn(...args)` returned (query builders); each
//                                                // step's result is awaited
//     "response": { … } | [ { … }, … ]           // optional: the JSON body the recorder answers with
//   }                                            // (an array: one per request in order, the last
//                                                // one repeated); default {} (for wix-data item
//                                                // calls: the item sent, given an id)
//
// A module call goes through `createClient({ modules: { m: <module> }, auth })` from @wix/sdk, with
// an auth whose getAuthHeaders() gives `Authorization: ORACLE-TOKEN`, on the default host
// www.wixapis.com.
//
// "package": "@wix/sdk" records the SDK's token calls instead. "fn" is "<Strategy>.<method>":
// args[0] is the options the strategy is made with, args[1..] the method's arguments.
//   "AppStrategy.getAuthHeaders"   the admin grant: POST /oauth2/token, grant_type client_credentials
//                                   (args[0] = { appId, appSecret, instanceId })
//   "AppStrategy.getTokenInfo"     POST /oauth2/token-info (args[0] = { appId, accessToken })
//   "OAuthStrategy.generateVisitorTokens"  visitor token: POST /oauth2/token, grantType anonymous
//                                   (args[0] = { clientId })
//   "OAuthStrategy.renewToken"     member/visitor refresh: grantType refresh_token
//                                   (args[0] = { clientId }, args[1] = { value, role })
//   "OAuthStrategy.getMemberTokens"  member token from a login redirect: grantType authorization_code
//                                   (args[0] = { clientId }, args[1] = code, args[2] = state,
//                                    args[3] = { codeVerifier, codeChallenge, state, redirectUri,
//                                    originalUri })
//   "OAuthStrategy.getMemberTokensForExternalLogin"  grant_type authorized_client
//                                   (args[0] = { clientId }, args[1] = memberId, args[2] = apiKey)
//   "getTokenInfo"                 the same as AppStrategy.getTokenInfo with args[0] = the token
// Short names: "adminToken" (or "AppStrategy.getToken") = AppStrategy.getAuthHeaders, "tokenInfo" = getTokenInfo, "visitorToken"
// = OAuthStrategy.generateVisitorTokens, "refreshToken" = OAuthStrategy.renewToken, "memberToken" =
// OAuthStrategy.getMemberTokens. Missing options get placeholder ids (PLACEHOLDER below), and token
// calls get a plausible token answer unless "response" says otherwise.
//
// OUT is a JSON array, one entry per call, in order:
//   { "id", "requests": [ { "method", "url", "path",
//                           "query": { name: [values] },          // percent-decoded
//                           "query_decoded": <JSON> ,             // only when there is a `.r` param:
//                                                                 // its base64(url) JSON, decoded
//                           "headers": { "content-type": … },     // lowercased; only content-type
//                           "body": <parsed JSON> | null,
//                           "body_raw": "…" } ],                  // only if the body is not JSON
//     "result": <what the SDK function returned, JSON-safe>,  // absent when it threw
//     "error": "message" }                                     // only when the SDK call threw
// The script exits 1 (after writing OUT) if any call errored, naming each on stderr; 2 on bad usage.
//
// Worth knowing when comparing: the SDK sends some reads as GET with the request JSON base64url-encoded
// in one `.r` query parameter, and falls back to POST with that JSON as the body (same path) only
// when the encoded parameters pass 4000 characters; path ids are repeated in the query (GET/DELETE)
// or the body (POST/PATCH); `fields`-style field masks go as one comma-joined value.

import { readFileSync, writeFileSync } from 'node:fs';

export const PLACEHOLDER = {
  appId: '5b1f8c2e-3d4a-4e6f-9a7b-1c2d3e4f5a6b',
  appSecret: 'oracle-app-secret',
  instanceId: '7c9d2e1f-4a3b-4c5d-8e6f-0a1b2c3d4e5f',
  clientId: '9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c6b',
  accessToken: 'OAUTH2.oracle-access-token',
};

const ALIASES = {
  adminToken: 'AppStrategy.getAuthHeaders',
  'AppStrategy.getToken': 'AppStrategy.getAuthHeaders',
  tokenInfo: 'getTokenInfo',
  visitorToken: 'OAuthStrategy.generateVisitorTokens',
  refreshToken: 'OAuthStrategy.renewToken',
  memberToken: 'OAuthStrategy.getMemberTokens',
};

const TOKEN_ANSWER = {
  access_token: 'OAUTH2.oracle-recorded-access-token',
  refresh_token: 'OAUTH2.oracle-recorded-refresh-token',
  token_type: 'Bearer',
  expires_in: 14400,
  scope: 'offline_access',
};
const TOKEN_INFO_ANSWER = {
  active: true,
  subjectType: 'VISITOR',
  subjectId: '3f2e1d0c-9b8a-4776-8554-433221100fed',
  exp: 1900000000,
  iat: 1800000000,
  clientId: PLACEHOLDER.appId,
  siteId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  instanceId: PLACEHOLDER.instanceId,
};

// ---- the recorder ----------------------------------------------------------------------------

let current = null; // { requests: [], responses: [...] }

function decodeR(value) {
  try {
    const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch (e) {
    return { undecodable: value, error: String(e) };
  }
}

async function recordingFetch(input, init) {
  const req = new Request(input, init);
  const url = new URL(req.url);
  const query = {};
  for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
  const text = req.body ? await req.text() : '';
  let body = null;
  let bodyRaw;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      bodyRaw = text;
    }
  }
  const headers = {};
  const ct = req.headers.get('content-type');
  if (ct !== null) headers['content-type'] = ct;
  const record = { method: req.method, url: req.url, path: url.pathname, query };
  if (query['.r']) record.query_decoded = query['.r'].length === 1 ? decodeR(query['.r'][0]) : query['.r'].map(decodeR);
  record.headers = headers;
  record.body = body;
  if (bodyRaw !== undefined) record.body_raw = bodyRaw;
  if (!current) throw new Error(`fetch outside a recorded call: ${req.method} ${req.url}`);
  const i = current.requests.length;
  current.requests.push(record);
  const answers = current.responses;
  const answer = answers.length ? answers[Math.min(i, answers.length - 1)] : autoAnswer(record);
  return new Response(JSON.stringify(answer), {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-wix-request-id': 'oracle' },
  });
}

// The answer when the call gives no "response": {}, which every module call here takes, except
// wix-data's item calls, whose SDK reads the item back: they get the item they sent, with an id.
function autoAnswer(record) {
  const item = record.body?.dataItem;
  if (record.path.startsWith('/wix-data/v2/items') && item && typeof item === 'object') {
    const id = item.id ?? item.data?._id ?? '6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e';
    return {
      dataItem: { ...item, id, dataCollectionId: record.body.dataCollectionId, data: { ...(item.data ?? {}), _id: id } },
    };
  }
  return {};
}

globalThis.fetch = recordingFetch;

// Imported only after fetch is replaced, in case a module keeps a reference to it.
const sdk = await import('@wix/sdk');

// ---- running one call ------------------------------------------------------------------------

function jsonSafe(value, depth = 0, seen = new WeakSet()) {
  if (value === undefined) return null;
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (depth > 12 || seen.has(value)) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => jsonSafe(v, depth + 1, seen) ?? null);
  if (value instanceof Date) return value.toISOString();
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'function') continue;
    const s = jsonSafe(v, depth + 1, seen);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function walk(obj, dotted, what) {
  let v = obj;
  for (const part of dotted.split('.')) {
    if (v == null || !(part in Object(v))) throw new Error(`${what} has no export "${dotted}"`);
    v = v[part];
  }
  return v;
}

async function runSdkToken(fn, args) {
  const name = ALIASES[fn] ?? fn;
  if (name === 'getTokenInfo') {
    const token = typeof args[0] === 'string' ? args[0] : (args[0]?.accessToken ?? PLACEHOLDER.accessToken);
    return sdk.AppStrategy({ appId: PLACEHOLDER.appId, accessToken: token }).getTokenInfo();
  }
  const [strategyName, method] = name.split('.');
  if (!method) throw new Error(`@wix/sdk: unknown fn "${fn}" (want <Strategy>.<method>, or getTokenInfo)`);
  const opts = { ...(args[0] ?? {}) };
  let strategy;
  if (strategyName === 'AppStrategy') {
    opts.appId ??= PLACEHOLDER.appId;
    if (method === 'getAuthHeaders' && !('refreshToken' in opts) && !('accessToken' in opts)) {
      opts.appSecret ??= PLACEHOLDER.appSecret;
      opts.instanceId ??= PLACEHOLDER.instanceId;
    }
    strategy = sdk.AppStrategy(opts);
  } else if (strategyName === 'OAuthStrategy') {
    opts.clientId ??= PLACEHOLDER.clientId;
    strategy = sdk.OAuthStrategy(opts);
  } else if (strategyName === 'ApiKeyStrategy') {
    strategy = sdk.ApiKeyStrategy(opts);
  } else {
    throw new Error(`@wix/sdk: unknown strategy "${strategyName}"`);
  }
  if (typeof strategy[method] !== 'function') throw new Error(`@wix/sdk: ${strategyName} has no method "${method}"`);
  return strategy[method](...args.slice(1));
}

function defaultResponses(call) {
  if (call.response !== undefined) return Array.isArray(call.response) ? call.response : [call.response];
  if (call.package === '@wix/sdk') {
    const name = ALIASES[call.fn] ?? call.fn;
    return [/getTokenInfo$/.test(name) ? TOKEN_INFO_ANSWER : TOKEN_ANSWER];
  }
  return []; // autoAnswer
}

async function runCall(call) {
  if (typeof call.package !== 'string' || typeof call.fn !== 'string') {
    throw new Error('a call needs "package" and "fn" strings');
  }
  const args = call.args ?? [];
  if (!Array.isArray(args)) throw new Error('"args" must be an array');
  if (call.package === '@wix/sdk') return runSdkToken(call.fn, args);
  let mod;
  try {
    mod = await import(call.package);
  } catch (e) {
    throw new Error(`cannot import ${call.package}: ${e.message}`);
  }
  const client = sdk.createClient({
    modules: { m: mod },
    auth: { getAuthHeaders: async () => ({ headers: { Authorization: 'ORACLE-TOKEN' } }) },
  });
  const f = walk(client.m, call.fn, call.package);
  if (typeof f !== 'function') throw new Error(`${call.package}.${call.fn} is not a function`);
  let value = await f(...args);
  for (const step of call.chain ?? []) {
    if (!Array.isArray(step) || typeof step[0] !== 'string') throw new Error(`bad chain step ${JSON.stringify(step)}`);
    const [method, ...stepArgs] = step;
    if (value == null || typeof value[method] !== 'function') {
      throw new Error(`chain: ${method}() is not a method of what came before`);
    }
    value = await value[method](...stepArgs);
  }
  return value;
}

function errorMessage(e) {
  if (!(e instanceof Error)) return String(e);
  let msg = `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message || String(e)}`;
  if (e.details && Object.keys(e.details).length) msg += ` ${JSON.stringify(e.details)}`;
  const inner = e.runtimeError ?? e.cause;
  const innerMsg = inner instanceof Error ? inner.message : inner && JSON.stringify(inner);
  if (innerMsg && innerMsg !== e.message) msg += ` (${innerMsg})`;
  const frame = e.stack?.split('\n').find((l) => l.includes('node_modules/@wix/'));
  if (frame) msg += ` at ${frame.trim().replace(/^at /, '').replace(/(file:\/\/)?\/\S*node_modules\//, '')}`;
  return msg;
}

// ---- main ------------------------------------------------------------------------------------

const [inPath, outPath] = process.argv.slice(2);
if (!inPath || !outPath) {
  console.error('usage: node record.mjs IN.json OUT.json');
  process.exit(2);
}
const calls = JSON.parse(readFileSync(inPath, 'utf8'));
if (!Array.isArray(calls)) {
  console.error(`${inPath}: want a JSON array of calls`);
  process.exit(2);
}

const out = [];
const failed = [];
for (const [i, call] of calls.entries()) {
  const id = call?.id ?? `#${i}`;
  current = { requests: [], responses: [] };
  const entry = { id, requests: current.requests };
  try {
    current.responses = defaultResponses(call);
    const result = await runCall(call);
    entry.result = jsonSafe(result) ?? null;
  } catch (e) {
    entry.error = errorMessage(e);
    failed.push(`${id}: ${entry.error}`);
  }
  current = null;
  out.push(entry);
}
writeFileSync(outPath, JSON.stringify(out, null, 2) + '\n');
if (failed.length) {
  console.error(`record.mjs: ${failed.length} of ${calls.length} calls failed:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
