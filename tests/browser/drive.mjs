// Drives frontend/ in headless Chromium against the local stack and prints what the page showed, as JSON.
// The page is served on two loopback origins: one the functions allow, one they do not. Called by
// tests/api/browser.rs, which starts the stack and checks the result; run by hand with the same flags.
//
//   node drive.mjs --functions URL --wix URL --client-id ID --allowed-port N --other-port N
//                  --image PATH --screenshots DIR [--upload] [--member-refresh-token TOKEN]
//
// The page is configured as in production: Wix's SDK in it calls https://www.wixapis.com, and the upload
// form loads Cloudflare Turnstile's widget from https://challenges.cloudflare.com. Chromium's requests for
// those hosts (preflights included) are answered by the sandbox at --wix instead (it serves a stand-in
// widget), through the DevTools Fetch domain; each one is reported (`wixRequests`, `widgetRequests`), so
// the caller sees what the page sent.

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
    upload: { type: "boolean", default: false },
    "member-refresh-token": { type: "string" },
  },
});
const frontend = resolve(import.meta.dirname, "../../frontend");
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

/** Serve frontend/ on 127.0.0.1:port. */
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
  // Without these Chromium reaches for Google's hosts, which this closed network refuses.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

const WIX_API = "https://www.wixapis.com";
const TURNSTILE = "https://challenges.cloudflare.com";
// Not forwarded: they describe one hop, and node's fetch sets its own.
const HOP_HEADERS = new Set(["connection", "keep-alive", "host", "content-length", "transfer-encoding", "upgrade"]);

/**
 * Answer the page's requests for https://www.wixapis.com and https://challenges.cloudflare.com from the
 * sandbox, as if DNS and TLS led there; each request is recorded in `seen[host]`.
 * Playwright's own page.route is not used: while any route is set, Playwright answers every CORS preflight
 * of the page itself (allowing everything), and this test is about the functions' own preflight answers.
 * The DevTools Fetch domain with a pattern pauses only this host's requests, preflights included.
 */
async function routeToSandbox(page, seen) {
  const cdp = await page.context().newCDPSession(page);
  cdp.on("Fetch.requestPaused", async ({ requestId, request }) => {
    const record = { method: request.method, url: request.url };
    const host = [WIX_API, TURNSTILE].find((base) => request.url.startsWith(`${base}/`));
    seen[host].push(record);
    try {
      const body = request.postDataEntries
        ? Buffer.concat(request.postDataEntries.map((entry) => Buffer.from(entry.bytes ?? "", "base64")))
        : request.postData;
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !HOP_HEADERS.has(name.toLowerCase())),
      );
      record.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      if (body !== undefined) record.body = parseJson(body.toString());
      const response = await fetch(args.wix + request.url.slice(host.length), {
        method: request.method,
        headers,
        body,
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
  const patterns = [WIX_API, TURNSTILE].map((base) => ({ urlPattern: `${base}/*`, requestStage: "Request" }));
  await cdp.send("Fetch.enable", { patterns });
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Open the page from `port`, load the site properties (and upload), report what the page shows.
 * `tokens`: the SDK's tokens already in the page's storage, as a login on another page leaves them.
 */
async function visit(port, name, { upload = false, tokens } = {}) {
  const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
  const consoleErrors = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  // Nothing in the page may reach the sandbox by its own address: only through www.wixapis.com.
  const direct = [];
  page.on("request", (request) => request.url().startsWith(args.wix) && direct.push(request.url()));
  const wixRequests = [];
  const widgetRequests = [];
  await routeToSandbox(page, { [WIX_API]: wixRequests, [TURNSTILE]: widgetRequests });
  if (tokens) {
    await page.addInitScript((saved) => localStorage.setItem("wix-tokens", saved), JSON.stringify(tokens));
  }
  // Exactly the production configuration: no Wix base, the SDK talks to www.wixapis.com.
  const query = new URLSearchParams({ functions: args.functions, clientId: args["client-id"] });
  await page.goto(`http://127.0.0.1:${port}/index.html?${query}`);
  await page.click("#load-properties");
  await page.waitForFunction(() => !document.querySelector("#properties-status").textContent.startsWith("Loading"));
  const result = {
    origin: `http://127.0.0.1:${port}`,
    propertiesStatus: await page.textContent("#properties-status"),
    siteName: await page.locator("#site-name").textContent({ timeout: 500 }).catch(() => null),
  };
  if (upload) {
    await page.setInputFiles("#upload-file", args.image);
    await page.fill("#upload-title", "Blue bowl");
    await page.fill("#upload-name", "Browser test");
    await page.click("#upload button[type=submit]");
    await page.waitForFunction(() => !document.querySelector("#upload-status").textContent.startsWith("Uploading"));
    result.uploadStatus = await page.textContent("#upload-status");
    result.uploadedItemId = await page.getAttribute("#upload-status", "data-item-id");
  }
  result.consoleErrors = consoleErrors;
  result.wixRequests = wixRequests;
  result.widgetRequests = widgetRequests;
  result.directSandboxRequests = direct;
  await page.screenshot({ path: join(args.screenshots, `${name}.png`), fullPage: true });
  await page.close();
  return result;
}

try {
  const allowed = await visit(args["allowed-port"], "allowed-origin", { upload: args.upload });
  const other = await visit(args["other-port"], "other-origin", { upload: args.upload });
  const seen = { allowed, other };
  if (args["member-refresh-token"]) {
    // A member who logged in elsewhere on the site: the SDK holds an expired access token and the
    // member's refresh token, and renews the access token itself (the refresh_token grant).
    seen.member = await visit(args["allowed-port"], "allowed-origin-member", {
      tokens: {
        accessToken: { value: "", expiresAt: 0 },
        refreshToken: { value: args["member-refresh-token"], role: "member" },
      },
    });
  }
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
  for (const server of servers) server.close();
}
