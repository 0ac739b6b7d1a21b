// What the page takes from Wix's JavaScript SDK (@wix/sdk, pinned in package.json). scripts/setup bundles
// this file into vendor/wix-sdk.js (`npm run build` here); vendor/wix-sdk.d.ts, written beside it, points
// editors and tsc at the SDK's own types.
export { createClient, EMPTY_TOKENS, LoginState, OAuthStrategy } from "@wix/sdk";
