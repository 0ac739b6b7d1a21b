//! The bookings area over real HTTP: reader filters and paging, writer revisions and statuses.

use serde_json::{Value, json};

use crate::Sandbox;
use crate::seed::{self, SeedBooking};
use crate::tests::{Reply, application_code, member_token, mint_admin, post_json, spawn};

const QUERY: &str = "/_api/bookings-reader/v2/extended-bookings/query";

async fn query(sb: &Sandbox, token: &str, body: Value) -> Reply {
    post_json(sb, QUERY, &[("Authorization", token)], body).await
}

async fn write(
    sb: &Sandbox,
    token: &str,
    booking: &SeedBooking,
    action: &str,
    body: Value,
) -> Reply {
    let path = format!("/_api/bookings-service/v2/bookings/{}/{action}", booking.id);
    post_json(sb, &path, &[("Authorization", token)], body).await
}

fn ids(reply: &Reply) -> Vec<String> {
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["extendedBookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["booking"]["id"].as_str().unwrap().to_owned())
        .collect()
}

fn filtered(filter: Value) -> Value {
    json!({ "query": { "filter": filter } })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reader_filters_on_documented_fields_and_returns_wix_shapes() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;

    let all = query(&sb, &admin, json!({ "withBookingAllowedActions": true })).await;
    let body = all.json();
    let mut expected: Vec<&str> = seed::BOOKINGS.iter().map(|b| b.id).collect();
    expected.sort();
    assert_eq!(ids(&all), expected, "default sort is id ASC");
    assert_eq!(
        body["pagingMetadata"],
        json!({ "count": seed::BOOKINGS.len(), "cursors": {} })
    );
    let first = &body["extendedBookings"][0];
    assert_eq!(first["booking"]["revision"], "4", "revisions are strings");
    assert_eq!(
        first["booking"]["contactDetails"]["contactId"],
        seed::GUEST_CONTACT_ID
    );
    assert_eq!(
        first["booking"]["bookedEntity"]["title"],
        seed::WHEEL_LESSON.name
    );
    assert_eq!(
        first["booking"]["bookedEntity"]["slot"]["timezone"],
        "Europe/Lisbon"
    );
    assert_eq!(first["allowedActions"]["cancel"], true);

    let mia = filtered(json!({ "contactDetails.contactId": { "$eq": seed::MEMBER.contact_id } }));
    let mut mine = ids(&query(&sb, &admin, mia).await);
    mine.sort();
    let mut want = vec![
        seed::MIA_LESSON.id,
        seed::MIA_CLASS.id,
        seed::MIA_CANCELED.id,
    ];
    want.sort();
    assert_eq!(mine, want);

    let cases = [
        (
            json!({ "id": seed::SAM_LESSON.id }),
            vec![seed::SAM_LESSON.id],
        ),
        (
            json!({ "status": { "$in": ["PENDING", "CANCELED"] } }),
            vec![seed::MIA_CANCELED.id, seed::SAM_PENDING.id],
        ),
        (
            json!({ "status": { "$ne": "CONFIRMED" } }),
            vec![seed::MIA_CANCELED.id, seed::SAM_PENDING.id],
        ),
        (
            json!({ "startDate": { "$gte": "2027-01-13T10:00:00Z", "$lt": "2027-01-15T09:00:00.000Z" } }),
            vec![
                seed::SAM_LESSON.id,
                seed::SAM_PENDING.id,
                seed::MIA_CLASS.id,
            ],
        ),
        (
            json!({ "$and": [ { "bookedEntity.item.slot.serviceId": { "$eq": seed::GLAZING_CLASS.id } }, { "contactDetails.contactId": seed::SECOND_MEMBER.contact_id } ] }),
            vec![seed::SAM_PENDING.id],
        ),
    ];
    for (filter, want) in cases {
        let reply = query(&sb, &admin, filtered(filter.clone())).await;
        assert_eq!(ids(&reply), want, "{filter}");
    }

    for bad in [
        json!({ "contactDetails.email": seed::MEMBER.login_email }),
        json!({ "status": { "$regex": ".*" } }),
        json!({ "status": { "$gt": "A" } }),
        json!({ "startDate": { "$gte": "next week" } }),
        json!({ "status": { "$in": [] } }),
        json!(["status"]),
    ] {
        let reply = query(&sb, &admin, filtered(bad.clone())).await;
        assert_eq!(reply.status, 400, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_reader_sorts_and_pages_with_cursors_up_to_100() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let first = query(
        &sb,
        &admin,
        json!({ "query": { "sort": [{ "fieldName": "startDate", "order": "DESC" }], "cursorPaging": { "limit": 4 } } }),
    )
    .await;
    let mut seen = ids(&first);
    assert_eq!(seen[0], seed::GUEST_LESSON.id, "latest start first");
    let meta = &first.json()["pagingMetadata"];
    assert_eq!(meta["count"], 4);
    assert!(
        meta.get("hasNext").is_none(),
        "Wix's PagingMetadataV2 has no hasNext: {meta}"
    );
    let cursor = meta["cursors"]["next"].as_str().unwrap().to_owned();

    let with_filter = json!({ "query": { "filter": { "status": "CONFIRMED" }, "cursorPaging": { "cursor": cursor } } });
    assert_eq!(
        query(&sb, &admin, with_filter).await.status,
        400,
        "a cursor carries its own query"
    );

    let second = query(
        &sb,
        &admin,
        json!({ "query": { "cursorPaging": { "cursor": cursor, "limit": 4 } } }),
    )
    .await;
    seen.extend(ids(&second));
    assert_eq!(
        second.json()["pagingMetadata"],
        json!({ "count": seed::BOOKINGS.len() - 4, "cursors": {} }),
        "the last page has no next cursor"
    );
    assert_eq!(seen.len(), seed::BOOKINGS.len());
    assert_eq!(
        seen.last().unwrap(),
        seed::MIA_CANCELED.id,
        "earliest start last"
    );

    for bad in [
        json!({ "query": { "cursorPaging": { "limit": 101 } } }),
        json!({ "query": { "cursorPaging": { "cursor": "not-a-cursor" } } }),
        json!({ "query": { "sort": [{ "fieldName": "contactDetails.email" }] } }),
    ] {
        assert_eq!(query(&sb, &admin, bad.clone()).await.status, 400, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_need_the_current_revision_and_a_status_that_allows_them() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;

    let stale = write(
        &sb,
        &admin,
        &seed::SAM_PENDING,
        "confirm",
        json!({ "revision": "0" }),
    )
    .await;
    assert_eq!(
        (stale.status, application_code(&stale).as_str()),
        (409, "REVISION_MISMATCH")
    );
    let missing = write(&sb, &admin, &seed::SAM_PENDING, "confirm", json!({})).await;
    assert_eq!(missing.status, 400);
    assert_eq!(
        sb.state.booking(seed::SAM_PENDING.id).unwrap().revision,
        1,
        "failed writes change nothing"
    );

    let confirmed = write(
        &sb,
        &admin,
        &seed::SAM_PENDING,
        "confirm",
        json!({ "revision": "1", "participantNotification": { "notifyParticipants": true, "message": "See you" } }),
    )
    .await;
    assert_eq!(confirmed.status, 200);
    let booking = &confirmed.json()["booking"];
    assert_eq!(
        (booking["status"].as_str(), booking["revision"].as_str()),
        (Some("CONFIRMED"), Some("2"))
    );
    let now = sb.state.booking(seed::SAM_PENDING.id).unwrap();
    assert_eq!((now.status.as_str(), now.revision), ("CONFIRMED", 2));
    assert_eq!(now.notifications.len(), 1);
    assert_eq!(now.notifications[0].message.as_deref(), Some("See you"));

    let again = write(
        &sb,
        &admin,
        &seed::SAM_PENDING,
        "confirm",
        json!({ "revision": "2" }),
    )
    .await;
    assert_eq!(
        again.status, 428,
        "only PENDING, CREATED or WAITING_LIST can be confirmed"
    );
    let canceled = write(
        &sb,
        &admin,
        &seed::MIA_CANCELED,
        "cancel",
        json!({ "revision": "3" }),
    )
    .await;
    assert_eq!(
        canceled.status, 428,
        "a canceled booking cannot be canceled again"
    );

    let cancel = write(
        &sb,
        &admin,
        &seed::MIA_LESSON,
        "cancel",
        json!({ "revision": "2" }),
    )
    .await;
    assert_eq!(cancel.status, 200);
    let now = sb.state.booking(seed::MIA_LESSON.id).unwrap();
    assert_eq!((now.status.as_str(), now.revision), ("CANCELED", 3));
    assert!(
        now.notifications.is_empty(),
        "nobody asked for a notification"
    );

    let unknown = post_json(
        &sb,
        "/bookings/v2/bookings/00000000-0000-4000-8000-000000000000/cancel",
        &[("Authorization", &admin)],
        json!({ "revision": "1" }),
    )
    .await;
    assert_eq!(
        (unknown.status, application_code(&unknown).as_str()),
        (404, "BOOKING_NOT_FOUND")
    );

    let member = member_token(&sb, &seed::MEMBER).await;
    let as_member = write(
        &sb,
        &member,
        &seed::MIA_CLASS,
        "cancel",
        json!({ "revision": "1" }),
    )
    .await;
    assert_eq!(as_member.status, 403, "the writer API needs an admin token");
}

#[tokio::test(flavor = "multi_thread")]
async fn reschedule_moves_a_class_to_another_session_and_an_appointment_to_a_new_time() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;

    let moved = write(
        &sb,
        &admin,
        &seed::MIA_CLASS,
        "reschedule",
        json!({ "revision": "1", "slot": { "eventId": seed::GLAZING_SESSION_2.id } }),
    )
    .await;
    assert_eq!(moved.status, 200);
    let slot = &moved.json()["booking"]["bookedEntity"]["slot"];
    assert_eq!(slot["eventId"], seed::GLAZING_SESSION_2.id);
    let now = sb.state.booking(seed::MIA_CLASS.id).unwrap();
    assert_eq!(now.event_id.as_deref(), Some(seed::GLAZING_SESSION_2.id));
    assert_eq!(now.start_date, "2027-01-21T18:00:00Z");

    let slot = |start: &str, end: &str| {
        json!({ "revision": "2", "slot": {
            "serviceId": seed::WHEEL_LESSON.id, "scheduleId": seed::WHEEL_LESSON.schedule_id,
            "startDate": start, "endDate": end, "timezone": "Europe/Paris" } })
    };
    let backwards = write(
        &sb,
        &admin,
        &seed::MIA_LESSON,
        "reschedule",
        slot("2027-02-01T11:00:00Z", "2027-02-01T10:00:00Z"),
    )
    .await;
    assert_eq!(backwards.status, 400);
    let to_session = json!({ "revision": "2", "slot": { "eventId": seed::GLAZING_SESSION_2.id } });
    assert_eq!(
        write(&sb, &admin, &seed::MIA_LESSON, "reschedule", to_session)
            .await
            .status,
        400
    );

    let later = write(
        &sb,
        &admin,
        &seed::MIA_LESSON,
        "reschedule",
        slot("2027-02-01T11:00:00+01:00", "2027-02-01T12:00:00+01:00"),
    )
    .await;
    assert_eq!(
        later.status,
        200,
        "{}",
        String::from_utf8_lossy(&later.body)
    );
    let now = sb.state.booking(seed::MIA_LESSON.id).unwrap();
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
            "Europe/Paris",
            3
        )
    );
    assert_ne!(
        now.event_id.as_deref(),
        seed::MIA_LESSON.event_id,
        "a moved appointment is a new calendar event"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_booking_names_who_made_it_in_created_by_as_wix_does() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let all = query(&sb, &admin, json!({})).await.json();
    let items = all["extendedBookings"].as_array().unwrap();
    assert_eq!(items.len(), seed::BOOKINGS.len());
    for item in items {
        let booking = &item["booking"];
        let seeded = seed::BOOKINGS
            .iter()
            .find(|b| booking["id"] == b.id)
            .unwrap();
        assert_eq!(
            booking["createdBy"],
            seeded.created_by.to_wix(),
            "{booking}"
        );
        let ids = booking["createdBy"].as_object().unwrap();
        assert_eq!(ids.len(), 1, "one of Wix's ids: {booking}");
    }
    let by_id = |id: &str| {
        items
            .iter()
            .find(|i| i["booking"]["id"] == id)
            .map(|i| i["booking"]["createdBy"].clone())
            .unwrap()
    };
    assert_eq!(
        by_id(seed::MIA_LESSON.id),
        json!({ "memberId": seed::MEMBER.id })
    );
    assert_eq!(
        by_id(seed::MIA_CLASS.id),
        json!({ "wixUserId": seed::STUDIO_WIX_USER_ID })
    );
    assert_eq!(
        by_id(seed::NOOR_GUEST_LESSON.id),
        json!({ "anonymousVisitorId": seed::NOOR_VISITOR_ID })
    );
    let canceled = write(
        &sb,
        &admin,
        &seed::NOOR_GUEST_LESSON,
        "cancel",
        json!({ "revision": seed::NOOR_GUEST_LESSON.revision.to_string() }),
    )
    .await;
    assert_eq!(
        canceled.json()["booking"]["createdBy"],
        json!({ "anonymousVisitorId": seed::NOOR_VISITOR_ID }),
        "the writer answers with it too, unchanged"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn booked_slots_carry_event_id_and_never_the_deprecated_session_id() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let all = query(&sb, &admin, json!({})).await.json();
    for item in all["extendedBookings"].as_array().unwrap() {
        let booking = &item["booking"];
        let seeded = seed::BOOKINGS
            .iter()
            .find(|b| booking["id"] == b.id)
            .unwrap();
        let slot = &booking["bookedEntity"]["slot"];
        assert!(slot.get("sessionId").is_none(), "{slot}");
        assert_eq!(slot["eventId"].as_str(), seeded.event_id, "{slot}");
    }
    let class = sb.state.booking(seed::MIA_CLASS.id).unwrap();
    assert_eq!(class.event_id.as_deref(), Some(seed::GLAZING_SESSION_1.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_class_moves_by_event_id_which_wins_over_the_deprecated_session_id() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    // V2Slot: "if both sessionId and eventId are provided, the sessionId will be based on the eventId".
    let both = json!({ "revision": "1", "slot": {
        "eventId": seed::GLAZING_SESSION_2.id, "sessionId": seed::GLAZING_SESSION_1.id } });
    let moved = write(&sb, &admin, &seed::MIA_CLASS, "reschedule", both).await;
    assert_eq!(moved.status, 200);
    let now = sb.state.booking(seed::MIA_CLASS.id).unwrap();
    assert_eq!(now.event_id.as_deref(), Some(seed::GLAZING_SESSION_2.id));

    let unknown = json!({ "revision": "2", "slot": { "eventId": seed::GLAZING_SESSION_2.id.replace('0', "1") } });
    let reply = write(&sb, &admin, &seed::MIA_CLASS, "reschedule", unknown).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json()["details"]["validationError"]["fieldViolations"][0]["field"],
        "slot.eventId"
    );

    // The deprecated field is still taken alone, as V2Slot still has it.
    let old = json!({ "revision": "2", "slot": { "sessionId": seed::GLAZING_SESSION_1.id } });
    assert_eq!(
        write(&sb, &admin, &seed::MIA_CLASS, "reschedule", old)
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_answer_under_both_wix_prefixes() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let auth = [("Authorization", admin.as_str())];
    for (prefix, revision) in [
        ("/_api/bookings-service/v2/bookings", "1"),
        ("/bookings/v2/bookings", "2"),
    ] {
        let path = format!("{prefix}/{}/reschedule", seed::MIA_CLASS.id);
        let body =
            json!({ "revision": revision, "slot": { "eventId": seed::GLAZING_SESSION_2.id } });
        let reply = post_json(&sb, &path, &auth, body).await;
        assert_eq!(reply.status, 200, "{prefix}");
    }
    assert_eq!(sb.state.booking(seed::MIA_CLASS.id).unwrap().revision, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_booking_changed_by_someone_else_after_a_read_has_a_new_revision() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    sb.state.change_booking_after_reads(seed::SAM_LESSON.id, 1);
    let read = query(&sb, &admin, filtered(json!({ "id": seed::SAM_LESSON.id }))).await;
    assert_eq!(
        read.json()["extendedBookings"][0]["booking"]["revision"],
        "1",
        "the reader saw revision 1"
    );
    let stale = write(
        &sb,
        &admin,
        &seed::SAM_LESSON,
        "cancel",
        json!({ "revision": "1" }),
    )
    .await;
    assert_eq!(stale.status, 409);
    let read = query(&sb, &admin, filtered(json!({ "id": seed::SAM_LESSON.id }))).await;
    assert_eq!(
        read.json()["extendedBookings"][0]["booking"]["revision"],
        "2"
    );
    let fresh = write(
        &sb,
        &admin,
        &seed::SAM_LESSON,
        "cancel",
        json!({ "revision": "2" }),
    )
    .await;
    assert_eq!(fresh.status, 200, "the change happened once");
}
