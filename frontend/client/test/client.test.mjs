// Runtime tests of the built client (dist/) with a recording fetch: `npm test` (and `npm run check`).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  createElevateClient,
  ElevateError,
  functionNames,
  functions,
  newIdempotencyKey,
  urlsFromStackOutputs,
  wixTokenProvider,
  browserTokenStorage,
  EMPTY_TOKENS,
} from "../dist/index.js";

const TOKEN = "OauthNG.JWS.secret-visitor-token";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A client whose fetch records each request and answers `answer(request)` (default 200 `{}`). */
function recorder(answer = () => Response.json({})) {
  const seen = [];
  const client = createElevateClient({
    urls: (name) => `https://fn.example/${name}/`,
    token: async () => TOKEN,
    fetch: async (url, init) => {
      const request = new Request(url, init);
      seen.push(request);
      return answer(request);
    },
  });
  return { client, seen };
}

test("every function of the document has its method", () => {
  const { client } = recorder();
  assert.equal(functionNames.length, 16);
  for (const name of functionNames) assert.equal(typeof client[functions[name].methodName], "function", name);
});

test("a GET carries the token and no body", async () => {
  const { client, seen } = recorder(() => Response.json({ siteDisplayName: "Clay Studio" }));
  assert.deepEqual(await client.getSiteProperties(), { siteDisplayName: "Clay Studio" });
  const [request] = seen;
  assert.equal(request.method, "GET");
  assert.equal(request.url, "https://fn.example/get-site-properties/");
  assert.equal(request.headers.get("authorization"), `Bearer ${TOKEN}`);
  assert.equal(request.headers.get("content-type"), null);
  assert.equal(request.headers.get("idempotency-key"), null);
});

test("a write that takes an Idempotency-Key gets a new one, or the caller's", async () => {
  const { client, seen } = recorder();
  await client.createMember({ loginEmail: "lee@example.com" });
  await client.createMember({ loginEmail: "lee@example.com" });
  await client.refundOrder({ orderId: "o", amount: "10.00" }, { idempotencyKey: "refund-1" });
  const [first, second, refund] = seen;
  assert.equal(first.headers.get("content-type"), "application/json");
  assert.deepEqual(await first.json(), { loginEmail: "lee@example.com" });
  assert.match(first.headers.get("idempotency-key"), UUID);
  assert.notEqual(first.headers.get("idempotency-key"), second.headers.get("idempotency-key"));
  assert.equal(refund.headers.get("idempotency-key"), "refund-1");
  assert.match(newIdempotencyKey(), UUID);
});

test("a body whose fields are all optional may be left out; no key where none is taken", async () => {
  const { client, seen } = recorder(() => Response.json({ members: [], paging: {} }));
  await client.queryMembers();
  assert.equal(await seen[0].text(), "{}");
  assert.equal(seen[0].headers.get("idempotency-key"), null);
});

test("an upload is a form with the widget's token", async () => {
  const { client, seen } = recorder(() => Response.json({ itemId: "i", mediaUrl: "m" }));
  const file = new File([new Uint8Array([137, 80, 78, 71])], "bowl.png", { type: "image/png" });
  await client.uploadImage({ file, title: "Bowl", uploaderName: "Rui" }, { attestationToken: "widget-token" });
  const [request] = seen;
  assert.equal(request.headers.get("attestation-token"), "widget-token");
  assert.match(request.headers.get("content-type"), /^multipart\/form-data; boundary=/);
  const form = await request.formData();
  assert.equal(form.get("title"), "Bowl");
  assert.equal(form.get("uploaderName"), "Rui");
  assert.equal(form.get("file").name, "bowl.png");
  assert.equal(form.get("file").size, 4);
});

test("a required attestation token missing fails before any request", async () => {
  const { client, seen } = recorder();
  await assert.rejects(client.uploadImage({ file: new Blob(["x"]), title: "t", uploaderName: "n" }), TypeError);
  assert.equal(seen.length, 0);
});

test("a problem answer is an ElevateError with its fields, and no token in it", async () => {
  const problem = {
    type: "urn:wix-elevate:problem:admin-only",
    title: "Forbidden",
    status: 403,
    detail: "only an admin may do this",
    requestId: "req-1",
  };
  const { client } = recorder(
    () => new Response(JSON.stringify(problem), { status: 403, headers: { "content-type": "application/problem+json", "x-request-id": "req-1" } }),
  );
  const error = await client.refundOrder({ orderId: "o", amount: "1" }).catch((e) => e);
  assert.ok(error instanceof ElevateError);
  assert.equal(error.name, "ElevateError");
  assert.equal(error.message, "403 Forbidden: only an admin may do this (request req-1)");
  assert.deepEqual(
    [error.status, error.type, error.title, error.detail, error.requestId, error.functionName],
    [403, problem.type, "Forbidden", problem.detail, "req-1", "refund-order"],
  );
  assert.deepEqual(error.problem, problem);
  assert.ok(!JSON.stringify({ ...error, message: error.message, stack: error.stack }).includes(TOKEN));
});

test("any other failure is an ElevateError with the status and the x-request-id", async () => {
  const { client } = recorder(
    () => new Response("<html>bad gateway</html>", { status: 502, headers: { "content-type": "text/html", "x-request-id": "req-2", "retry-after": "3" } }),
  );
  const error = await client.getSiteProperties().catch((e) => e);
  assert.ok(error instanceof ElevateError);
  assert.equal(error.message, "502 Bad Gateway (request req-2)");
  assert.deepEqual([error.status, error.type, error.requestId, error.retryAfter, error.problem], [502, "about:blank", "req-2", 3, undefined]);
});

test("a fetch the browser blocks stays a TypeError", async () => {
  const { client } = recorder(() => {
    throw new TypeError("Failed to fetch");
  });
  await assert.rejects(client.getSiteProperties(), { name: "TypeError", message: "Failed to fetch" });
});

test("urls by name; a missing one fails when called", async () => {
  const seen = [];
  const client = createElevateClient({
    urls: urlsFromStackOutputs([{ OutputKey: "GetSitePropertiesUrl", OutputValue: "https://abc.lambda-url.eu-west-1.on.aws/" }]),
    token: async () => TOKEN,
    fetch: async (url) => (seen.push(url), Response.json({})),
  });
  await client.getSiteProperties();
  assert.deepEqual(seen, ["https://abc.lambda-url.eu-west-1.on.aws/"]);
  await assert.rejects(client.queryOrders(), /no function URL configured for query-orders/);
  assert.deepEqual(urlsFromStackOutputs({ RefundOrderUrl: "https://r/", Other: "x" }), { "refund-order": "https://r/" });
});

/** A stand-in for the SDK's OAuthStrategy: renewals counted, each answered after `delay` ms. */
function fakeAuth(tokens, delay = 5) {
  const auth = {
    tokens,
    renewals: [],
    getTokens: () => auth.tokens,
    setTokens: (t) => (auth.tokens = t),
    generateVisitorTokens: async (given) => {
      auth.renewals.push(given);
      await new Promise((r) => setTimeout(r, delay));
      const n = auth.renewals.length;
      return {
        accessToken: { value: `access-${n}`, expiresAt: Math.floor(Date.now() / 1000) + 14400 },
        refreshToken: given?.refreshToken ?? { value: `visitor-refresh-${n}`, role: "visitor" },
      };
    },
  };
  return auth;
}

test("wixTokenProvider: a new visitor gets tokens once, however many calls ask at once", async () => {
  const auth = fakeAuth(EMPTY_TOKENS);
  const token = wixTokenProvider(auth);
  assert.deepEqual(await Promise.all([token(), token(), token()]), ["access-1", "access-1", "access-1"]);
  assert.deepEqual(auth.renewals, [undefined]);
  assert.equal(await token(), "access-1", "an unexpired token is used as it is");
  assert.equal(auth.renewals.length, 1);
});

test("wixTokenProvider: an expired member token is renewed with the member's refresh token", async () => {
  const member = { value: "member-refresh", role: "member" };
  const auth = fakeAuth({ accessToken: { value: "", expiresAt: 0 }, refreshToken: member });
  assert.equal(await wixTokenProvider(auth)(), "access-1");
  assert.deepEqual(auth.renewals, [{ refreshToken: member }]);
  assert.deepEqual(auth.tokens.refreshToken, member);
  // One that expires within a minute is renewed too.
  auth.tokens = { accessToken: { value: "old", expiresAt: Math.floor(Date.now() / 1000) + 30 }, refreshToken: member };
  assert.equal(await wixTokenProvider(auth)(), "access-2");
});

test("wixTokenProvider: a login during a renewal is not overwritten", async () => {
  const auth = fakeAuth(EMPTY_TOKENS, 20);
  const token = wixTokenProvider(auth);
  const first = token();
  const member = {
    accessToken: { value: "member-access", expiresAt: Math.floor(Date.now() / 1000) + 14400 },
    refreshToken: { value: "member-refresh", role: "member" },
  };
  auth.setTokens(member); // the login finished first
  assert.equal(await first, "member-access");
  assert.equal(auth.tokens, member);
});

test("browserTokenStorage keeps the SDK's tokens under wix-tokens", () => {
  const items = new Map();
  const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) };
  const changes = [];
  const store = browserTokenStorage(storage, { onChange: (t) => changes.push(t.refreshToken.role) });
  assert.deepEqual(store.getTokens(), EMPTY_TOKENS);
  const tokens = { accessToken: { value: "a", expiresAt: 1 }, refreshToken: { value: "r", role: "member" } };
  store.setTokens(tokens);
  assert.deepEqual(JSON.parse(items.get("wix-tokens")), tokens);
  assert.deepEqual(store.getTokens(), tokens);
  assert.deepEqual(changes, ["member"]);
  items.set("wix-tokens", "{not json");
  assert.deepEqual(store.getTokens(), EMPTY_TOKENS);
});
