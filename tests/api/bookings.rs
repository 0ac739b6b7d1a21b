//! confirm-booking, cancel-booking, reschedule-booking and query-bookings, black-box: the real binaries
//! under `cargo lambda watch`, Wix from the sandbox. Each rule of the bookings functions has a test named
//! after it; each checks the sandbox's state and calls, not only the status code.

use crate::harness::{Reply, Stack, seed};
use serde_json::{Value, json};
use wix_sandbox::seed::CreatedBy;
use wix_sandbox::{CallRecord, SeedBooking};

const CONFIRM: &str = "confirm-booking";
const CANCEL: &str = "cancel-booking";
const RESCHEDULE: &str = "reschedule-booking";
const QUERY: &str = "query-bookings";

const READER_PATH: &str = "/_api/bookings-reader/v2/extended-bookings/query";
/// Where the SDK (and so our client) sends booking writes on www.wixapis.com.
const WRITER_PREFIX: &str = "/_api/bookings-service/v2/bookings/";

/// Writer calls (confirm, cancel, reschedule) the sandbox has seen, in order.
fn writes(stack: &Stack) -> Vec<CallRecord> {
    stack
        .stats()
        .calls
        .into_iter()
        .filter(|c| c.path.starts_with(WRITER_PREFIX))
        .collect()
}

fn reads(stack: &Stack) -> usize {
    stack
        .stats()
        .calls
        .iter()
        .filter(|c| c.path == READER_PATH)
        .count()
}

fn status_and_revision(stack: &Stack, booking: &SeedBooking) -> (String, u64) {
    let now = stack.sandbox.state.booking(booking.id).expect("seeded");
    (now.status, now.revision)
}

/// The booking is as seeded: same status, same revision (nothing was written to it).
fn assert_untouched(stack: &Stack, booking: &SeedBooking) {
    assert_eq!(
        status_and_revision(stack, booking),
        (booking.status.to_owned(), booking.revision),
        "{} was changed",
        booking.id
    );
}

fn booking_ids(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["bookings"]
        .as_array()
        .expect("a list of bookings")
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_owned())
        .collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

fn ids_of(bookings: &[&SeedBooking]) -> Vec<String> {
    sorted(bookings.iter().map(|b| b.id.to_owned()).collect())
}

/// No contact details of anybody (names are seeded first names; emails the members' and the guest's).
fn assert_no_contact_details(body: &str) {
    for private in [
        seed::MEMBER.login_email,
        seed::SECOND_MEMBER.login_email,
        seed::GUEST_EMAIL,
        seed::MEMBER.contact_id,
        seed::SECOND_MEMBER.contact_id,
        seed::GUEST_CONTACT_ID,
        seed::NOOR_EMAIL,
        seed::NOOR_CONTACT_ID,
        seed::GUEST_VISITOR_ID,
        seed::NOOR_VISITOR_ID,
        seed::STUDIO_WIX_USER_ID,
        "createdBy",
        "\"Noor\"",
        "\"Lee\"",
        "\"Sam\"",
        "\"Mia\"",
    ] {
        assert!(!body.contains(private), "{private} in {body}");
    }
}

fn new_time(booking: &SeedBooking) -> Value {
    json!({
        "bookingId": booking.id,
        "startDate": "2027-02-01T11:00:00+01:00",
        "endDate": "2027-02-01T12:00:00+01:00",
        "timezone": "europe/lisbon",
    })
}

#[tokio::test]
async fn an_admin_confirms_a_pending_booking_and_may_notify_the_participant() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let reply = stack
        .post(
            CONFIRM,
            Some(&admin),
            &json!({
                "bookingId": seed::SAM_PENDING.id,
                "participantNotification": { "notifyParticipants": true, "message": "See you on Thursday" },
            }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["id"], seed::SAM_PENDING.id);
    assert_eq!(body["status"], "CONFIRMED");
    assert_eq!(body["serviceName"], seed::GLAZING_CLASS.name);
    assert_eq!(body["eventId"], seed::GLAZING_SESSION_1.id);
    assert_eq!(body["timezone"], seed::BOOKINGS_TIME_ZONE);
    assert!(body.get("revision").is_none(), "{body}");
    assert_no_contact_details(&reply.body);

    let now = stack.sandbox.state.booking(seed::SAM_PENDING.id).unwrap();
    assert_eq!(
        (now.status.as_str(), now.revision),
        ("CONFIRMED", seed::SAM_PENDING.revision + 1)
    );
    assert_eq!(now.notifications.len(), 1);
    assert_eq!(now.notifications[0].action, "confirm");
    assert_eq!(
        now.notifications[0].message.as_deref(),
        Some("See you on Thursday")
    );

    // Only what Wix lets be confirmed is sent: the rest is refused from the status just read.
    for (booking, status, detail) in [
        (
            seed::SAM_PENDING.id,
            409,
            "the booking is already confirmed",
        ),
        (
            seed::MIA_CANCELED.id,
            409,
            "only a pending booking can be confirmed",
        ),
        (
            "00000000-0000-4000-8000-000000000000",
            404,
            "there is no booking with this id",
        ),
    ] {
        let reply = stack
            .post(CONFIRM, Some(&admin), &json!({ "bookingId": booking }))
            .await;
        assert_eq!(reply.problem(status)["detail"], detail);
    }
    assert_eq!(writes(&stack).len(), 1, "one confirm reached Wix");
    assert_untouched(&stack, &seed::MIA_CANCELED);
}

#[tokio::test]
async fn a_visitor_cannot_call_any_bookings_function_and_a_non_admin_member_cannot_confirm() {
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    let booking = json!({ "bookingId": seed::SAM_PENDING.id });
    let calls = [
        (CONFIRM, booking.clone()),
        (CANCEL, booking.clone()),
        (RESCHEDULE, new_time(&seed::SAM_PENDING)),
        (QUERY, json!({})),
    ];
    for (function, body) in &calls {
        let reason = if *function == CONFIRM {
            "admin-only"
        } else {
            "caller-not-allowed"
        };
        stack
            .post(function, Some(&visitor), body)
            .await
            .forbidden(reason);
    }
    for member in [&seed::MEMBER, &seed::SECOND_MEMBER] {
        let token = stack.member_token(member).await;
        let reply = stack.post(CONFIRM, Some(&token), &booking).await;
        reply.forbidden("admin-only");
    }
    assert_eq!(stack.stats().elevated_calls, 0, "no elevated call at all");
    assert_untouched(&stack, &seed::SAM_PENDING);
}

#[tokio::test]
async fn a_member_cancels_their_own_booking_and_an_admin_cancels_anyones() {
    let stack = Stack::start().await;
    let mia = stack.member_token(&seed::MEMBER).await;
    let reply = stack
        .post(
            CANCEL,
            Some(&mia),
            &json!({ "bookingId": seed::MIA_LESSON.id }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["status"], "CANCELED");
    assert_no_contact_details(&reply.body);
    assert_eq!(
        status_and_revision(&stack, &seed::MIA_LESSON),
        ("CANCELED".into(), seed::MIA_LESSON.revision + 1)
    );
    assert!(
        stack
            .sandbox
            .state
            .booking(seed::MIA_LESSON.id)
            .unwrap()
            .notifications
            .is_empty(),
        "no notification unless asked"
    );

    let admin = stack.member_token(&seed::ADMIN).await;
    for booking in [&seed::SAM_LESSON, &seed::GUEST_LESSON] {
        let reply = stack
            .post(
                CANCEL,
                Some(&admin),
                &json!({ "bookingId": booking.id, "participantNotification": { "notifyParticipants": true } }),
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let now = stack.sandbox.state.booking(booking.id).unwrap();
        assert_eq!(
            (now.status.as_str(), now.revision),
            ("CANCELED", booking.revision + 1)
        );
        assert_eq!(now.notifications.len(), 1);
    }
    let statuses: Vec<u16> = writes(&stack).iter().map(|c| c.status).collect();
    assert_eq!(statuses, [200, 200, 200]);
}

#[tokio::test]
async fn a_member_cannot_cancel_reschedule_or_see_another_members_booking() {
    let stack = Stack::start().await;
    let mia = stack.member_token(&seed::MEMBER).await;
    for booking in [&seed::SAM_LESSON, &seed::GUEST_LESSON] {
        let cancel = stack
            .post(CANCEL, Some(&mia), &json!({ "bookingId": booking.id }))
            .await;
        cancel.forbidden("not-owner");
        let reschedule = stack.post(RESCHEDULE, Some(&mia), &new_time(booking)).await;
        reschedule.forbidden("not-owner");
        assert_untouched(&stack, booking);
    }
    // Another member's canceled booking: still 403, its state is not revealed.
    let sam = stack.member_token(&seed::SECOND_MEMBER).await;
    stack
        .post(
            CANCEL,
            Some(&sam),
            &json!({ "bookingId": seed::MIA_CANCELED.id }),
        )
        .await
        .forbidden("not-owner");
    assert!(writes(&stack).is_empty(), "no write reached Wix");

    let mine = ids_of(&[&seed::MIA_LESSON, &seed::MIA_CLASS, &seed::MIA_CANCELED]);
    let all = stack.post(QUERY, Some(&mia), &json!({})).await;
    assert_eq!(sorted(booking_ids(&all)), mine);
    assert_no_contact_details(&all.body);
    let wheel = stack
        .post(
            QUERY,
            Some(&mia),
            &json!({ "filter": { "serviceId": seed::WHEEL_LESSON.id } }),
        )
        .await;
    assert_eq!(
        sorted(booking_ids(&wheel)),
        ids_of(&[&seed::MIA_LESSON, &seed::MIA_CANCELED]),
        "Sam's and the guest's wheel lessons are absent"
    );
    let sams = stack.post(QUERY, Some(&sam), &json!({})).await;
    assert_eq!(
        sorted(booking_ids(&sams)),
        ids_of(&[&seed::SAM_LESSON, &seed::SAM_PENDING])
    );

    // Paging with a cursor an admin got for every booking does not widen a member's view.
    let admin = stack.member_token(&seed::ADMIN).await;
    let first = stack
        .post(QUERY, Some(&admin), &json!({ "limit": 1 }))
        .await;
    let cursor = first.json()["nextCursor"].as_str().unwrap().to_owned();
    let mut seen = Vec::new();
    let mut next = Some(cursor);
    while let Some(cursor) = next {
        let page = stack
            .post(QUERY, Some(&mia), &json!({ "cursor": cursor, "limit": 2 }))
            .await;
        seen.extend(booking_ids(&page));
        next = page.json()["nextCursor"].as_str().map(str::to_owned);
    }
    assert!(
        !seen.is_empty(),
        "the admin's later pages hold Mia's bookings too"
    );
    assert!(
        seen.iter().all(|id| mine.contains(id)),
        "only Mia's bookings: {seen:?}"
    );
    stack.assert_no_secret_leaked(&[&all.body, &wheel.body, &sams.body]);
}

#[tokio::test]
async fn a_booking_already_canceled_cannot_be_canceled_again() {
    let stack = Stack::start().await;
    let mia = stack.member_token(&seed::MEMBER).await;
    let reply = stack
        .post(
            CANCEL,
            Some(&mia),
            &json!({ "bookingId": seed::MIA_CANCELED.id }),
        )
        .await;
    assert_eq!(
        reply.problem(409)["detail"],
        "the booking is already canceled"
    );
    assert!(
        writes(&stack).is_empty(),
        "decided from the status, not by Wix"
    );

    let admin = stack.member_token(&seed::ADMIN).await;
    let body = json!({ "bookingId": seed::SAM_LESSON.id });
    assert_eq!(stack.post(CANCEL, Some(&admin), &body).await.status, 200);
    let twice = stack.post(CANCEL, Some(&admin), &body).await;
    assert_eq!(
        twice.problem(409)["detail"],
        "the booking is already canceled"
    );
    assert_eq!(writes(&stack).len(), 1);
    assert_eq!(
        status_and_revision(&stack, &seed::SAM_LESSON),
        ("CANCELED".into(), seed::SAM_LESSON.revision + 1)
    );

    // Should Wix still refuse (its own state check, 428), the answer is ours, not Wix's text.
    let path = format!("{WRITER_PREFIX}{}/cancel", seed::MIA_LESSON.id);
    stack
        .sandbox
        .state
        .fail(1, http::StatusCode::PRECONDITION_REQUIRED, Some(&path));
    let refused = stack
        .post(
            CANCEL,
            Some(&mia),
            &json!({ "bookingId": seed::MIA_LESSON.id }),
        )
        .await;
    let problem = refused.problem(409);
    assert_eq!(
        problem["detail"],
        "the booking's current state does not allow this"
    );
    assert!(!refused.body.contains("FAILED_PRECONDITION") && !refused.body.contains("injected"));
}

#[tokio::test]
async fn reschedule_to_an_end_before_the_start_a_non_iana_time_zone_or_a_non_rfc3339_date_is_a_400_before_any_wix_call()
 {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let mia = stack.member_token(&seed::MEMBER).await;
    let id = seed::MIA_LESSON.id;
    let time = |start: &str, end: &str, zone: &str| json!({ "bookingId": id, "startDate": start, "endDate": end, "timezone": zone });
    let (start, end) = ("2027-02-01T10:00:00Z", "2027-02-01T11:00:00Z");
    let bad = [
        ("end before start", time(end, start, "Europe/Lisbon")),
        ("end at start", time(start, start, "Europe/Lisbon")),
        ("an offset for a zone", time(start, end, "+01:00")),
        ("an abbreviation", time(start, end, "CEST")),
        ("a made-up zone", time(start, end, "Europe/Atlantis")),
        ("an empty zone", time(start, end, "")),
        (
            "no offset",
            time("2027-02-01T10:00:00", end, "Europe/Lisbon"),
        ),
        ("a date only", time("2027-02-01", end, "Europe/Lisbon")),
        ("words", time("tomorrow at ten", end, "Europe/Lisbon")),
        (
            "no such day",
            time("2027-02-30T10:00:00Z", "2027-03-01T10:00:00Z", "UTC"),
        ),
        ("no seconds", time(start, "2027-02-01T11:00Z", "UTC")),
        (
            "a number",
            json!({ "bookingId": id, "startDate": 1801476000, "endDate": end, "timezone": "UTC" }),
        ),
        (
            "an event and a time",
            json!({ "bookingId": id, "eventId": seed::GLAZING_SESSION_2.id, "startDate": start, "endDate": end, "timezone": "UTC" }),
        ),
        ("no new slot", json!({ "bookingId": id })),
        (
            "half a time",
            json!({ "bookingId": id, "startDate": start, "timezone": "UTC" }),
        ),
        (
            "an event id with a quote",
            json!({ "bookingId": id, "eventId": format!("{}\"", seed::GLAZING_SESSION_2.id) }),
        ),
        (
            "an event id shorter than 36",
            json!({ "bookingId": id, "eventId": "06ee9e50-1d33-4f52-9f2d" }),
        ),
        (
            "an event id longer than 250",
            json!({ "bookingId": id, "eventId": "a".repeat(251) }),
        ),
        (
            "the deprecated sessionId",
            json!({ "bookingId": id, "sessionId": seed::GLAZING_SESSION_2.id }),
        ),
        (
            "an unknown field",
            json!({ "bookingId": id, "eventId": seed::GLAZING_SESSION_2.id, "revision": "9" }),
        ),
        (
            "a message nobody is notified of",
            json!({ "bookingId": id, "eventId": seed::GLAZING_SESSION_2.id, "participantNotification": { "message": "hi" } }),
        ),
    ];
    for (case, body) in &bad {
        for token in [&admin, &mia] {
            let reply = stack.post(RESCHEDULE, Some(token), body).await;
            assert_eq!(reply.status, 400, "{case}: {}", reply.body);
            reply.problem(400);
        }
    }
    assert_eq!(
        stack.stats().elevated_calls,
        0,
        "refused before any Wix call"
    );
    assert_untouched(&stack, &seed::MIA_LESSON);
}

#[tokio::test]
async fn a_member_reschedules_their_own_appointment_to_a_new_time_and_class_to_another_session() {
    let stack = Stack::start().await;
    let mia = stack.member_token(&seed::MEMBER).await;
    let reply = stack
        .post(RESCHEDULE, Some(&mia), &new_time(&seed::MIA_LESSON))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["startDate"], "2027-02-01T10:00:00Z");
    assert_eq!(body["timezone"], "Europe/Lisbon");
    let now = stack.sandbox.state.booking(seed::MIA_LESSON.id).unwrap();
    assert_eq!(
        (
            now.start_date.as_str(),
            now.end_date.as_str(),
            now.timezone.as_str(),
            now.revision
        ),
        (
            "2027-02-01T10:00:00Z",
            "2027-02-01T11:00:00Z",
            "Europe/Lisbon",
            seed::MIA_LESSON.revision + 1
        )
    );

    let to_session = json!({
        "bookingId": seed::MIA_CLASS.id,
        "eventId": seed::GLAZING_SESSION_2.id,
        "participantNotification": { "notifyParticipants": true },
    });
    let reply = stack.post(RESCHEDULE, Some(&mia), &to_session).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["eventId"], seed::GLAZING_SESSION_2.id);
    let now = stack.sandbox.state.booking(seed::MIA_CLASS.id).unwrap();
    assert_eq!(now.event_id.as_deref(), Some(seed::GLAZING_SESSION_2.id));
    assert_eq!(now.notifications[0].action, "reschedule");

    // What cannot move that way is refused from the booking as read, before a write.
    let class_by_time = stack
        .post(RESCHEDULE, Some(&mia), &new_time(&seed::MIA_CLASS))
        .await;
    class_by_time.problem(422);
    // The lesson has an eventId of its own (it is confirmed): what it is comes from Wix's tags.
    let lesson_to_session =
        json!({ "bookingId": seed::MIA_LESSON.id, "eventId": seed::GLAZING_SESSION_1.id });
    stack
        .post(RESCHEDULE, Some(&mia), &lesson_to_session)
        .await
        .problem(422);
    stack
        .post(RESCHEDULE, Some(&mia), &new_time(&seed::MIA_CANCELED))
        .await
        .problem(409);
    assert_eq!(writes(&stack).len(), 2);

    let admin = stack.member_token(&seed::ADMIN).await;
    let reply = stack
        .post(RESCHEDULE, Some(&admin), &new_time(&seed::SAM_LESSON))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        stack
            .sandbox
            .state
            .booking(seed::SAM_LESSON.id)
            .unwrap()
            .start_date,
        "2027-02-01T10:00:00Z"
    );
}

#[tokio::test]
async fn a_booking_changed_in_between_is_read_again_and_retried_once_then_a_409() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;

    stack
        .sandbox
        .state
        .change_booking_after_reads(seed::SAM_LESSON.id, 1);
    let reply = stack
        .post(
            CANCEL,
            Some(&admin),
            &json!({ "bookingId": seed::SAM_LESSON.id }),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let statuses: Vec<u16> = writes(&stack).iter().map(|c| c.status).collect();
    assert_eq!(statuses, [409, 200], "stale revision, then the fresh one");
    assert_eq!(reads(&stack), 2, "read again before retrying");
    assert_eq!(
        status_and_revision(&stack, &seed::SAM_LESSON),
        ("CANCELED".into(), seed::SAM_LESSON.revision + 2)
    );

    let before = writes(&stack).len();
    stack
        .sandbox
        .state
        .change_booking_after_reads(seed::MIA_LESSON.id, 2);
    let reply = stack
        .post(
            CANCEL,
            Some(&admin),
            &json!({ "bookingId": seed::MIA_LESSON.id }),
        )
        .await;
    assert_eq!(
        reply.problem(409)["detail"],
        "the booking changed while this request was being handled; try again"
    );
    let statuses: Vec<u16> = writes(&stack)[before..].iter().map(|c| c.status).collect();
    assert_eq!(statuses, [409, 409], "retried once only");
    assert_eq!(
        stack
            .sandbox
            .state
            .booking(seed::MIA_LESSON.id)
            .unwrap()
            .status,
        "CONFIRMED"
    );
}

#[tokio::test]
async fn query_bookings_lets_an_admin_filter_on_allowlisted_fields_and_page_by_cursor() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let all = stack.post(QUERY, Some(&admin), &json!({})).await;
    let ids = booking_ids(&all);
    assert_eq!(
        sorted(ids.clone()),
        ids_of(seed::BOOKINGS.iter().collect::<Vec<_>>().as_slice())
    );
    assert_eq!(ids[0], seed::MIA_CANCELED.id, "sorted by start");
    assert_eq!(all.json()["nextCursor"], Value::Null);
    let first = &all.json()["bookings"][0];
    let mut fields: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "endDate",
            "id",
            "serviceId",
            "serviceName",
            "startDate",
            "status",
            "timezone"
        ]
    );
    assert_no_contact_details(&all.body);

    let cases = [
        (json!({ "status": ["PENDING"] }), vec![&seed::SAM_PENDING]),
        (
            json!({ "status": ["CONFIRMED"], "serviceId": seed::GLAZING_CLASS.id }),
            vec![&seed::MIA_CLASS],
        ),
        (
            json!({ "startFrom": "2027-01-13T11:00:00+01:00", "startBefore": "2027-01-15T09:00:00Z" }),
            vec![&seed::SAM_LESSON, &seed::SAM_PENDING, &seed::MIA_CLASS],
        ),
    ];
    for (filter, want) in cases {
        let reply = stack
            .post(QUERY, Some(&admin), &json!({ "filter": filter.clone() }))
            .await;
        assert_eq!(sorted(booking_ids(&reply)), ids_of(&want), "{filter}");
    }

    let mut paged = Vec::new();
    let mut request = json!({ "limit": 2 });
    loop {
        let page = stack.post(QUERY, Some(&admin), &request).await;
        let ids = booking_ids(&page);
        assert!(ids.len() <= 2);
        paged.extend(ids);
        match page.json()["nextCursor"].as_str() {
            Some(cursor) => request = json!({ "cursor": cursor, "limit": 2 }),
            None => break,
        }
    }
    assert_eq!(
        paged,
        booking_ids(&all),
        "the pages add up to the whole list"
    );
    let calls_before = stack.stats().elevated_calls;

    let bad = [
        json!({ "limit": 0 }),
        json!({ "limit": 101 }),
        json!({ "limit": "10" }),
        json!({ "filter": { "contactId": seed::MEMBER.contact_id } }),
        json!({ "filter": { "email": seed::MEMBER.login_email } }),
        json!({ "filter": { "status": { "$eq": "CONFIRMED" } } }),
        json!({ "filter": { "status": ["BOGUS"] } }),
        json!({ "filter": { "startFrom": "2027-01-13" } }),
        json!({ "filter": { "startFrom": "2027-01-14T00:00:00Z", "startBefore": "2027-01-13T00:00:00Z" } }),
        json!({ "filter": { "serviceId": "../../members" } }),
        json!({ "cursor": "abc", "filter": {} }),
        json!({ "cursor": "has space" }),
        json!({ "sort": [{ "fieldName": "startDate" }] }),
    ];
    for body in &bad {
        let reply = stack.post(QUERY, Some(&admin), body).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
    }
    assert_eq!(
        stack.stats().elevated_calls,
        calls_before,
        "bad queries never reach Wix"
    );
}

#[tokio::test]
async fn a_members_writes_over_several_instances_stop_at_the_shared_limit() {
    let stack = crate::harness::Stack::start_with(crate::harness::StackOptions {
        extra_env: vec![("MEMBER_WRITES_PER_HOUR".into(), "1".into())],
        ..crate::harness::StackOptions::instances(4)
    })
    .await;
    let mia = stack.member_token(&seed::MEMBER).await;
    // Slow Wix, so both requests are in flight together and land on different processes. The limit is
    // per member and per function: each function's counters live under its own key prefix.
    stack
        .sandbox
        .state
        .set_latency(std::time::Duration::from_millis(300));
    let cancel_lesson = json!({ "bookingId": seed::MIA_LESSON.id });
    let cancel_class = json!({ "bookingId": seed::MIA_CLASS.id });
    let (a, b) = tokio::join!(
        stack.post(CANCEL, Some(&mia), &cancel_lesson),
        stack.post(CANCEL, Some(&mia), &cancel_class),
    );
    stack.sandbox.state.set_latency(std::time::Duration::ZERO);
    let replies = [a, b];
    let done = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        done,
        1,
        "{:?}",
        replies.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    for refused in replies.iter().filter(|r| r.status != 200) {
        let problem = refused.problem(429);
        assert_eq!(
            problem["type"],
            "urn:wix-elevate:problem:budget-member-writes-per-hour"
        );
        assert!(refused.retry_after.is_some());
    }
    // More writes, a pair at a time, until a second process has answered; the shared limit refuses each.
    let (stack_ref, mia_ref, lesson, class) = (&stack, &mia, &cancel_lesson, &cancel_class);
    stack
        .until_two_instances_served(CANCEL, || async move {
            let (a, b) = tokio::join!(
                stack_ref.post(CANCEL, Some(mia_ref), lesson),
                stack_ref.post(CANCEL, Some(mia_ref), class),
            );
            for refused in [a, b] {
                let problem = refused.problem(429);
                assert_eq!(
                    problem["type"],
                    "urn:wix-elevate:problem:budget-member-writes-per-hour"
                );
            }
        })
        .await;
    assert_eq!(writes(&stack).len(), 1, "one write reached Wix");
}

/// The bookings Wix's reader answered with, over every read so far (before any function dropped one).
fn bookings_wix_answered(stack: &Stack) -> Vec<String> {
    stack
        .stats()
        .calls
        .iter()
        .filter(|c| c.path == READER_PATH)
        .filter_map(|c| c.answer.as_ref()?["extendedBookings"].as_array().cloned())
        .flatten()
        .filter_map(|b| b["booking"]["id"].as_str().map(str::to_owned))
        .collect()
}

/// Cancel and reschedule are both 403 `not-owner` for `token`, and `booking` is as it was.
async fn assert_not_theirs(stack: &Stack, token: &str, booking: &SeedBooking) {
    stack
        .post(CANCEL, Some(token), &json!({ "bookingId": booking.id }))
        .await
        .forbidden("not-owner");
    stack
        .post(RESCHEDULE, Some(token), &new_time(booking))
        .await
        .forbidden("not-owner");
    assert_untouched(stack, booking);
}

#[tokio::test]
async fn a_guest_booking_is_not_the_member_who_later_registers_with_its_email() {
    let stack = Stack::start().await;
    let admin = stack.member_token(&seed::ADMIN).await;
    // Someone registers with the email a visitor booked with (here an admin creates and approves the
    // member, as a site's sign-up would): Wix links them to the guest's contact.
    let created = stack
        .post(
            "create-member",
            Some(&admin),
            &json!({ "loginEmail": seed::NOOR_EMAIL }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let member_id = created.json()["id"].as_str().unwrap().to_owned();
    let approved = stack
        .post(
            "approve-member",
            Some(&admin),
            &json!({ "memberId": member_id }),
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(
        stack.sandbox.state.member(&member_id).unwrap().contact_id,
        seed::NOOR_CONTACT_ID,
        "the new member has the guest's contact"
    );
    let newcomer = stack.created_member_token(&member_id).await;

    let listed = stack.post(QUERY, Some(&newcomer), &json!({})).await;
    assert_eq!(booking_ids(&listed), Vec::<String>::new());
    assert_eq!(listed.json()["nextCursor"], Value::Null);
    assert_eq!(
        bookings_wix_answered(&stack),
        [seed::NOOR_GUEST_LESSON.id],
        "Wix found the guest's booking under the contact; the function dropped it"
    );
    assert_not_theirs(&stack, &newcomer, &seed::NOOR_GUEST_LESSON).await;
    assert!(writes(&stack).is_empty(), "no write reached Wix");

    // The guest's booking is still the site's to handle.
    let all = stack.post(QUERY, Some(&admin), &json!({})).await;
    assert!(booking_ids(&all).contains(&seed::NOOR_GUEST_LESSON.id.to_owned()));
    stack.assert_no_secret_leaked(&[&listed.body, &all.body]);
}

#[tokio::test]
async fn a_booking_another_member_made_for_my_contact_is_theirs_not_mine() {
    let stack = Stack::start().await;
    // Sam booked the wheel lesson for Mia (with her email, so under her contact).
    stack.sandbox.state.set_booking_creator(
        seed::MIA_LESSON.id,
        CreatedBy::Member(seed::SECOND_MEMBER.id),
    );
    let mia = stack.member_token(&seed::MEMBER).await;
    let mine = stack.post(QUERY, Some(&mia), &json!({})).await;
    assert_eq!(
        sorted(booking_ids(&mine)),
        ids_of(&[&seed::MIA_CLASS, &seed::MIA_CANCELED]),
        "the lesson Sam made is not listed for Mia"
    );
    assert!(bookings_wix_answered(&stack).contains(&seed::MIA_LESSON.id.to_owned()));
    assert_not_theirs(&stack, &mia, &seed::MIA_LESSON).await;
    assert!(writes(&stack).is_empty(), "no write reached Wix");

    let sam = stack.member_token(&seed::SECOND_MEMBER).await;
    let canceled = stack
        .post(
            CANCEL,
            Some(&sam),
            &json!({ "bookingId": seed::MIA_LESSON.id }),
        )
        .await;
    assert_eq!(
        canceled.status, 200,
        "the member who made it may: {}",
        canceled.body
    );
    assert_eq!(
        status_and_revision(&stack, &seed::MIA_LESSON),
        ("CANCELED".into(), seed::MIA_LESSON.revision + 1)
    );
}

#[tokio::test]
async fn a_booking_the_studio_or_an_app_made_for_a_members_contact_is_that_members() {
    let stack = Stack::start().await;
    // The studio booked Mia's glazing seat from the dashboard (seeded so); an app booked her lesson.
    stack.sandbox.state.set_booking_creator(
        seed::MIA_LESSON.id,
        CreatedBy::App("13d21c63-b5ec-5912-8397-c3a5ddb27a97"),
    );
    let mia = stack.member_token(&seed::MEMBER).await;
    let mine = stack.post(QUERY, Some(&mia), &json!({})).await;
    assert_eq!(
        sorted(booking_ids(&mine)),
        ids_of(&[&seed::MIA_LESSON, &seed::MIA_CLASS, &seed::MIA_CANCELED])
    );
    assert_no_contact_details(&mine.body);

    // Not Sam's: their contact is Mia's.
    let sam = stack.member_token(&seed::SECOND_MEMBER).await;
    assert_not_theirs(&stack, &sam, &seed::MIA_CLASS).await;
    assert_not_theirs(&stack, &sam, &seed::MIA_LESSON).await;
    assert!(writes(&stack).is_empty());

    let moved = stack
        .post(
            RESCHEDULE,
            Some(&mia),
            &json!({ "bookingId": seed::MIA_CLASS.id, "eventId": seed::GLAZING_SESSION_2.id }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let canceled = stack
        .post(
            CANCEL,
            Some(&mia),
            &json!({ "bookingId": seed::MIA_LESSON.id }),
        )
        .await;
    assert_eq!(canceled.status, 200, "{}", canceled.body);
    assert_eq!(
        stack
            .sandbox
            .state
            .booking(seed::MIA_CLASS.id)
            .unwrap()
            .event_id
            .as_deref(),
        Some(seed::GLAZING_SESSION_2.id)
    );
    assert_eq!(status_and_revision(&stack, &seed::MIA_LESSON).0, "CANCELED");
    assert_eq!(writes(&stack).len(), 2);
}
