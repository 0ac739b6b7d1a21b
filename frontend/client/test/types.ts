// Type-level tests of the client (checked by `npm run check`, never run): each `@ts-expect-error` line must be
// an error, every other line must type-check.
import {
  createElevateClient,
  wixTokenProvider,
  type Answer,
  type ElevateClient,
  type RequestBody,
  type WixOAuthAuth,
} from "../src/index.js";

declare const client: ElevateClient;
declare const file: File;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>() => {};

async function calls() {
  const site = await client.getSiteProperties();
  site.siteDisplayName satisfies string | null;
  await client.getSiteProperties({ signal: AbortSignal.timeout(5000) });
  // @ts-expect-error get-site-properties takes no body (its one argument is the options)
  await client.getSiteProperties({ loginEmail: "lee@example.com" });

  const member = await client.createMember({ loginEmail: "lee@example.com" }, { idempotencyKey: "k-1" });
  member.id satisfies string;
  await client.createMember({ loginEmail: "lee@example.com" });
  // @ts-expect-error loginEmail is required
  await client.createMember({ firstName: "Lee" });
  // @ts-expect-error an unknown field
  await client.createMember({ loginEmail: "lee@example.com", admin: true });

  // Every field of the query is optional: so is the body.
  const members = await client.queryMembers();
  members.members[0]?.loginEmail satisfies string | null | undefined;
  await client.queryMembers({ filter: { status: ["PENDING"] }, limit: 20 });
  // @ts-expect-error not a member status
  await client.queryMembers({ filter: { status: ["GONE"] } });
  // @ts-expect-error query-members takes no Idempotency-Key
  await client.queryMembers({}, { idempotencyKey: "k" });

  const refund = await client.refundOrder({ orderId: "o", amount: "10.00" }, { idempotencyKey: "refund-1" });
  refund.payments[0]?.amount satisfies string | undefined;
  // @ts-expect-error the amount is a decimal string
  await client.refundOrder({ orderId: "o", amount: 10 });

  const uploaded = await client.uploadImage({ file, title: "Vase", uploaderName: "Rui" }, { attestationToken: "t" });
  uploaded.itemId satisfies string;
  // @ts-expect-error upload-image requires the widget's token
  await client.uploadImage({ file, title: "Vase", uploaderName: "Rui" });
  // @ts-expect-error the file is a Blob
  await client.uploadImage({ file: "bytes", title: "Vase", uploaderName: "Rui" }, { attestationToken: "t" });

  const bookings = await client.call("query-bookings", { limit: 10 });
  bookings.nextCursor satisfies string | null;
  await client.cancelBooking({ bookingId: "b" });
}
void calls;

assert<Equal<RequestBody<"approve-member">, { memberId: string }>>();
assert<Equal<RequestBody<"get-site-properties">, never>>();
assert<Equal<Answer<"delete-member">, { id: string; deleted: true }>>();

// Wix's SDK's OAuthStrategy `auth` fits WixOAuthAuth structurally.
declare const sdkAuth: import("@wix/sdk").IOAuthStrategy;
const auth: WixOAuthAuth = sdkAuth;
createElevateClient({ urls: (name) => `http://127.0.0.1:9000/lambda-url/${name}/`, token: wixTokenProvider(auth) });
createElevateClient({ urls: { "get-site-properties": "https://x.lambda-url.eu-west-1.on.aws/" }, token: async () => "t" });
