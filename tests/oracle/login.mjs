#!/usr/bin/env node
// login.mjs — Wix's own SDK logs members in against the sandbox.
//
// Usage: node login.mjs IN.json OUT.json
//
// IN:  { "wix": "http://127.0.0.1:PORT",            // the sandbox
//        "clientId": "…",                           // the site's headless OAuth client
//        "page": "http://127.0.0.1:8080/index.html", // the page the login runs in
//        "attempts": [ { "id": "…", "email": "…", "password": "…" }, … ] }
//
// Each attempt is what a headless page does (@wix/sdk 1.21.16, `OAuthStrategy`, unmodified):
//   const wix = createClient({ auth: OAuthStrategy({ clientId }) });
//   const result = await wix.auth.login({ email, password });
//   if (result.loginState === "SUCCESS")
//     wix.auth.setTokens(await wix.auth.getMemberTokensForDirectLogin(result.data.sessionToken));
//
// The SDK calls https://www.wixapis.com; `fetch` sends those requests to the sandbox instead, as DNS and
// TLS leading there would, with `X-Forwarded-Host: www.wixapis.com` and `X-Forwarded-Proto: https` (a
// proxy's headers: the sandbox names the host it was called on in the URLs it answers).
//
// getMemberTokensForDirectLogin needs a browser: it appends a hidden <iframe> for the redirect session's
// `fullUrl` and waits for a `message` event on `window` from the framed page. Node has no DOM, so this
// script gives the SDK the little of one it touches (`window` as an EventTarget, `document.createElement`,
// `document.body.appendChild/contains/removeChild`) and does with an appended iframe what a browser does
// with it: load `src` with the page's origin as `Referer` (Chromium's default referrer policy,
// strict-origin-when-cross-origin); refuse to show it when its `Content-Security-Policy: frame-ancestors`
// leaves the page out; run its inline scripts with `window.parent` being the page, whose `postMessage(data,
// targetOrigin)` delivers a MessageEvent to the page only when targetOrigin is the page's origin (or "*").
// The browser test (tests/api/browser.rs) runs the same flow in Chromium.
//
// OUT: [ { "id", "loginState", "errorCode"?, "error"?,        // what auth.login returned
//          "tokens"?: { "accessToken", "refreshToken", "role" },  // after getMemberTokensForDirectLogin
//          "loggedIn"?: bool,                                 // auth.loggedIn() after setTokens
//          "tokenInfo"?: { … },                               // POST /oauth2/token-info of the access token
//          "renewed"?: { "accessToken", "refreshToken" },     // auth.renewToken(refresh token) after that
//          "failure"?: "…",                                   // what threw, if anything did
//          "requests": [ { "method", "url", "status", "body"?, "answer"? } ],  // password redacted
//          "frames": [ { "src", "status", "shown": bool, "posted": [ { "targetOrigin", "delivered" } ] } ] } ]
// Exits 1 (after writing OUT) when a call threw, 2 on bad usage.

import { readFileSync, writeFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { createClient, OAuthStrategy } from '@wix/sdk';

const [inPath, outPath] = process.argv.slice(2);
if (!inPath || !outPath) {
  console.error('usage: node login.mjs IN.json OUT.json');
  process.exit(2);
}
const input = JSON.parse(readFileSync(inPath, 'utf8'));
const WIX_API = 'https://www.wixapis.com';
const page = new URL(input.page);

/** The attempt being run: where requests and frames are recorded. */
let current;

const realFetch = globalThis.fetch;
async function routed(url, init = {}, extraHeaders = {}) {
  const target = String(url);
  if (!target.startsWith(`${WIX_API}/`)) throw new Error(`the SDK called ${target}, not Wix`);
  const headers = new Headers(init.headers);
  headers.set('x-forwarded-host', 'www.wixapis.com');
  headers.set('x-forwarded-proto', 'https');
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  const response = await realFetch(input.wix + target.slice(WIX_API.length), {
    ...init,
    headers,
    redirect: 'manual',
  });
  const record = { method: init.method ?? 'GET', url: target, status: response.status };
  if (typeof init.body === 'string') record.body = redact(parse(init.body));
  const text = await response.clone().text();
  const answer = parse(text);
  if (typeof answer === 'object') record.answer = answer;
  current.requests.push(record);
  return response;
}
globalThis.fetch = (url, init) => routed(url instanceof Request ? url.url : url, init);

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function redact(body) {
  if (body && typeof body === 'object' && 'password' in body) return { ...body, password: '<redacted>' };
  return body;
}

// --- The part of a browser the SDK's direct login touches ---------------------------------------------

const window = new EventTarget();
const body = {
  children: new Set(),
  appendChild(element) {
    this.children.add(element);
    element.parentElement = this;
    if (element.tagName === 'IFRAME') element.loading = load(element);
    return element;
  },
  removeChild(element) {
    this.children.delete(element);
    element.parentElement = null;
    return element;
  },
  contains(element) {
    return this.children.has(element);
  },
};
globalThis.window = window;
globalThis.document = {
  body,
  createElement(tag) {
    return { tagName: String(tag).toUpperCase(), style: {}, src: '', parentElement: null };
  },
};

/** Whether a `Content-Security-Policy` header lets `origin` frame the page it came with. */
function frameable(policy, origin) {
  if (!policy) return true;
  const directive = policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([name]) => name?.toLowerCase() === 'frame-ancestors');
  if (!directive) return true;
  const sources = directive.slice(1);
  return sources.includes('*') || sources.includes(origin);
}

/** Load an iframe as a browser would, and run what it says. */
async function load(iframe) {
  const src = new URL(iframe.src, page);
  const frame = { src: src.href, posted: [] };
  current.frames.push(frame);
  try {
    const response = await routed(src.href, { method: 'GET' }, {
      referer: `${page.origin}/`,
      'sec-fetch-dest': 'iframe',
    });
    frame.status = response.status;
    const html = await response.text();
    frame.shown = frameable(response.headers.get('content-security-policy'), page.origin);
    if (!frame.shown) return;
    const parent = {
      postMessage(data, targetOrigin) {
        const delivered = targetOrigin === '*' || targetOrigin === page.origin;
        frame.posted.push({ targetOrigin, delivered });
        if (!delivered) return;
        const event = new MessageEvent('message', { data: structuredClone(data), origin: src.origin });
        setTimeout(() => window.dispatchEvent(event), 0);
      },
    };
    for (const [, script] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
      runInNewContext(script, { window: { parent } });
    }
  } catch (error) {
    frame.error = String(error);
  }
}

// --- The attempts ------------------------------------------------------------------------------------

const results = [];
let failed = false;
for (const attempt of input.attempts) {
  current = { id: attempt.id, requests: [], frames: [] };
  results.push(current);
  try {
    const wix = createClient({ auth: OAuthStrategy({ clientId: input.clientId }) });
    const result = await wix.auth.login({ email: attempt.email, password: attempt.password });
    current.loginState = result.loginState;
    if (result.errorCode) current.errorCode = result.errorCode;
    if (result.error) current.error = result.error;
    if (result.loginState === 'SUCCESS') {
      // The SDK waits up to 120 s for the frame's message; a frame that posts nothing fails sooner here.
      const tokens = await Promise.race([
        wix.auth.getMemberTokensForDirectLogin(result.data.sessionToken),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no message from the frame in 10 s')), 10_000)),
      ]);
      wix.auth.setTokens(tokens);
      current.tokens = {
        accessToken: tokens.accessToken.value,
        refreshToken: tokens.refreshToken.value,
        role: tokens.refreshToken.role,
      };
      current.loggedIn = wix.auth.loggedIn();
      // What a backend asks Wix of the token (the SDK's getTokenInfo request), and the SDK's own renewal.
      const info = await fetch(`${WIX_API}/oauth2/token-info`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: tokens.accessToken.value }),
      });
      current.tokenInfo = await info.json();
      const renewed = await wix.auth.renewToken(tokens.refreshToken);
      current.renewed = { accessToken: renewed.accessToken.value, refreshToken: renewed.refreshToken.value };
    }
  } catch (error) {
    current.failure = String(error?.stack ?? error);
    failed = true;
    console.error(`${attempt.id}: ${current.failure}`);
  }
}
writeFileSync(outPath, JSON.stringify(results, null, 2));
process.exit(failed ? 1 : 0);
