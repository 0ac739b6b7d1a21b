// @ts-check
/**
 * A tiny client for wix-elevate function URLs. Typed with JSDoc, so editors and `tsc --checkJs` check it
 * without a build step.
 *
 * Visitor tokens come from Wix's OAuth endpoint with the site's public client id (the headless
 * `anonymous` grant); the functions check them with Wix before doing anything elevated.
 */

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

/**
 * A visitor access token from Wix (`anonymous` grant).
 * @param {string} wixBase `https://www.wixapis.com`, or the local sandbox
 * @param {string} clientId the headless OAuth client id (public)
 * @returns {Promise<string>}
 */
export async function visitorToken(wixBase, clientId) {
  const response = await fetch(`${wixBase}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId, grantType: "anonymous" }),
  });
  if (!response.ok) throw new Error(`Wix refused a visitor token (${response.status})`);
  const body = await response.json();
  return body.access_token;
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
     * @returns {Promise<UploadedImage>}
     */
    uploadImage: (image, title, uploaderName) => {
      const form = new FormData();
      form.set("file", image, image instanceof File ? image.name : "image");
      form.set("title", title);
      form.set("uploaderName", uploaderName);
      return call("upload-image", { method: "POST", body: form });
    },
  };
}
