/**
 * A typed client for the wix-elevate function URLs: one method per function, its body and answer types taken
 * from the API document (openapi.yaml, through the generated `schema.d.ts` and `functions.ts`).
 *
 * ```ts
 * const wix = createClient({ auth: OAuthStrategy({ clientId }) });          // @wix/sdk
 * const elevate = createElevateClient({ urls, token: wixTokenProvider(wix.auth) });
 * const site = await elevate.getSiteProperties();
 * ```
 */
import { functions, functionNames, type FunctionName } from "./functions.js";
import type { components, paths } from "./schema.js";

export { functions, functionNames, type FunctionName };
export type { components, paths };

// ---- types derived from the API document ------------------------------------------------------------------

type Spec<N extends FunctionName> = (typeof functions)[N];

/** The operation of function `N` in the API document (`paths["/<name>/"]["<method>"]`). */
export type Operation<N extends FunctionName> = paths[`/${N}/`][Lowercase<Spec<N>["method"]>];

type Content<N extends FunctionName> =
  Operation<N> extends { requestBody?: infer R } ? (NonNullable<R> extends { content: infer C } ? C : never) : never;

/** What function `N` takes: its JSON body, or the parts of its form (`never` when it takes no body). */
export type RequestBody<N extends FunctionName> =
  Content<N> extends { "application/json": infer B }
    ? B
    : Content<N> extends { "multipart/form-data": infer F }
      ? F
      : never;

type JsonContent<R> = R extends { content: { "application/json": infer A } } ? A : never;

/** What function `N` answers on success. */
export type Answer<N extends FunctionName> =
  Operation<N> extends { responses: infer R }
    ? R extends { 200: infer S }
      ? JsonContent<S>
      : R extends { 201: infer S }
        ? JsonContent<S>
        : R extends { 204: unknown }
          ? undefined
          : unknown
    : never;

/** An error answer's body (`application/problem+json`). */
export type Problem = components["schemas"]["Problem"];

/** Every named schema of the API document (`Schemas["MemberList"]`, …). */
export type Schemas = components["schemas"];

type IdempotencyOption<N extends FunctionName> = Spec<N>["idempotency"] extends "required" | "optional"
  ? {
      /**
       * The `Idempotency-Key` (1 to 128 visible ASCII characters). Left out, a new one is made
       * ({@link newIdempotencyKey}) for this call; to retry a call safely, make one first and pass the same
       * key again.
       */
      idempotencyKey?: string;
    }
  : { idempotencyKey?: never };

type AttestationOption<N extends FunctionName> = Spec<N>["attestation"] extends "required"
  ? {
      /** The CAPTCHA widget's token (`Attestation-Token`), single-use: get a new one for every call. */
      attestationToken: string;
    }
  : Spec<N>["attestation"] extends "optional"
    ? { attestationToken?: string }
    : { attestationToken?: never };

/** The options of a call to function `N`: the headers it takes, and an `AbortSignal`. */
export type CallOptions<N extends FunctionName> = { signal?: AbortSignal } & IdempotencyOption<N> &
  AttestationOption<N>;

type OptionsArgs<N extends FunctionName> = Spec<N>["attestation"] extends "required"
  ? [options: CallOptions<N>]
  : [options?: CallOptions<N>];

/** The arguments of function `N`'s method: its body (optional when every field of it is), then options. */
export type CallArgs<N extends FunctionName> = Spec<N>["body"] extends "none"
  ? OptionsArgs<N>
  : {} extends RequestBody<N>
    ? Spec<N>["attestation"] extends "required"
      ? [body: RequestBody<N>, options: CallOptions<N>]
      : [body?: RequestBody<N>, options?: CallOptions<N>]
    : [body: RequestBody<N>, ...OptionsArgs<N>];

/** The method for function `N`. */
export type ElevateMethod<N extends FunctionName> = (...args: CallArgs<N>) => Promise<Answer<N>>;

/** The client: one method per function, named in camelCase (`refund-order` → `refundOrder`). */
export type ElevateClient = {
  readonly [N in FunctionName as Spec<N>["methodName"]]: ElevateMethod<N>;
} & {
  /** Call a function by its name: the same as its method. */
  call<N extends FunctionName>(name: N, ...args: CallArgs<N>): Promise<Answer<N>>;
};

// ---- tokens -----------------------------------------------------------------------------------------------

/** The caller's Wix access token, for `Authorization: Bearer`. Called before every request. */
export type TokenProvider = () => Promise<string>;

/** Wix's SDK's tokens (`Tokens` of `@wix/sdk`), as its `OAuthStrategy` keeps them. */
export interface WixTokens {
  accessToken: { value: string; expiresAt: number };
  refreshToken: { value: string; role: string };
}

/** The part of a `@wix/sdk` client's `auth` (built with `OAuthStrategy`) that {@link wixTokenProvider} uses. */
export interface WixOAuthAuth {
  getTokens(): WixTokens;
  setTokens(tokens: WixTokens): void;
  generateVisitorTokens(tokens?: Partial<WixTokens>): Promise<WixTokens>;
}

/** Tokens that hold nothing: the SDK's `EMPTY_TOKENS`. */
export const EMPTY_TOKENS: WixTokens = Object.freeze({
  accessToken: Object.freeze({ value: "", expiresAt: 0 }),
  refreshToken: Object.freeze({ value: "", role: "none" }),
});

/** Where {@link browserTokenStorage} keeps the SDK's tokens by default: the same key on every page of a site. */
export const TOKENS_KEY = "wix-tokens";

/**
 * A `tokenStorage` for `OAuthStrategy` that keeps the SDK's tokens in `storage` (`localStorage`) under `key`,
 * so a reload keeps the visitor, or the member after a login. `onChange` hears every new set of tokens (a
 * login, a logout, a renewal).
 */
export function browserTokenStorage(
  storage: Storage,
  { key = TOKENS_KEY, onChange }: { key?: string; onChange?: (tokens: WixTokens) => void } = {},
): { getTokens(): WixTokens; setTokens(tokens: WixTokens): void } {
  return {
    getTokens() {
      try {
        const saved: unknown = JSON.parse(storage.getItem(key) ?? "null");
        return isTokens(saved) ? saved : EMPTY_TOKENS;
      } catch {
        return EMPTY_TOKENS;
      }
    },
    setTokens(tokens) {
      storage.setItem(key, JSON.stringify(tokens));
      onChange?.(tokens);
    },
  };
}

function isTokens(value: unknown): value is WixTokens {
  const v = value as WixTokens | null;
  return (
    typeof v?.accessToken?.value === "string" &&
    typeof v.accessToken.expiresAt === "number" &&
    typeof v.refreshToken?.value === "string" &&
    typeof v.refreshToken.role === "string"
  );
}

/**
 * The access token of Wix's SDK (`auth` of `createClient({ auth: OAuthStrategy({ clientId }) })`): a visitor's
 * (the SDK's `anonymous` grant) until a member logs in through the SDK and the member's tokens are set, then
 * the member's. An access token that has expired, or expires within `renewAheadSeconds`, is renewed by the
 * SDK with its refresh token (the `refresh_token` grant; a refresh token Wix refuses gets new visitor tokens),
 * and the renewed tokens are stored back into `auth`. Concurrent calls share one renewal; tokens set meanwhile
 * (a login, a logout) are not overwritten by a renewal of the ones they replaced.
 */
export function wixTokenProvider(
  auth: WixOAuthAuth,
  { renewAheadSeconds = 60 }: { renewAheadSeconds?: number } = {},
): TokenProvider {
  const keyOf = (tokens: WixTokens) => `${tokens.refreshToken?.value ?? ""} ${tokens.accessToken?.value ?? ""}`;
  let pending: { key: string; token: Promise<string> } | undefined;

  async function renew(current: WixTokens, key: string, attempt: number): Promise<string> {
    const renewed = await auth.generateVisitorTokens(
      current.refreshToken?.value ? { refreshToken: current.refreshToken } : undefined,
    );
    const now = auth.getTokens();
    if (keyOf(now) !== key && attempt < 3) {
      // Someone set other tokens (a login or a logout) while this renewal was under way: use theirs.
      return token(attempt + 1);
    }
    auth.setTokens(renewed);
    return renewed.accessToken.value;
  }

  function token(attempt = 0): Promise<string> {
    const current = auth.getTokens();
    const seconds = Math.floor(Date.now() / 1000);
    const access = current.accessToken;
    if (access?.value && current.refreshToken?.value && access.expiresAt - seconds > renewAheadSeconds) {
      return Promise.resolve(access.value);
    }
    const key = keyOf(current);
    if (pending?.key === key) return pending.token;
    const mine = { key, token: renew(current, key, attempt) };
    pending = mine;
    mine.token.then(
      () => pending === mine && (pending = undefined),
      () => pending === mine && (pending = undefined),
    );
    return mine.token;
  }

  return () => token();
}

// ---- errors -----------------------------------------------------------------------------------------------

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * A function's answer that was not a success. From a problem document (`application/problem+json`), its
 * fields; from any other answer, the HTTP status and the `x-request-id` header. The message reads
 * `403 Forbidden: <detail> (request <id>)` and never holds a token.
 */
export class ElevateError extends Error {
  override readonly name = "ElevateError";
  /** The HTTP status. */
  readonly status: number;
  /** The problem type (`urn:wix-elevate:problem:…`), or `about:blank` for an answer that is no problem document. */
  readonly type: string;
  /** The status's reason phrase. */
  readonly title: string;
  /** What went wrong, in the function's words (empty when the answer said nothing). */
  readonly detail: string;
  /** The request's id: quote it when reporting a problem, it finds the function's log lines. */
  readonly requestId: string | undefined;
  /** Seconds to wait before trying again (`Retry-After`), when the answer says. */
  readonly retryAfter: number | undefined;
  /** The function that answered. */
  readonly functionName: FunctionName;
  /** The problem document as received, if the answer was one. */
  readonly problem: Problem | undefined;

  constructor(init: {
    functionName: FunctionName;
    status: number;
    type?: string;
    title?: string;
    detail?: string;
    requestId?: string;
    retryAfter?: number;
    problem?: Problem;
  }) {
    const title = init.title || REASONS[init.status] || "Error";
    const detail = init.detail ?? "";
    super(`${init.status} ${title}${detail ? `: ${detail}` : ""}${init.requestId ? ` (request ${init.requestId})` : ""}`);
    this.status = init.status;
    this.type = init.type || "about:blank";
    this.title = title;
    this.detail = detail;
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
    this.functionName = init.functionName;
    this.problem = init.problem;
  }
}

async function errorFrom(name: FunctionName, response: Response): Promise<ElevateError> {
  const headerId = response.headers.get("x-request-id") ?? undefined;
  const retry = Number(response.headers.get("retry-after") ?? NaN);
  const retryAfter = Number.isFinite(retry) && retry >= 0 ? retry : undefined;
  const base = { functionName: name, status: response.status, requestId: headerId, retryAfter };
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/problem+json") {
    let problem: Partial<Problem> | undefined;
    try {
      problem = (await response.json()) as Partial<Problem>;
    } catch {
      problem = undefined;
    }
    if (problem && typeof problem === "object") {
      const text = (value: unknown) => (typeof value === "string" ? value : undefined);
      return new ElevateError({
        ...base,
        type: text(problem.type),
        title: text(problem.title),
        detail: text(problem.detail),
        requestId: text(problem.requestId) ?? headerId,
        problem: problem as Problem,
      });
    }
  }
  await response.body?.cancel().catch(() => {});
  return new ElevateError(base);
}

// ---- the client -------------------------------------------------------------------------------------------

/** A new `Idempotency-Key`: a random UUID. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  // crypto.randomUUID exists only in secure contexts (https, localhost): a v4 UUID from random bytes.
  const bytes = c.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Each function's URL: a map by name (missing ones fail when called), or a function of the name. */
export type FunctionUrls = Partial<Record<FunctionName, string>> | ((name: FunctionName) => string);

export interface ElevateClientOptions {
  /**
   * Where each function is. Deployed, every function has its own function URL (the SAM output
   * `<Function>Url`: see {@link urlsFromStackOutputs}); on the local stack,
   * `(name) => \`http://127.0.0.1:9000/lambda-url/${name}/\``.
   */
  urls: FunctionUrls;
  /** The caller's Wix access token: {@link wixTokenProvider} of the page's Wix SDK client. */
  token: TokenProvider;
  /** The `fetch` to use (default: `globalThis.fetch`, looked up at each call). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * The function URLs from a deployed stack's outputs (`<Function>Url`, e.g. `RefundOrderUrl`): either a map
 * of output name to value, or the `Outputs` list of `aws cloudformation describe-stacks`.
 */
export function urlsFromStackOutputs(
  outputs: Record<string, string> | readonly { OutputKey?: string; OutputValue?: string }[],
): Partial<Record<FunctionName, string>> {
  const byKey: Record<string, string | undefined> = Array.isArray(outputs)
    ? Object.fromEntries(outputs.map((o) => [o.OutputKey, o.OutputValue]))
    : (outputs as Record<string, string>);
  const urls: Partial<Record<FunctionName, string>> = {};
  for (const name of functionNames) {
    const url = byKey[functions[name].samOutput];
    if (url) urls[name] = url;
  }
  return urls;
}

function formData(body: object): FormData {
  const form = new FormData();
  for (const [part, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Blob) {
      const file = typeof File !== "undefined" && value instanceof File ? value.name : undefined;
      if (file) form.append(part, value, file);
      else form.append(part, value);
    } else {
      form.append(part, String(value));
    }
  }
  return form;
}

/** The client for the functions at `urls`, calling them with the caller's Wix token from `token`. */
export function createElevateClient({ urls, token, fetch: fetchImpl }: ElevateClientOptions): ElevateClient {
  const send = fetchImpl ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  const urlOf = (name: FunctionName) => {
    const url = typeof urls === "function" ? urls(name) : urls[name];
    if (!url) throw new Error(`no function URL configured for ${name}`);
    return url;
  };

  async function call(name: FunctionName, args: readonly unknown[]): Promise<unknown> {
    const spec: { method: string; body: string; idempotency?: string; attestation?: string } = functions[name];
    if (!spec) throw new TypeError(`unknown function ${String(name)}`);
    const [body, options = {}] = (spec.body === "none" ? [undefined, args[0]] : args) as [
      unknown,
      { signal?: AbortSignal; idempotencyKey?: string; attestationToken?: string } | undefined,
    ];
    const headers = new Headers();
    let payload: BodyInit | undefined;
    if (spec.body === "json") {
      headers.set("content-type", "application/json");
      payload = JSON.stringify(body ?? {});
    } else if (spec.body === "form") {
      payload = formData((body ?? {}) as object); // the browser sets multipart/form-data with its boundary
    }
    if (spec.idempotency) headers.set("idempotency-key", options.idempotencyKey ?? newIdempotencyKey());
    if (spec.attestation && options.attestationToken) {
      headers.set("attestation-token", options.attestationToken);
    } else if (spec.attestation === "required") {
      throw new TypeError(`${name} needs an attestationToken (the CAPTCHA widget's token)`);
    }
    const url = urlOf(name);
    headers.set("authorization", `Bearer ${await token()}`);
    const init: RequestInit = { method: spec.method, headers };
    if (payload !== undefined) init.body = payload;
    if (options.signal) init.signal = options.signal;
    const response = await send(url, init);
    if (!response.ok) throw await errorFrom(name, response);
    if (response.status === 204) return undefined;
    const text = await response.text();
    if (!text) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw new ElevateError({
        functionName: name,
        status: response.status,
        title: "Unreadable answer",
        detail: "the answer is not JSON",
        requestId: response.headers.get("x-request-id") ?? undefined,
      });
    }
  }

  const client: Record<string, unknown> = {
    call: (name: FunctionName, ...args: unknown[]) => call(name, args),
  };
  for (const name of functionNames) {
    client[functions[name].methodName] = (...args: unknown[]) => call(name, args);
  }
  return Object.freeze(client) as ElevateClient;
}
