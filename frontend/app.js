// @ts-check
import { createClient, wixTokens } from "./client.js";

const params = new URLSearchParams(location.search);
const functionsBase = params.get("functions") ?? "http://127.0.0.1:9000/lambda-url";
const clientId = params.get("clientId") ?? "";

// Local development only (scripts/dev): Wix's SDK always calls https://www.wixapis.com, which knows
// nothing of the sandbox's tokens. `?wix=http://127.0.0.1:9100` sends the page's requests for that host
// to the sandbox instead, SDK unchanged. Leave it out in production (and the browser test does: it routes
// www.wixapis.com to the sandbox from outside the page).
const wixBase = params.get("wix");
if (wixBase) {
  const wixApi = "https://www.wixapis.com/";
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(wixApi)) return realFetch(input, init);
    const local = new URL(url.slice(wixApi.length), `${wixBase.replace(/\/$/, "")}/`);
    return realFetch(input instanceof Request ? new Request(local, input) : local, init);
  };
}

// The CAPTCHA widget that guards uploads: Cloudflare Turnstile, loaded from Cloudflare as its docs say.
// `?turnstile=http://127.0.0.1:9100` loads the sandbox's stand-in instead (local development only; the
// browser test routes challenges.cloudflare.com to the sandbox from outside the page).
const turnstileBase = params.get("turnstile") ?? "https://challenges.cloudflare.com";
const siteKey = params.get("siteKey") ?? "";

/**
 * @typedef {object} Turnstile The part of Turnstile's `window.turnstile` this page uses.
 * @property {(container: string | HTMLElement, options: object) => string} render
 * @property {(widgetId: string) => void} reset
 */

/** Load Turnstile's script and render the widget; resolves with its API and the widget's id. */
function renderWidget(/** @type {(token: string) => void} */ onToken) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = `${turnstileBase}/turnstile/v0/api.js?render=explicit`;
    script.async = true;
    script.onerror = () => reject(new Error("the CAPTCHA widget did not load"));
    script.onload = () => {
      const turnstile = /** @type {Turnstile} */ (/** @type {any} */ (window).turnstile);
      const id = turnstile.render("#upload-widget", {
        sitekey: siteKey,
        // upload-image expects this action (ATTESTATION_ACTION): a token made for another form is refused.
        action: "upload_image",
        callback: onToken,
      });
      resolve({ turnstile, id });
    };
    document.head.append(script);
  });
}

/** The widget's next token: each one is good for one upload. */
let deliver = (/** @type {string} */ _token) => {};
const waitForToken = () => new Promise((resolve) => (deliver = resolve));
let nextToken = waitForToken();
const widget = renderWidget((token) => deliver(token));
widget.catch(() => {}); // a widget that did not load is reported when an upload needs it

const client = createClient({
  functionUrl: (name) => `${functionsBase}/${name}/`,
  token: wixTokens(clientId, localStorage),
});

/** @param {string} id */
const element = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @param {HTMLElement} target
 * @param {unknown} error
 */
function showError(target, error) {
  target.className = "error";
  // A fetch that the browser blocks (CORS) is a TypeError with no answer to show.
  target.textContent = error instanceof TypeError ? `Blocked: ${error.message}` : String(error);
}

element("load-properties").addEventListener("click", async () => {
  const status = element("properties-status");
  const list = element("properties");
  status.className = "";
  status.textContent = "Loading…";
  list.replaceChildren();
  try {
    const properties = await client.siteProperties();
    const rows = [
      ["Site", properties.siteDisplayName],
      ["Business", properties.businessName],
      ["City", properties.address?.city],
      ["Currency", properties.paymentCurrency],
      ["Time zone", properties.timeZone],
      ["About", properties.description],
    ];
    for (const [label, value] of rows) {
      const term = document.createElement("dt");
      term.textContent = label ?? "";
      const detail = document.createElement("dd");
      detail.textContent = value ?? "—";
      if (label === "Site") detail.id = "site-name";
      list.append(term, detail);
    }
    status.className = "ok";
    status.textContent = "Loaded.";
  } catch (error) {
    showError(status, error);
  }
});

element("upload").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = element("upload-status");
  const file = /** @type {HTMLInputElement} */ (element("upload-file")).files?.[0];
  if (!file) return;
  status.className = "";
  status.textContent = "Uploading…";
  try {
    const { turnstile, id } = await widget;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const unsolved = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("Complete the check above first.")), 30_000);
    });
    const token = /** @type {string} */ (await Promise.race([nextToken, unsolved]).finally(() => clearTimeout(timer)));
    // Spent by this upload whatever its answer: the widget makes the next one.
    nextToken = waitForToken();
    turnstile.reset(id);
    const uploaded = await client.uploadImage(
      file,
      /** @type {HTMLInputElement} */ (element("upload-title")).value,
      /** @type {HTMLInputElement} */ (element("upload-name")).value,
      token,
    );
    status.className = "ok";
    status.textContent = `Thanks! Your picture (item ${uploaded.itemId}) waits for approval.`;
    status.dataset.itemId = uploaded.itemId;
  } catch (error) {
    showError(status, error);
  }
});
