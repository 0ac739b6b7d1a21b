// Drives frontend/ in headless Chromium against the local stack and prints what the page showed, as JSON.
// The page is served on two loopback origins: one the functions allow, one they do not. Called by
// tests/browser.rs, which starts the stack and checks the result; run by hand with the same flags.
//
//   node drive.mjs --functions URL --wix URL --client-id ID --allowed-port N --other-port N
//                  --image PATH --screenshots DIR

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

/** Open the page from `port`, load the site properties (and upload), report what the page shows. */
async function visit(port, name) {
  const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
  const consoleErrors = [];
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  const query = new URLSearchParams({ functions: args.functions, wix: args.wix, clientId: args["client-id"] });
  await page.goto(`http://127.0.0.1:${port}/index.html?${query}`);
  await page.click("#load-properties");
  await page.waitForFunction(() => !document.querySelector("#properties-status").textContent.startsWith("Loading"));
  const result = {
    origin: `http://127.0.0.1:${port}`,
    propertiesStatus: await page.textContent("#properties-status"),
    siteName: await page.locator("#site-name").textContent({ timeout: 500 }).catch(() => null),
  };
  if (args.upload) {
    await page.setInputFiles("#upload-file", args.image);
    await page.fill("#upload-title", "Blue bowl");
    await page.fill("#upload-name", "Browser test");
    await page.click("#upload button[type=submit]");
    await page.waitForFunction(() => !document.querySelector("#upload-status").textContent.startsWith("Uploading"));
    result.uploadStatus = await page.textContent("#upload-status");
    result.uploadedItemId = await page.getAttribute("#upload-status", "data-item-id");
  }
  result.consoleErrors = consoleErrors;
  await page.screenshot({ path: join(args.screenshots, `${name}.png`), fullPage: true });
  await page.close();
  return result;
}

try {
  const allowed = await visit(args["allowed-port"], "allowed-origin");
  const other = await visit(args["other-port"], "other-origin");
  console.log(JSON.stringify({ allowed, other }));
} finally {
  await browser.close();
  for (const server of servers) server.close();
}
