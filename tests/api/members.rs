//! create-member, approve-member, delete-member and query-members, black-box: the real binaries under
//! `cargo lambda watch`, Secrets Manager from moto, Wix from the sandbox. Every test checks the sandbox's
//! state, not only the status code.

use crate::harness::{Reply, Stack, seed};
use serde_json::{Value, json};

const CREATE: &str = "create-member";
const APPROVE: &str = "approve-member";
const DELETE: &str = "delete-member";
const QUERY: &str = "query-members";

/// The body of a 200 answer.
fn ok(reply: &Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

fn status_of(stack: &Stack, member: &seed::SeedMember) -> String {
    stack
        .sandbox
        .state
        .member(member.id)
        .expect("member exists")
        .status
}

#[tokio::test]
async fn an_admin_creates_a_member_and_the_sandbox_holds_it() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let reply = stack
        .post(
            CREATE,
            Some(&admin),
            &json!({ "loginEmail": "lee@example.com", "firstName": "Lee", "lastName": "Park", "phones": ["+351 912 345 678"], "nickname": "leep" }),
        )
        .await;
    let body = ok(&reply);
    let id = body["id"].as_str().expect("an id").to_owned();
    assert_eq!(
        body,
        json!({ "id": id, "status": "PENDING" }),
        "only id and status"
    );
    let member = stack.sandbox.state.member(&id).expect("stored");
    assert_eq!(
        (
            member.login_email.as_str(),
            member.first_name.as_str(),
            member.last_name.as_str(),
            member.nickname.as_str(),
        ),
        ("lee@example.com", "Lee", "Park", "leep")
    );
    assert_eq!(member.phones, ["+351 912 345 678"]);
    assert_eq!(stack.sandbox.state.members().len(), seed::MEMBERS.len() + 1);
    stack.assert_no_secret_leaked(&[&reply.body]);
}

#[tokio::test]
async fn wix_validation_errors_come_back_as_a_clear_409_or_400_without_wix_text() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let taken = stack
        .post(
            CREATE,
            Some(&admin),
            &json!({ "loginEmail": "MIA@example.com" }),
        )
        .await;
    let problem = taken.problem(409);
    assert_eq!(
        problem["detail"],
        "a member with this login email already exists"
    );
    stack.sandbox.state.fail(
        1,
        http::StatusCode::BAD_REQUEST,
        Some("/members/v1/members"),
    );
    let refused = stack
        .post(
            CREATE,
            Some(&admin),
            &json!({ "loginEmail": "new@example.com" }),
        )
        .await;
    assert_eq!(
        refused.problem(400)["detail"],
        "Wix refused the member's details"
    );
    for reply in [&taken, &refused] {
        for wix_text in [
            "sandbox detail",
            "Email already exists",
            "-19995",
            "injected",
        ] {
            assert!(!reply.body.contains(wix_text), "{}", reply.body);
        }
    }
    assert_eq!(
        stack.sandbox.state.members().len(),
        seed::MEMBERS.len(),
        "no member was created"
    );
}

#[tokio::test]
async fn a_visitor_or_a_non_admin_member_cannot_create_approve_query_or_delete_members() {
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    let mia = stack.member_token(&seed::MEMBER).await;
    let pending = stack.member_token(&seed::PENDING).await;
    let calls = [
        (CREATE, json!({ "loginEmail": "intruder@example.com" })),
        (APPROVE, json!({ "memberId": seed::PENDING.id })),
        (QUERY, json!({})),
        (DELETE, json!({ "memberId": seed::SECOND_MEMBER.id })),
    ];
    for token in [&visitor, &mia, &pending] {
        for (function, body) in &calls {
            // Deleting is for an admin or the member themself: a visitor is the wrong kind of caller, a
            // member deleting another is not that member's owner.
            let reason = match *function {
                DELETE if token == &visitor => "caller-not-allowed",
                DELETE => "not-owner",
                _ => "admin-only",
            };
            stack
                .post(function, Some(token), body)
                .await
                .forbidden(reason);
        }
    }
    assert_eq!(
        stack.stats().elevated_calls,
        0,
        "the sandbox saw no elevated call"
    );
    assert_eq!(stack.sandbox.state.members().len(), seed::MEMBERS.len());
    assert_eq!(status_of(&stack, &seed::PENDING), "PENDING");
}

#[tokio::test]
async fn a_member_can_delete_only_themself() {
    let stack = Stack::start().await;
    let mia = stack.member_token(&seed::MEMBER).await;
    let others = [seed::SECOND_MEMBER.id, seed::ADMIN.id, seed::PENDING.id];
    for other in others {
        stack
            .post(DELETE, Some(&mia), &json!({ "memberId": other }))
            .await
            .forbidden("not-owner");
        assert!(stack.sandbox.state.member(other).is_some());
    }
    assert_eq!(stack.stats().elevated_calls, 0);

    let own = stack
        .post(DELETE, Some(&mia), &json!({ "memberId": seed::MEMBER.id }))
        .await;
    assert_eq!(ok(&own), json!({ "id": seed::MEMBER.id, "deleted": true }));
    assert!(stack.sandbox.state.member(seed::MEMBER.id).is_none());

    let admin = stack.member_token(&seed::ADMIN).await;
    let sam = json!({ "memberId": seed::SECOND_MEMBER.id });
    ok(&stack.post(DELETE, Some(&admin), &sam).await);
    assert!(stack.sandbox.state.member(seed::SECOND_MEMBER.id).is_none());
    stack.post(DELETE, Some(&admin), &sam).await.problem(404);
}

#[tokio::test]
async fn ids_that_are_not_guids_are_rejected_before_any_wix_call() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let long = "a".repeat(10 * 1024);
    let traversal = format!(
        "{}/../../../site-properties/v4/properties",
        seed::PENDING.id
    );
    let bad_ids = [
        json!(""),
        json!("../"),
        json!("%2e%2e/"),
        json!("?"),
        json!("#"),
        json!(format!("{}?fieldsets=FULL", seed::PENDING.id)),
        json!(format!("{}#x", seed::PENDING.id)),
        json!(traversal),
        json!(long),
        json!(42),
        json!(null),
        json!([seed::PENDING.id]),
    ];
    for id in &bad_ids {
        for function in [APPROVE, DELETE] {
            stack
                .post(function, Some(&admin), &json!({ "memberId": id }))
                .await
                .problem(400);
        }
        // (A null filter is no filter, so only the others.)
        if !id.is_null() {
            stack
                .post(
                    QUERY,
                    Some(&admin),
                    &json!({ "filter": { "contactId": id } }),
                )
                .await
                .problem(400);
        }
    }
    assert_eq!(stack.stats().elevated_calls, 0, "nothing reached Wix");
    assert_eq!(stack.sandbox.state.members().len(), seed::MEMBERS.len());
}

#[tokio::test]
async fn unknown_fields_wrong_types_unlisted_filters_and_limits_over_100_are_rejected() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let cases = [
        (CREATE, json!({})),
        (CREATE, json!({ "loginEmail": "no-at-sign" })),
        (CREATE, json!({ "loginEmail": "two@@example.com" })),
        (CREATE, json!({ "loginEmail": "has space@example.com" })),
        (
            CREATE,
            json!({ "loginEmail": format!("{}@example.com", "a".repeat(300)) }),
        ),
        (CREATE, json!({ "loginEmail": 5 })),
        (
            CREATE,
            json!({ "loginEmail": "x@example.com", "status": "APPROVED" }),
        ),
        (
            CREATE,
            json!({ "loginEmail": "x@example.com", "firstName": "x".repeat(101) }),
        ),
        (
            CREATE,
            json!({ "loginEmail": "x@example.com", "phones": "555 0100" }),
        ),
        (
            APPROVE,
            json!({ "memberId": seed::PENDING.id, "notify": true }),
        ),
        (APPROVE, json!({})),
        (
            DELETE,
            json!({ "memberId": seed::BLOCKED.id, "force": true }),
        ),
        (QUERY, json!({ "limit": 101 })),
        (QUERY, json!({ "limit": 0 })),
        (QUERY, json!({ "limit": "10" })),
        (QUERY, json!({ "offset": -1 })),
        (QUERY, json!({ "filter": { "profile.nickname": "Mia" } })),
        (
            QUERY,
            json!({ "filter": { "status": { "$ne": "BLOCKED" } } }),
        ),
        (QUERY, json!({ "filter": { "status": ["DELETED"] } })),
        (
            QUERY,
            json!({ "filter": { "$or": [{ "status": "APPROVED" }] } }),
        ),
        (
            QUERY,
            json!({ "filter": { "createdDate": { "$gte": "2026-01-01T00:00:00Z" } } }),
        ),
        (
            QUERY,
            json!({ "filter": { "createdDate": { "from": "2026-01-01T00:00:00Z" } } }),
        ),
        (QUERY, json!({ "sort": { "field": "loginEmail" } })),
        (QUERY, json!({ "fieldsets": ["FULL"] })),
        (QUERY, json!([])),
    ];
    for (function, body) in &cases {
        let reply = stack.post(function, Some(&admin), body).await;
        assert_eq!(reply.status, 400, "{function} {body}: {}", reply.body);
        reply.problem(400);
    }
    let form = stack
        .post_body(QUERY, Some(&admin), "text/plain", b"{}".to_vec())
        .await;
    form.problem(415);
    assert_eq!(stack.stats().elevated_calls, 0);
    assert_eq!(stack.sandbox.state.members().len(), seed::MEMBERS.len());
}

#[tokio::test]
async fn an_admin_approves_a_pending_member_and_unblocks_a_blocked_one() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    for member in [&seed::PENDING, &seed::BLOCKED, &seed::MEMBER] {
        let reply = stack
            .post(APPROVE, Some(&admin), &json!({ "memberId": member.id }))
            .await;
        assert_eq!(ok(&reply), json!({ "id": member.id, "status": "APPROVED" }));
        assert_eq!(status_of(&stack, member), "APPROVED", "{}", member.nickname);
    }
    let unknown = json!({ "memberId": "00000000-0000-4000-8000-000000000000" });
    stack
        .post(APPROVE, Some(&admin), &unknown)
        .await
        .problem(404);
}

#[tokio::test]
async fn an_admin_queries_members_on_allowlisted_filters_with_sort_and_paging() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let ids = |body: &Value| -> Vec<String> {
        body["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let query = async |body: Value| ok(&stack.post(QUERY, Some(&admin), &body).await);

    let pending = query(json!({ "filter": { "status": ["PENDING"] } })).await;
    assert_eq!(
        pending["members"],
        json!([{
            "id": seed::PENDING.id,
            "loginEmail": seed::PENDING.login_email,
            "status": "PENDING",
            "nickname": seed::PENDING.nickname,
            "contactId": seed::PENDING.contact_id,
            "createdDate": seed::PENDING.created_date,
        }]),
        "the six fields an admin list shows, and nothing else"
    );
    let by_email =
        query(json!({ "filter": { "loginEmail": seed::SECOND_MEMBER.login_email } })).await;
    assert_eq!(ids(&by_email), [seed::SECOND_MEMBER.id]);
    let by_contact = query(json!({ "filter": { "contactId": seed::MEMBER.contact_id } })).await;
    assert_eq!(ids(&by_contact), [seed::MEMBER.id]);
    let unhappy = query(json!({ "filter": { "status": ["BLOCKED", "PENDING"] }, "sort": { "field": "nickname", "order": "ASC" } })).await;
    assert_eq!(ids(&unhappy), [seed::BLOCKED.id, seed::PENDING.id]);

    let first =
        query(json!({ "sort": { "field": "createdDate", "order": "ASC" }, "limit": 2 })).await;
    assert_eq!(ids(&first), [seed::ADMIN.id, seed::MEMBER.id]);
    assert_eq!(
        first["paging"],
        json!({ "limit": 2, "offset": 0, "count": 2, "total": 5, "nextOffset": 2 })
    );
    let last = query(json!({ "sort": { "field": "createdDate" }, "limit": 2, "offset": 4 })).await;
    assert_eq!(ids(&last), [seed::ADMIN.id], "DESC by default");
    assert_eq!(last["paging"]["nextOffset"], Value::Null);

    let queries: Vec<_> = stack
        .stats()
        .calls
        .into_iter()
        .filter(|c| c.path == "/members/v1/members/query")
        .collect();
    assert_eq!(queries.len(), 6);
    assert!(queries.iter().all(|c| c.auth == "admin" && c.status == 200));
}

/// Wix filters members only on the fields of the SDK's `MemberQuerySpec`; `createdDate` sorts but does
/// not filter. The function refuses it before any Wix call, and the sandbox, like Wix, refuses it with a
/// validation error should it ever be sent.
#[tokio::test]
async fn a_created_date_member_filter_is_refused_as_wix_refuses_it() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let ours = json!({ "filter": { "createdDate": { "from": "2026-01-01T00:00:00Z" } } });
    let problem = stack.post(QUERY, Some(&admin), &ours).await.problem(400);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("createdDate"),
        "{problem}"
    );
    assert_eq!(stack.stats().elevated_calls, 0);

    let wix_admin = stack
        .http
        .post(stack.sandbox.url("/oauth2/token"))
        .json(&json!({ "grantType": "client_credentials", "clientId": seed::CLIENT_ID, "clientSecret": seed::CLIENT_SECRET }))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let wix = stack
        .http
        .post(stack.sandbox.url("/members/v1/members/query"))
        .header("authorization", &wix_admin)
        .json(&json!({ "query": { "filter": { "createdDate": { "$gte": "2026-01-01T00:00:00Z" } } } }))
        .send()
        .await
        .unwrap();
    assert_eq!(wix.status(), 400);
    let body: Value = wix.json().await.unwrap();
    assert_eq!(
        body["details"]["validationError"]["fieldViolations"][0]["field"], "query.filter",
        "{body}"
    );
}

#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_refused_and_creates_nobody() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    // serde would read the array as create-member's fields in order.
    for body in [
        json!(["lee@example.com", "Lee", "Park", [], "leep"]),
        json!([]),
        json!("text"),
    ] {
        let reply = stack.post("create-member", Some(&admin), &body).await;
        let problem = reply.problem(400);
        assert!(
            problem["detail"].as_str().unwrap().contains("JSON object"),
            "{problem}"
        );
    }
    assert_eq!(stack.sandbox.state.members().len(), seed::MEMBERS.len());
    assert_eq!(
        stack.calls_to("/members/"),
        0,
        "nothing reached Wix's members API"
    );
}
