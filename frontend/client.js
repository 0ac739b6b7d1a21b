// @ts-check
/**
 * A tiny client for wix-elevate function URLs. Typed with JSDoc, so editors and `tsc --checkJs` check it
 * without a build step.
 *
 * Caller tokens come from Wix's own JavaScript SDK (`@wix/sdk`, bundled into `vendor/wix-sdk.js` by
 * scripts/setup): `OAuthStrategy` with the site's public client id, as every headless Wix site does. The
 * functions check those tokens with Wix before doing anything elevated.
 */
import { createClient as createWixClient, EMPTY_TOKENS, OAuthStrategy } from "./vendor/wix-sdk.js";

/**
 * @typedef {object} Problem An error answer (`application/problem+json`).
 * @property {number} status
 * @property {string} title
 * @property {string} detail
 * @property {string} requestId Quote it when reporting a problem: it finds the function's log lines.
 */

/**
 * @typedef {object} Address
 * @property {string=} street
 * @property {string=} streetNumber
 * @property {string=} city
 * @property {string=} state
 * @property {string=} zip
 * @property {string=} country
 */

/**
 * @typedef {object} SiteProperties What `get-site-properties` returns: public fields only.
 * @property {string=} siteDisplayName
 * @property {string=} businessName
 * @property {Address=} address
 * @property {{languageCode?: string, country?: string}=} locale
 * @property {string=} language
 * @property {string=} paymentCurrency
 * @property {string=} timeZone
 * @property {string=} logo
 * @property {string=} description
 */

/**
 * @typedef {object} UploadedImage What `upload-image` returns.
 * @property {string} itemId The CMS item, waiting for approval.
 * @property {string} mediaUrl
 */

/** An answer that was not a success. */
export class ElevateError extends Error {
  /** @param {Problem} problem */
  constructor(problem) {
    super(`${problem.title}: ${problem.detail} (request ${problem.requestId})`);
    this.problem = problem;
  }
}

/** Where {@link wixTokens} keeps the SDK's tokens (the same key on every page of the site). */
export const TOKENS_KEY = "wix-tokens";

/**
 * The caller's Wix access token, from Wix's SDK. A new visitor gets visitor tokens (the SDK's
 * `generateVisitorTokens`: the `anonymous` grant); a member who logged in through the SDK on any page of
 * the site (`auth.getMemberTokens` after `auth.getAuthUrl`, then `auth.setTokens`) has member tokens in the
 * same storage, and gets the member's access token. An expired access token is renewed by the SDK with its
 * refresh token (the `refresh_token` grant), so a reload keeps the same visitor or member.
 *
 * @param {string} clientId the headless OAuth client id (public)
 * @param {Storage} storage where the SDK's tokens live between page loads (`localStorage`)
 * @returns {() => Promise<string>}
 */
export function wixTokens(clientId, storage) {
  const tokenStorage = {
    /** @returns {import("@wix/sdk").Tokens} */
    getTokens: () => {
      try {
        return JSON.parse(storage.getItem(TOKENS_KEY) ?? "null") ?? EMPTY_TOKENS;
      } catch {
        return EMPTY_TOKENS;
      }
    },
    /** @param {import("@wix/sdk").Tokens} tokens */
    setTokens: (tokens) => storage.setItem(TOKENS_KEY, JSON.stringify(tokens)),
  };
  const wix = createWixClient({ auth: OAuthStrategy({ clientId, tokenStorage }) });
  /** @type {Promise<string> | undefined} */
  let pending;
  async function current() {
    // Returns the stored tokens while the access token is unexpired; otherwise renews or starts a visitor.
    const tokens = await wix.auth.generateVisitorTokens(wix.auth.getTokens());
    wix.auth.setTokens(tokens);
    return tokens.accessToken.value;
  }
  // Concurrent calls share one token request.
  return () => (pending ??= current().finally(() => (pending = undefined)));
}

/**
 * @param {object} options
 * @param {(name: string) => string} options.functionUrl the URL of a function, by name
 * @param {() => Promise<string>} options.token the caller's Wix access token
 */
export function createClient({ functionUrl, token }) {
  /**
   * @param {string} name
   * @param {RequestInit} init
   * @returns {Promise<any>}
   */
  async function call(name, init) {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${await token()}`);
    const response = await fetch(functionUrl(name), { ...init, headers });
    const body = await response.json();
    if (!response.ok) throw new ElevateError(body);
    return body;
  }

  return {
    /** @returns {Promise<SiteProperties>} */
    siteProperties: () => call("get-site-properties", { method: "GET" }),

    /**
     * @param {Blob} image JPEG, PNG, WebP or GIF
     * @param {string} title
     * @param {string} uploaderName
     * @param {string} attestation the CAPTCHA widget's token (single-use: get a new one for every upload)
     * @returns {Promise<UploadedImage>}
     */
    uploadImage: (image, title, uploaderName, attestation) => {
      const form = new FormData();
      form.set("file", image, image instanceof File ? image.name : "image");
      form.set("title", title);
      form.set("uploaderName", uploaderName);
      const headers = { "attestation-token": attestation };
      return call("upload-image", { method: "POST", body: form, headers });
    },
  };
}
