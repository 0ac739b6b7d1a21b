// @ts-check
/**
 * The example page: what a headless Wix site does with wix-elevate. Wix's own SDK (`@wix/sdk`, bundled into
 * vendor/wix-sdk.js) holds the visitor's or member's tokens; the typed client (`client/`, built into
 * client/dist by `npm run build`) calls the function URLs with them.
 */
import { createClient, EMPTY_TOKENS, LoginState, OAuthStrategy } from "./vendor/wix-sdk.js";
import {
  browserTokenStorage,
  createElevateClient,
  ElevateError,
  newIdempotencyKey,
  wixTokenProvider,
} from "./client/dist/index.js";

/** @typedef {import("./client/dist/index.js").Answer<"query-orders">["orders"][number]} Order */
/** @typedef {import("./client/dist/index.js").Answer<"query-bookings">["bookings"][number]} Booking */
/** @typedef {import("./client/dist/index.js").Answer<"query-members">["members"][number]} Member */
/** @typedef {import("./client/dist/index.js").WixTokens} WixTokens */

const params = new URLSearchParams(location.search);
const functionsBase = (params.get("functions") ?? "http://127.0.0.1:9000/lambda-url").replace(/\/$/, "");
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

/** @param {string} id */
const element = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

// ---- Wix's SDK and the client ----------------------------------------------------------------------------

/** Who logged in on this browser, for #whoami only (the tokens say whether a member is logged in, not who). */
const MEMBER_EMAIL_KEY = "wix-elevate-example-member";

// The SDK's tokens live in localStorage under `wix-tokens`, so a reload keeps the visitor, or the member.
const wix = createClient({
  auth: OAuthStrategy({ clientId, tokenStorage: browserTokenStorage(localStorage, { onChange: showWho }) }),
});
const elevate = createElevateClient({
  urls: (name) => `${functionsBase}/${name}/`,
  token: wixTokenProvider(wix.auth),
});

/** Show who the page calls as: the SDK's tokens are a member's after a login, else a visitor's. */
function showWho(/** @type {WixTokens} */ tokens = wix.auth.getTokens()) {
  const who = element("whoami");
  const member = tokens.refreshToken.role === "member";
  if (!member) localStorage.removeItem(MEMBER_EMAIL_KEY);
  const email = member ? localStorage.getItem(MEMBER_EMAIL_KEY) : null;
  who.dataset.state = member ? "member" : "visitor";
  who.textContent = member ? `Signed in as ${email ?? "a member"}.` : "Browsing as a visitor (not signed in).";
}
showWho();

// ---- status lines ----------------------------------------------------------------------------------------

/**
 * @param {HTMLElement} target a status element
 * @param {"" | "ok" | "error"} kind
 * @param {string} text
 */
function setStatus(target, kind, text) {
  target.className = kind;
  delete target.dataset.status;
  delete target.dataset.problemType;
  delete target.dataset.requestId;
  target.textContent = text;
}

/**
 * @param {HTMLElement} target
 * @param {unknown} error
 */
function showError(target, error) {
  if (error instanceof ElevateError) {
    // "403 Forbidden: <detail> (request <id>)"; the request id finds the function's log lines.
    setStatus(target, "error", error.message);
    target.dataset.status = String(error.status);
    target.dataset.problemType = error.type;
    if (error.requestId) target.dataset.requestId = error.requestId;
  } else if (error instanceof TypeError) {
    // A fetch that the browser blocks (CORS) is a TypeError with no answer to show.
    setStatus(target, "error", `Blocked: ${error.message}`);
  } else {
    setStatus(target, "error", error instanceof Error ? error.message : String(error));
  }
}

/**
 * @param {string} tag
 * @param {string} text
 * @param {Record<string, string>} [data] data-* attributes
 */
function make(tag, text, data = {}) {
  const node = document.createElement(tag);
  node.textContent = text;
  Object.assign(node.dataset, data);
  return node;
}

/**
 * A button in a list item that runs `action` once at a time.
 * @param {string} className
 * @param {string} label
 * @param {boolean} enabled
 * @param {() => Promise<void>} action
 */
function rowButton(className, label, enabled, action) {
  const button = /** @type {HTMLButtonElement} */ (make("button", label));
  button.type = "button";
  button.className = className;
  button.disabled = !enabled;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = !enabled;
    }
  });
  return button;
}

/**
 * @param {number} n
 * @param {string} one
 */
const count = (n, one) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** @param {string | null} date */
const when = (date) => (date ? new Date(date).toLocaleString() : "—");

// ---- site properties -------------------------------------------------------------------------------------

element("load-properties").addEventListener("click", async () => {
  const status = element("properties-status");
  const list = element("properties");
  setStatus(status, "", "Loading…");
  list.replaceChildren();
  try {
    const properties = await elevate.getSiteProperties();
    const rows = [
      ["Site", properties.siteDisplayName],
      ["Business", properties.businessName],
      ["City", properties.address?.city],
      ["Currency", properties.paymentCurrency],
      ["Time zone", properties.timeZone],
      ["About", properties.description],
    ];
    for (const [label, value] of rows) {
      const term = make("dt", label ?? "");
      const detail = make("dd", value ?? "—");
      if (label === "Site") detail.id = "site-name";
      list.append(term, detail);
    }
    setStatus(status, "ok", "Loaded.");
  } catch (error) {
    showError(status, error);
  }
});

// ---- upload, guarded by the CAPTCHA widget ---------------------------------------------------------------

/**
 * @typedef {object} Turnstile The part of Turnstile's `window.turnstile` this page uses.
 * @property {(container: string | HTMLElement, options: object) => string} render
 * @property {(widgetId: string) => void} reset
 */

/**
 * Load Turnstile's script and render the widget; resolves with its API and the widget's id.
 * @param {(token: string) => void} onToken
 * @returns {Promise<{ turnstile: Turnstile, id: string }>}
 */
function renderWidget(onToken) {
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
const waitForToken = () => /** @type {Promise<string>} */ (new Promise((resolve) => (deliver = resolve)));
let nextToken = waitForToken();
const widget = renderWidget((token) => deliver(token));
widget.catch(() => {}); // a widget that did not load is reported when an upload needs it

element("upload").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = element("upload-status");
  const file = input("upload-file").files?.[0];
  if (!file) return;
  setStatus(status, "", "Uploading…");
  delete status.dataset.itemId;
  try {
    const { turnstile, id } = await widget;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    /** @type {Promise<never>} */
    const unsolved = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error("Complete the check above first.")), 30_000);
    });
    const attestationToken = await Promise.race([nextToken, unsolved]).finally(() => clearTimeout(timer));
    // Spent by this upload whatever its answer: the widget makes the next one.
    nextToken = waitForToken();
    turnstile.reset(id);
    const uploaded = await elevate.uploadImage(
      { file, title: input("upload-title").value, uploaderName: input("upload-name").value },
      { attestationToken },
    );
    setStatus(status, "ok", `Thanks! Your picture (item ${uploaded.itemId}) waits for approval.`);
    status.dataset.itemId = uploaded.itemId;
  } catch (error) {
    showError(status, error);
  }
});

// ---- log in and out (Wix's SDK, as a headless site does) -------------------------------------------------

/** Lists that show what belongs to whoever is signed in: emptied when that changes. */
const personalLists = ["my-orders", "my-bookings", "pending-members", "admin-orders"];
const statusesOfLists = ["my-orders-status", "my-bookings-status", "admin-status"];
function forgetPersonalData() {
  for (const id of personalLists) element(id).replaceChildren();
  for (const id of statusesOfLists) setStatus(element(id), "", "");
}

/**
 * The SDK's error text is often Wix's whole JSON answer: its `message` is enough.
 * @param {string} text
 */
function wixMessage(text) {
  try {
    const message = JSON.parse(text)?.message;
    if (typeof message === "string") return message;
  } catch {}
  return text.length > 200 ? `${text.slice(0, 200)} (cut)` : text;
}

element("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const status = element("login-status");
  const email = input("login-email").value.trim();
  const password = input("login-password");
  setStatus(status, "", "Signing in…");
  delete status.dataset.loginState;
  delete status.dataset.loginError;
  try {
    const result = await wix.auth.login({ email, password: password.value });
    if (result.loginState === LoginState.SUCCESS) {
      // The session token becomes member tokens through Wix's OAuth (a hidden iframe, PKCE).
      const tokens = await wix.auth.getMemberTokensForDirectLogin(result.data.sessionToken);
      localStorage.setItem(MEMBER_EMAIL_KEY, email);
      forgetPersonalData();
      wix.auth.setTokens(tokens); // stored under wix-tokens: a reload keeps the member
      setStatus(status, "ok", `Signed in as ${email}.`);
    } else if (result.loginState === LoginState.FAILURE) {
      // The SDK names some refusals; anything else it calls `invalidEmail`, so Wix's own words are shown too.
      const why =
        result.errorCode === "invalidPassword"
          ? "Wrong email or password."
          : result.errorCode === "resetPassword"
            ? "This account must reset its password first."
            : `Wix refused the login${result.errorCode ? ` (${result.errorCode})` : ""}: ${wixMessage(result.error)}`;
      setStatus(status, "error", why);
      if (result.errorCode) status.dataset.loginError = result.errorCode;
    } else if (result.loginState === LoginState.OWNER_APPROVAL_REQUIRED) {
      setStatus(status, "error", "Your membership waits for the site owner's approval.");
    } else if (result.loginState === LoginState.EMAIL_VERIFICATION_REQUIRED) {
      setStatus(status, "error", "Wix asks to verify your email first (this example does not do that step).");
    } else {
      setStatus(status, "error", "Wix asks for a CAPTCHA at login (this example does not show one).");
    }
    status.dataset.loginState = result.loginState;
  } catch (error) {
    // Wix's SDK, not a function, failed (its request blocked, or an answer it did not expect).
    setStatus(status, "error", `Login failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    password.value = "";
  }
});

element("logout").addEventListener("click", async () => {
  const status = element("login-status");
  delete status.dataset.loginState;
  delete status.dataset.loginError;
  localStorage.removeItem(MEMBER_EMAIL_KEY);
  forgetPersonalData();
  // Forget the member's tokens at once; then start as a new visitor (the SDK's anonymous grant).
  wix.auth.setTokens(EMPTY_TOKENS);
  try {
    wix.auth.setTokens(await wix.auth.generateVisitorTokens(EMPTY_TOKENS));
    setStatus(status, "ok", "Signed out.");
  } catch (error) {
    // The next call makes visitor tokens anyway.
    showError(status, error);
  }
});

// ---- my orders -------------------------------------------------------------------------------------------

/** @param {Order} order */
function orderText(order) {
  const total = order.total ? `${order.total} ${order.currency ?? ""}`.trim() : "—";
  return `Order #${order.number ?? "?"} · ${order.status ?? "—"} · ${order.paymentStatus ?? "—"} · ${total}`;
}

/** @param {Order} order */
const orderData = (order) => ({
  orderId: order.id,
  status: order.status ?? "",
  paymentStatus: order.paymentStatus ?? "",
});

element("my-orders-load").addEventListener("click", async () => {
  const status = element("my-orders-status");
  const list = element("my-orders");
  setStatus(status, "", "Loading…");
  list.replaceChildren();
  try {
    // A member's query is limited to their own orders by the function; an admin's would list every order.
    const { orders } = await elevate.queryOrders({ limit: 20 });
    list.append(...orders.map((order) => make("li", orderText(order), orderData(order))));
    setStatus(status, "ok", orders.length ? `${count(orders.length, "order")}.` : "No orders yet.");
  } catch (error) {
    showError(status, error);
  }
});

// ---- my bookings -----------------------------------------------------------------------------------------

const FINAL_BOOKING = new Set(["CANCELED", "DECLINED"]);

/** @param {string} [message] the status to show once loaded */
async function loadBookings(message) {
  const status = element("my-bookings-status");
  const list = element("my-bookings");
  setStatus(status, "", "Loading…");
  list.replaceChildren();
  try {
    // A member's page may be short, even empty, with a next cursor (bookings not theirs are dropped): follow
    // a few pages.
    /** @type {Booking[]} */
    const bookings = [];
    let page = await elevate.queryBookings({ limit: 50 });
    bookings.push(...page.bookings);
    for (let more = 0; page.nextCursor && more < 4; more++) {
      page = await elevate.queryBookings({ cursor: page.nextCursor, limit: 50 });
      bookings.push(...page.bookings);
    }
    for (const booking of bookings) {
      const item = make(
        "li",
        `${booking.serviceName ?? "Booking"} · ${when(booking.startDate)} · ${booking.status ?? "—"} `,
        { bookingId: booking.id, status: booking.status ?? "" },
      );
      const cancellable = !FINAL_BOOKING.has(booking.status ?? "");
      item.append(rowButton("cancel-booking", "Cancel", cancellable, () => cancelBooking(booking)));
      list.append(item);
    }
    setStatus(status, "ok", message ?? (bookings.length ? `${count(bookings.length, "booking")}.` : "No bookings."));
  } catch (error) {
    showError(status, error);
  }
}

/** @param {Booking} booking */
async function cancelBooking(booking) {
  const status = element("my-bookings-status");
  setStatus(status, "", "Canceling…");
  try {
    await elevate.cancelBooking({ bookingId: booking.id });
  } catch (error) {
    showError(status, error);
    return;
  }
  await loadBookings(`Canceled ${booking.serviceName ?? "the booking"}.`);
}

element("my-bookings-load").addEventListener("click", () => loadBookings());

// ---- admin -----------------------------------------------------------------------------------------------

/** @param {string} [message] */
async function loadPending(message) {
  const status = element("admin-status");
  const list = element("pending-members");
  setStatus(status, "", "Loading pending members…");
  list.replaceChildren();
  try {
    const { members } = await elevate.queryMembers({
      filter: { status: ["PENDING"] },
      sort: { field: "createdDate", order: "ASC" },
      limit: 50,
    });
    for (const member of members) {
      const item = make("li", `${member.loginEmail ?? member.nickname ?? member.id} · ${member.status ?? "—"} `, {
        memberId: member.id,
      });
      item.append(rowButton("approve-member", "Approve", true, () => approve(member)));
      list.append(item);
    }
    setStatus(status, "ok", message ?? (members.length ? `${count(members.length, "pending member")}.` : "No pending members."));
  } catch (error) {
    showError(status, error);
  }
}

/** @param {Member} member */
async function approve(member) {
  const status = element("admin-status");
  setStatus(status, "", "Approving…");
  try {
    const approved = await elevate.approveMember({ memberId: member.id });
    await loadPending(`Approved ${member.loginEmail ?? member.id} (${approved.status ?? "status unknown"}).`);
  } catch (error) {
    showError(status, error);
  }
}

element("pending-load").addEventListener("click", () => loadPending());

/**
 * An order total as refund-order's `amount` wants it (at most 2 decimals, positive), or null.
 * @param {string | null} total
 */
function refundAmount(total) {
  const match = /^0*(\d{1,8})(?:\.(\d+))?$/.exec(total?.trim() ?? "");
  if (!match) return null;
  const [, units = "0", fraction = ""] = match;
  if (/[1-9]/.test(fraction.slice(2))) return null; // more than cents: not ours to round
  const amount = `${units}.${fraction.slice(0, 2).padEnd(2, "0")}`;
  return /[1-9]/.test(amount) ? amount : null;
}

/**
 * The Idempotency-Key of each order's refund until it has an answer: a retry after a network failure or a
 * 409/5xx (the refund may or may not have happened) sends the same key, so it is never made twice.
 * @type {Map<string, string>}
 */
const refundKeys = new Map();

/** @param {Order} order */
async function refund(order) {
  const status = element("admin-status");
  const amount = refundAmount(order.total);
  if (!amount) return;
  const key = `${order.id} ${amount}`;
  const idempotencyKey = refundKeys.get(key) ?? newIdempotencyKey();
  refundKeys.set(key, idempotencyKey);
  setStatus(status, "", `Refunding ${amount}…`);
  try {
    const receipt = await elevate.refundOrder({ orderId: order.id, amount }, { idempotencyKey });
    refundKeys.delete(key);
    await loadAdminOrders(`Refunded ${receipt.amount} of order #${order.number ?? order.id}.`);
  } catch (error) {
    // A refusal the function decided before refunding frees the key; anything else keeps it for a retry.
    if (error instanceof ElevateError && [400, 401, 403, 404, 422].includes(error.status)) refundKeys.delete(key);
    showError(status, error);
  }
}

/** @param {string} [message] */
async function loadAdminOrders(message) {
  const status = element("admin-status");
  const list = element("admin-orders");
  setStatus(status, "", "Loading orders…");
  list.replaceChildren();
  try {
    const { orders } = await elevate.queryOrders({ sort: "DESC", limit: 20 });
    for (const order of orders) {
      const item = make("li", `${orderText(order)}${order.buyer?.email ? ` · ${order.buyer.email}` : ""} `, orderData(order));
      const amount = refundAmount(order.total);
      const refundable = order.paymentStatus === "PAID" && amount !== null;
      item.append(rowButton("refund-order", amount ? `Refund ${amount}` : "Refund", refundable, () => refund(order)));
      list.append(item);
    }
    setStatus(status, "ok", message ?? (orders.length ? `${count(orders.length, "order")}.` : "No orders."));
  } catch (error) {
    showError(status, error);
  }
}

element("admin-orders-load").addEventListener("click", () => loadAdminOrders());
