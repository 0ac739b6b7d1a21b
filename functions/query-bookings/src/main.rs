//! `POST /` `{"filter"?: {"status"?, "startFrom"?, "startBefore"?, "serviceId"?}, "limit"?}` or
//! `{"cursor", "limit"?}` — bookings sorted by start: every booking for an admin, only their own for a
//! member.
//!
//! A member's query is limited to their own Wix contact here, server-side, whatever they send; each
//! answer is then checked against the ownership rule ([`wix_elevate::ownership`]): a booking under the
//! member's contact that an anonymous visitor or another member made is dropped, and so is anything a
//! cursor from elsewhere brings. Filters are only the fields above, translated into Wix's filter language
//! by us. At most 100 per page (default 50).
//!
//! Paging: the limit goes to Wix and the dropping happens after, so a member's page may hold fewer
//! bookings than the limit, even none, while `nextCursor` is still there. The end of the list is a
//! missing `nextCursor`, never a short page. (Wix's reader is not asked to filter on `createdBy`: the
//! SDK's query spec names no filter fields, so nothing says it would; the rule is applied here.)

use wix_elevate::bookings::BookingView;
use wix_elevate::prelude::*;
use wix_elevate::wix::bookings::{BookingFilter, BookingPageRequest, BookingStatus};

pub struct QueryBookings;

#[derive(Deserialize)]
#[serde(try_from = "RawQueryRequest")]
pub struct QueryRequest {
    page: BookingPageRequest,
}

wix_elevate::schema_via!(QueryRequest => RawQueryRequest as "BookingQuery", {
    "description": "Every part optional. A `cursor` continues the list it came from and takes no `filter`.",
    "dependentSchemas": {"cursor": {"properties": {"filter": false}}}
});

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawQueryRequest {
    filter: Option<Filter>,
    limit: Option<PageLimit>,
    cursor: Option<Cursor>,
}

#[derive(Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(rename = "BookingFilter")]
pub struct Filter {
    /// Any of these statuses (a repeat is ignored; an empty list means any status).
    #[serde(default)]
    status: Vec<BookingStatus>,
    /// Starts at or after this instant.
    start_from: Option<Timestamp>,
    /// Starts before this instant (after `startFrom`).
    start_before: Option<Timestamp>,
    service_id: Option<WixId>,
}

impl TryFrom<RawQueryRequest> for QueryRequest {
    type Error = &'static str;
    fn try_from(raw: RawQueryRequest) -> Result<Self, Self::Error> {
        let limit = raw.limit.unwrap_or_default();
        let page = match (raw.cursor, raw.filter) {
            (Some(_), Some(_)) => {
                return Err("a cursor carries its query: send a cursor or a filter");
            }
            (Some(cursor), None) => BookingPageRequest::Next { cursor, limit },
            (None, filter) => {
                let filter = filter.unwrap_or_default();
                if let (Some(from), Some(before)) = (filter.start_from, filter.start_before)
                    && before <= from
                {
                    return Err("filter.startBefore must be after filter.startFrom");
                }
                let mut statuses = filter.status;
                statuses.sort_by_key(|s| s.as_str());
                statuses.dedup();
                let filter = BookingFilter {
                    statuses,
                    start_from: filter.start_from,
                    start_before: filter.start_before,
                    service_id: filter.service_id,
                    ..Default::default()
                };
                BookingPageRequest::First { filter, limit }
            }
        };
        Ok(QueryRequest { page })
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingList {
    bookings: Vec<BookingView>,
    /// Send it back as `cursor` for the next page; absent on the last page.
    next_cursor: Option<String>,
}

impl Endpoint for QueryBookings {
    const NAME: &'static str = "query-bookings";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Bookings,
        summary: "List bookings, sorted by start",
        description: "Who may call: an admin (every booking), or a member (the bookings of their own Wix \
            contact, limited server-side, that are theirs by who made them, as for \
            cancel-booking: a guest's or another member's booking under their contact is dropped \
            from the answer, absent, not refused). The dropping follows Wix's paging, so a \
            member's page may be shorter than `limit`, even empty, with a `nextCursor`: the list \
            ends when `nextCursor` is absent. The first page takes a `filter`; later pages only \
            the `cursor` of the previous answer (a cursor together with a filter is a 400).",
        answer: "One page of bookings.",
        examples: &[
            Example {
                name: "firstPage",
                summary: "The first page of a filtered list",
                body: r#"{"filter": {"status": ["CONFIRMED", "PENDING"], "startFrom": "2027-01-01T00:00:00Z", "startBefore": "2028-01-01T00:00:00Z", "serviceId": "4bce6c21-7d8f-4a2f-a4c2-ec4b937a9aa7"}, "limit": 10}"#,
            },
            Example {
                name: "nextPage",
                summary: "The next page, with the cursor of the previous answer",
                body: r#"{"cursor": "eyJzdGFydCI6IjIwMjctMDEtMTIifQ", "limit": 10}"#,
            },
        ],
        errors: &[],
    };
    type Policy = AdminOrOwner;
    type Input = Json<QueryRequest>;
    type Output = BookingList;

    async fn call(
        wix: &Wix,
        scope: OwnerScope,
        Json(QueryRequest { mut page }): Json<QueryRequest>,
    ) -> Result<BookingList, ApiError> {
        let reach = Reach::with_contact(wix, &scope).await?;
        if let Reach::Member { contact_id, .. } = &reach {
            // A member's query is limited to their own contact; without one, no booking is theirs.
            let Some(contact) = contact_id else {
                return Ok(BookingList {
                    bookings: Vec::new(),
                    next_cursor: None,
                });
            };
            if let BookingPageRequest::First { filter, .. } = &mut page {
                filter.contact_id = Some(*contact);
            }
        }
        let found = wix.query_bookings(&page).await?;
        // Dropped after Wix paged: a page may come back short or empty with a next cursor still set.
        Ok(BookingList {
            bookings: found
                .bookings
                .into_iter()
                .filter(|b| reach.covers(b))
                .map(BookingView::from)
                .collect(),
            next_cursor: found.next_cursor,
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<QueryBookings>().await
}
