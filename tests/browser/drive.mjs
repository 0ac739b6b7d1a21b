// Drives frontend/ in headless Chromium against the local stack and prints what the page showed, as JSON.
// The page is served on two loopback origins: one the functions allow, one they do not. Called by
// tests/api/browser.rs, which starts the stack and checks the result; run by hand with the same flags.
//
//   node drive.mjs --functions URL --wix URL --client-id ID --allowed-port N --other-port N
//                  --image PATH --screenshots DIR
//                  --member-email E --member-password P --admin-email E --admin-password P
//                  --cancel-booking ID --approve-member ID --refund-order ID
//                  [--member-refresh-token TOKEN] [--frontend DIR]
//
// On the allowed origin, as a member and then an admin, through the page's own controls (ids are the
// page's contract): log in with the login form (Wix's SDK: `auth.login`, then
// `getMemberTokensForDirectLogin`, whose hidden iframe loads the redirect session's authorize page), load
// the site properties, upload a picture, list the member's orders and bookings, cancel one booking, press
// an admin button (refused: the member is no admin), log out; log in as the admin, approve a pending
// member, refund an order. On the other origin the properties and an upload, which the browser blocks.
// With --member-refresh-token, a member who logged in on another page of the site (the SDK holds only the
// refresh token) loads the properties.
//
// The page is configured as in production: Wix's SDK in it calls https://www.wixapis.com (and
// https://edge.wixapis.com, its CDN host for module calls), the login's iframe loads the authorize page
// the redirect session names on www.wixapis.com, and the upload form loads Cloudflare Turnstile's widget
// from https://challenges.cloudflare.com. Chromium's requests for those hosts (preflights, the iframe's
// navigation and the logout's included) are answered by the sandbox at --wix instead (it serves a
// stand-in widget), through the DevTools Fetch domain, with `X-Forwarded-Host`/`-Proto` naming the host
// asked for; each one is reported (`wixRequests`, `widgetRequests`), so the caller sees what the page sent.

import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: args } = parseArgs({
  options: {
    functions: { type: "string" },
    wix: { type: "string" },
    "client-id": { type: "string" },
    "allowed-port": { type: "string" },
    "other-port": { type: "string" },
    image: { type: "string" },
    screenshots: { type: "string" },
    "member-email": { type: "string" },
    "member-password": { type: "string" },
    "admin-email": { type: "string" },
    "admin-password": { type: "string" },
    "cancel-booking": { type: "string" },
    "approve-member": { type: "string" },
    "refund-order": { type: "string" },
    "member-refresh-token": { type: "string" },
    frontend: { type: "string" },
  },
});
const frontend = resolve(args.frontend ?? resolve(import.meta.dirname, "../../frontend"));
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css" };

/** Serve the frontend on 127.0.0.1:port. */
function serve(port) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, "http://x").pathname.replace(/^\/$/, "/index.html");
    const file = join(frontend, path);
    if (!file.startsWith(frontend)) return response.writeHead(403).end();
    try {
      const body = await readFile(file);
      response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((ready) => server.listen(Number(port), "127.0.0.1", () => ready(server)));
}

const servers = await Promise.all([serve(args["allowed-port"]), serve(args["other-port"])]);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: [
    // Without these Chromium reaches for Google's hosts, which this closed network refuses.
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // The login's iframe (www.wixapis.com) stays in the page's renderer, so the page's DevTools session
    // sees its navigation; the frame is still cross-origin to the page in every other respect.
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process",
  ],
});

const WIX_HOSTS = ["https://www.wixapis.com", "https://edge.wixapis.com"];
const TURNSTILE = "https://challenges.cloudflare.com";
const ROUTED = [...WIX_HOSTS, TURNSTILE];
// Not forwarded: they describe one hop, and node's fetch sets its own.
const HOP_HEADERS = new Set(["connection", "keep-alive", "host", "content-length", "transfer-encoding", "upgrade"]);

/**
 * Answer the page's requests for the Wix hosts and https://challenges.cloudflare.com from the sandbox,
 * as if DNS and TLS led there; each request is recorded in `seen.wix` or `seen.widget`.
 * Playwright's own page.route is not used: while any route is set, Playwright answers every CORS preflight
 * of the page itself (allowing everything), and this test is about the functions' own preflight answers.
 * The DevTools Fetch domain with a pattern pauses only these hosts' requests, preflights included.
 */
async function routeToSandbox(page, seen) {
  const cdp = await page.context().newCDPSession(page);
  cdp.on("Fetch.requestPaused", async ({ requestId, request, resourceType }) => {
    const base = ROUTED.find((b) => request.url.startsWith(`${b}/`));
    const record = { method: request.method, url: request.url, type: resourceType };
    (base === TURNSTILE ? seen.widget : seen.wix).push(record);
    try {
      const body = request.postDataEntries
        ? Buffer.concat(request.postDataEntries.map((entry) => Buffer.from(entry.bytes ?? "", "base64")))
        : request.postData;
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !HOP_HEADERS.has(name.toLowerCase())),
      );
      record.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      if (body !== undefined) record.body = redact(parseJson(body.toString()));
      const response = await fetch(args.wix + request.url.slice(base.length), {
        method: request.method,
        headers: { ...headers, "x-forwarded-host": new URL(base).host, "x-forwarded-proto": "https" },
        body,
        redirect: "manual",
      });
      const answer = Buffer.from(await response.arrayBuffer());
      record.status = response.status;
      const responseHeaders = [...response.headers]
        .filter(([name]) => !["content-encoding", "content-length", "transfer-encoding"].includes(name))
        .map(([name, value]) => ({ name, value }));
      await cdp.send("Fetch.fulfillRequest", {
        requestId,
        responseCode: response.status,
        responseHeaders,
        body: answer.toString("base64"),
      });
    } catch (error) {
      record.error = String(error);
      await cdp.send("Fetch.failRequest", { requestId, errorReason: "Failed" }).catch(() => {});
    }
  });
  const patterns = ROUTED.map((base) => ({ urlPattern: `${base}/*`, requestStage: "Request" }));
  await cdp.send("Fetch.enable", { patterns });
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The report keeps no password. */
function redact(body) {
  if (body && typeof body === "object" && "password" in body) return { ...body, password: "<redacted>" };
  return body;
}

/** A new page on `port`, routed and watched; `tokens`: the SDK's tokens already in its storage. */
async function open(port, { tokens } = {}) {
  const page = await browser.newPage({ viewport: { width: 900, height: 1100 } });
  page.setDefaultTimeout(15_000);
  const seen = { wix: [], widget: [], direct: [], consoleErrors: [] };
  page.on("console", (message) => message.type() === "error" && seen.consoleErrors.push(message.text()));
  page.on("pageerror", (error) => seen.consoleErrors.push(String(error)));
  // Nothing in the page may reach the sandbox by its own address: only through the Wix hosts.
  page.on("request", (request) => request.url().startsWith(args.wix) && seen.direct.push(request.url()));
  // A confirm() or prompt() before a refund or a cancellation is answered yes, with its default value.
  page.on("dialog", (dialog) => dialog.accept().catch(() => {}));
  await routeToSandbox(page, seen);
  if (tokens) {
    await page.addInitScript((saved) => localStorage.setItem("wix-tokens", saved), JSON.stringify(tokens));
  }
  // Exactly the production configuration: no Wix base, the SDK talks to www.wixapis.com.
  const query = new URLSearchParams({ functions: args.functions, clientId: args["client-id"] });
  await page.goto(`http://127.0.0.1:${port}/index.html?${query}`);
  return { page, seen, origin: `http://127.0.0.1:${port}` };
}

/** `fn(arg)` in the page until it is truthy; a navigation in between (a logout's) is waited out. */
async function until(page, fn, arg, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await page.waitForFunction(fn, arg, { timeout: Math.max(1, deadline - Date.now()) });
    } catch (error) {
      const navigated = /context was destroyed|navigation|Target closed/i.test(String(error));
      if (!navigated || Date.now() > deadline) throw error;
      await page.waitForLoadState("load").catch(() => {});
    }
  }
}

/** What a status element shows: its text, and on an error the problem's status, type and request id. */
async function status(page, id) {
  return page.evaluate((id) => {
    const el = document.getElementById(id);
    if (!el) return null;
    return {
      text: el.textContent,
      ok: el.classList.contains("ok"),
      error: el.classList.contains("error"),
      status: el.dataset.status ?? null,
      problemType: el.dataset.problemType ?? null,
      requestId: el.dataset.requestId ?? null,
    };
  }, id);
}

/**
 * Press `control` (a selector) and wait for the status element `statusId` to settle (class `ok` or
 * `error`); what it then shows. The element's class is cleared first, so an earlier outcome is not taken
 * for this one. `dispatch`: click through the DOM, for a control the page hides from this caller.
 */
async function act(page, control, statusId, { dispatch = false } = {}) {
  await page.evaluate((id) => document.getElementById(id)?.classList.remove("ok", "error"), statusId);
  if (dispatch) await page.locator(control).dispatchEvent("click");
  else await page.click(control);
  await until(
    page,
    (id) => {
      const el = document.getElementById(id);
      return el && (el.classList.contains("ok") || el.classList.contains("error"));
    },
    statusId,
  );
  return status(page, statusId);
}

/** `#whoami`'s `data-state`, once it is `want`. */
async function whoami(page, want) {
  await until(page, (want) => document.querySelector("#whoami")?.dataset.state === want, want);
  return want;
}

/** Log in through the page's form; what `#login-status` then shows, and who the page says is there. */
async function logIn(page, email, password) {
  await page.fill("#login-email", email);
  await page.fill("#login-password", password);
  const shown = await act(page, "#login button[type=submit]", "login-status");
  const state = shown.ok ? await whoami(page, "member").catch(() => null) : null;
  return { status: shown, whoami: state ?? (await page.getAttribute("#whoami", "data-state")) };
}

async function shot(page, name) {
  await page.screenshot({ path: join(args.screenshots, `${name}.png`), fullPage: true });
}

async function loadProperties(page) {
  const shown = await act(page, "#load-properties", "properties-status");
  const siteName = await page.locator("#site-name").textContent({ timeout: 500 }).catch(() => null);
  return { status: shown, siteName };
}

async function upload(page) {
  await page.setInputFiles("#upload-file", args.image);
  await page.fill("#upload-title", "Blue bowl");
  await page.fill("#upload-name", "Browser test");
  const shown = await act(page, "#upload button[type=submit]", "upload-status");
  return { status: shown, itemId: await page.getAttribute("#upload-status", "data-item-id") };
}

const ids = (page, selector, key) =>
  page.$$eval(selector, (items, key) => items.map((item) => item.dataset[key]), key);

async function bookings(page) {
  return page.$$eval("#my-bookings li[data-booking-id]", (items) =>
    items.map((item) => ({ id: item.dataset.bookingId, status: item.dataset.status })),
  );
}

/**
 * A member's visit: log in, properties, upload, orders, bookings, a cancellation, an admin button, log out.
 * `started` hears of the page as soon as it is open.
 */
async function memberVisit(started) {
  const visit = await open(args["allowed-port"]);
  started(visit);
  const { page, seen, origin } = visit;
  const result = { origin };
  visit.result = result;
  result.before = await page.getAttribute("#whoami", "data-state");
  result.login = await logIn(page, args["member-email"], args["member-password"]);
  await shot(page, "member-logged-in");
  result.properties = await loadProperties(page);
  result.upload = await upload(page);
  await shot(page, "member-properties-and-upload");
  result.orders = { status: await act(page, "#my-orders-load", "my-orders-status") };
  result.orders.ids = await ids(page, "#my-orders li[data-order-id]", "orderId");
  result.bookings = { status: await act(page, "#my-bookings-load", "my-bookings-status") };
  result.bookings.list = await bookings(page);
  await shot(page, "member-orders-and-bookings");
  const booking = `#my-bookings li[data-booking-id="${args["cancel-booking"]}"] button.cancel-booking`;
  result.cancel = { status: await act(page, booking, "my-bookings-status") };
  result.cancel.list = await bookings(page);
  await shot(page, "member-booking-canceled");
  // Admin controls, pressed by a member who is no admin.
  result.adminAttempt = await act(page, "#pending-load", "admin-status", { dispatch: true });
  await shot(page, "member-admin-refused");
  await page.click("#logout");
  result.afterLogout = await whoami(page, "visitor").catch(() => null);
  await shot(page, "logged-out");
  return { page, seen, result };
}

/** The admin, on the page the member left: log in, approve a pending member, refund an order. */
async function adminVisit(page, result) {
  result.login = await logIn(page, args["admin-email"], args["admin-password"]);
  result.pending = { status: await act(page, "#pending-load", "admin-status") };
  result.pending.ids = await ids(page, "#pending-members li[data-member-id]", "memberId");
  const approve = `#pending-members li[data-member-id="${args["approve-member"]}"] button.approve-member`;
  result.approve = await act(page, approve, "admin-status");
  await shot(page, "admin-approved-member");
  result.orders = { status: await act(page, "#admin-orders-load", "admin-status") };
  result.orders.ids = await ids(page, "#admin-orders li[data-order-id]", "orderId");
  const refund = `#admin-orders li[data-order-id="${args["refund-order"]}"] button.refund-order`;
  result.refund = await act(page, refund, "admin-status");
  await shot(page, "admin-refunded-order");
}

/** The other origin: the properties and an upload, as a visitor. */
async function otherVisit() {
  const { page, seen, origin } = await open(args["other-port"]);
  const result = { origin, properties: await loadProperties(page), upload: await upload(page) };
  await shot(page, "other-origin");
  await page.close();
  return { ...result, ...report(seen) };
}

/** A member who logged in on another page: the SDK holds an expired access token and the refresh token. */
async function returningVisit() {
  const tokens = {
    accessToken: { value: "", expiresAt: 0 },
    refreshToken: { value: args["member-refresh-token"], role: "member" },
  };
  const { page, seen, origin } = await open(args["allowed-port"], { tokens });
  const result = { origin, whoami: await whoami(page, "member").catch(() => null) };
  result.properties = await loadProperties(page);
  await shot(page, "returning-member");
  await page.close();
  return { ...result, ...report(seen) };
}

function report(seen) {
  return {
    wixRequests: seen.wix,
    widgetRequests: seen.widget,
    directSandboxRequests: seen.direct,
    consoleErrors: seen.consoleErrors,
  };
}

// A step that throws ends the run, but what was seen so far is still printed (with `failure`, and a
// screenshot of the page as it was), so the caller can tell where the page stopped.
const out = {};
let current;
try {
  const { page, seen, result } = await memberVisit((visit) => (current = visit));
  out.member = result;
  out.admin = {};
  await adminVisit(page, out.admin);
  out.allowedPage = report(seen);
  await page.close();
  out.other = await otherVisit();
  if (args["member-refresh-token"]) out.returning = await returningVisit();
} catch (error) {
  out.failure = String(error?.stack ?? error);
  if (current) {
    out.member ??= current.result;
    out.allowedPage ??= report(current.seen);
    await shot(current.page, "failure").catch(() => {});
  }
} finally {
  console.log(JSON.stringify(out));
  await browser.close();
  for (const server of servers) server.close();
}
