//! Orders as callers see them: the allowlisted search (a member's forced to their own orders, and every
//! order on a page checked again), cancel options and fulfillment lines, and Wix's refusals in our words.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ownership::Reach;
use crate::values::{Count, Cursor, HttpsUrl, List, PageLimit, SortOrder, Text, Timestamp};
use crate::wix::filter::Filter;
use crate::wix::orders::{
    FulfillmentLine, FulfillmentStatus, OrderPage, OrderSearch, OrderStatus, PaymentStatus,
    Tracking,
};
use crate::{ApiError, Wix, WixError, WixId};

/// The filters a caller may set; each becomes one condition on one fixed Wix field.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OrderFilter {
    #[serde(default)]
    pub status: Option<List<OrderStatus, 4>>,
    #[serde(default)]
    pub payment_status: Option<List<PaymentStatus, 9>>,
    #[serde(default)]
    pub fulfillment_status: Option<List<FulfillmentStatus, 3>>,
    /// Created at or after.
    #[serde(default)]
    pub created_from: Option<Timestamp>,
    /// Created before.
    #[serde(default)]
    pub created_before: Option<Timestamp>,
}

impl OrderFilter {
    fn is_empty(&self) -> bool {
        self == &OrderFilter::default()
    }

    /// The Wix filter for these conditions (the buyer condition is added separately).
    pub fn to_filter(&self) -> Filter {
        Filter::new()
            .one_of("status", listed(&self.status))
            .one_of("paymentStatus", listed(&self.payment_status))
            .one_of("fulfillmentStatus", listed(&self.fulfillment_status))
            .range(
                "createdDate",
                self.created_from.as_ref(),
                self.created_before.as_ref(),
            )
    }
}

fn listed<T, const MAX: usize>(list: &Option<List<T, MAX>>) -> &[T] {
    list.as_ref().map_or(&[], List::as_slice)
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct OrderQueryRequest {
    #[serde(default)]
    filter: Option<OrderFilter>,
    #[serde(default)]
    sort: Option<SortOrder>,
    #[serde(default)]
    limit: Option<PageLimit>,
    #[serde(default)]
    cursor: Option<Cursor>,
}

crate::schema_via!(OrderQuery => OrderQueryRequest, {
    "description": "Every part optional. A `cursor` continues the search it came from and takes no `filter` or `sort`.",
    "dependentSchemas": {"cursor": {"properties": {"sort": false, "filter": {"maxProperties": 0}}}}
});

/// What a caller sends to search orders: allowlisted filters, sort by creation date, a page size, or a
/// cursor from a previous page (which carries that page's filter and sort, so it takes neither).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "OrderQueryRequest")]
pub struct OrderQuery {
    pub filter: OrderFilter,
    pub sort: SortOrder,
    pub limit: PageLimit,
    pub cursor: Option<Cursor>,
}

impl TryFrom<OrderQueryRequest> for OrderQuery {
    type Error = &'static str;
    fn try_from(request: OrderQueryRequest) -> Result<Self, Self::Error> {
        let filter = request.filter.unwrap_or_default();
        if request.cursor.is_some() && (!filter.is_empty() || request.sort.is_some()) {
            return Err("a cursor continues its own search: send it without filter or sort");
        }
        if let (Some(from), Some(before)) = (&filter.created_from, &filter.created_before)
            && from >= before
        {
            return Err("createdFrom must be before createdBefore");
        }
        Ok(OrderQuery {
            filter,
            sort: request.sort.unwrap_or_default(),
            limit: request.limit.unwrap_or_default(),
            cursor: request.cursor,
        })
    }
}

/// Why a member's search was refused after Wix answered.
#[derive(Debug)]
pub enum SearchError {
    /// The cursor led to orders of other buyers: it was not from this member's own search.
    ForeignCursor,
    Wix(WixError),
}

impl From<WixError> for SearchError {
    fn from(error: WixError) -> Self {
        SearchError::Wix(error)
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::ForeignCursor => {
                ApiError::bad_request("the cursor does not continue a search of your orders")
            }
            SearchError::Wix(e) if e.status() == Some(400) => {
                ApiError::bad_request("Wix refused the search (an expired or invalid cursor?)")
            }
            SearchError::Wix(e) => e.into(),
        }
    }
}

/// The Wix search for `query`. With a cursor only the paging goes out: the cursor carries its search.
/// Otherwise the caller's conditions, ANDed with the buyer condition for a member.
pub fn search_for(query: &OrderQuery, reach: &Reach) -> OrderSearch {
    if let Some(cursor) = &query.cursor {
        return OrderSearch::Next {
            cursor: cursor.clone(),
            limit: query.limit,
        };
    }
    let mut filter = query.filter.to_filter();
    if let Some(member) = reach.member() {
        filter = filter.and(Filter::new().eq("buyerInfo.memberId", member));
    }
    OrderSearch::First {
        filter,
        sort: query.sort,
        limit: query.limit,
    }
}

/// One page of the orders `reach` covers. When the page continues from a cursor, Wix applies the
/// cursor's own search, so each order is checked as well and a page holding anyone else's order is
/// refused whole.
pub async fn search(wix: &Wix, query: &OrderQuery, reach: &Reach) -> Result<OrderPage, ApiError> {
    let page = wix
        .search_orders(&search_for(query, reach))
        .await
        .map_err(SearchError::Wix)?;
    if !page.orders.iter().all(|o| reach.covers(o)) {
        tracing::warn!(member_id = ?reach.member(), "a member's search returned other buyers' orders; refused");
        return Err(SearchError::ForeignCursor.into());
    }
    Ok(page)
}

/// A Wix answer about one order: 404 is "no such order", 428 (and 409) "not in a state for this".
pub fn order_error(error: WixError, refused: &'static str) -> ApiError {
    match error.status() {
        Some(404) => ApiError::NotFound("no such order"),
        Some(409 | 428) => ApiError::Conflict(refused.into()),
        Some(400) => ApiError::bad_request(refused),
        _ => error.into(),
    }
}

/// One line item of a fulfillment, as callers send it and as Wix takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FulfilledLine {
    pub id: WixId,
    pub quantity: Count<1, 100_000>,
}

/// The line items of one fulfillment: 1 to 100, each line item named once.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "List<FulfilledLine, 100>")]
pub struct FulfillmentLines(List<FulfilledLine, 100>);

crate::schema_via!(inline FulfillmentLines => List<FulfilledLine, 100>);

impl TryFrom<List<FulfilledLine, 100>> for FulfillmentLines {
    type Error = &'static str;
    fn try_from(lines: List<FulfilledLine, 100>) -> Result<Self, Self::Error> {
        let ids: Vec<&WixId> = lines.iter().map(|l| &l.id).collect();
        if ids.iter().enumerate().any(|(i, id)| ids[..i].contains(id)) {
            return Err("name each line item once");
        }
        Ok(FulfillmentLines(lines))
    }
}

impl FulfillmentLines {
    pub fn as_slice(&self) -> &[FulfilledLine] {
        self.0.as_slice()
    }
}

/// Tracking details of a fulfillment, as callers send them and as Wix takes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TrackingInfo {
    pub tracking_number: Text<100>,
    pub shipping_provider: Text<100>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_link: Option<HttpsUrl>,
}

impl FulfilledLine {
    fn to_wire(self) -> FulfillmentLine {
        FulfillmentLine {
            id: self.id,
            quantity: self.quantity.get(),
        }
    }
}

impl TrackingInfo {
    fn to_wire(&self) -> Tracking<'_> {
        Tracking {
            tracking_number: self.tracking_number.as_str(),
            shipping_provider: self.shipping_provider.as_str(),
            tracking_link: self.tracking_link.as_ref().map(HttpsUrl::as_str),
        }
    }
}

/// Create a fulfillment for some line items; returns the fulfillment id.
pub async fn fulfil(
    wix: &Wix,
    order_id: &WixId,
    lines: &FulfillmentLines,
    tracking: Option<&TrackingInfo>,
) -> Result<Option<String>, ApiError> {
    let wire: Vec<FulfillmentLine> = lines.as_slice().iter().map(|l| l.to_wire()).collect();
    let tracking = tracking.map(TrackingInfo::to_wire);
    wix.create_fulfillment(order_id, &wire, tracking.as_ref())
        .await
        .map_err(|e| {
            order_error(
                e,
                "the order cannot be fulfilled like this (canceled, or more than is left to fulfil)",
            )
        })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::ownership::OwnerScope;
    use crate::policy::AdminGrant;

    const MIA: &str = "cf604682-755c-4070-9507-0d99c9702925";

    fn query(json: Value) -> Result<OrderQuery, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    #[test]
    fn allowlisted_filters_become_one_wix_filter_anded_with_the_buyer() {
        let q = query(json!({
            "filter": { "status": ["APPROVED"], "paymentStatus": ["PAID", "PARTIALLY_REFUNDED"],
                        "createdFrom": "2026-03-01T00:00:00Z", "createdBefore": "2026-04-01T00:00:00+02:00" },
            "sort": "ASC", "limit": 10
        }))
        .unwrap();
        let member = Reach::of(&OwnerScope::Member(WixId::parse(MIA).unwrap()));
        assert_eq!(
            search_for(&q, &member).to_wix(),
            json!({ "search": {
                "filter": { "$and": [
                    { "status": { "$in": ["APPROVED"] } },
                    { "paymentStatus": { "$in": ["PAID", "PARTIALLY_REFUNDED"] } },
                    { "createdDate": { "$gte": "2026-03-01T00:00:00.000Z", "$lt": "2026-03-31T22:00:00.000Z" } },
                    { "buyerInfo.memberId": { "$eq": MIA } }
                ] },
                "sort": [{ "fieldName": "createdDate", "order": "ASC" }],
                "cursorPaging": { "limit": 10 }
            } })
        );
        let every = Reach::of(&OwnerScope::Admin(AdminGrant::Member(
            WixId::parse(MIA).unwrap(),
        )));
        let admin = search_for(&query(json!({})).unwrap(), &every).to_wix();
        assert_eq!(admin["search"]["filter"], json!({}));
        assert_eq!(admin["search"]["sort"][0]["order"], "DESC");
        assert_eq!(admin["search"]["cursorPaging"]["limit"], 50);
    }

    #[test]
    fn nothing_in_a_request_can_name_another_field_or_operator() {
        for bad in [
            json!({ "filter": { "buyerInfo.memberId": MIA } }),
            json!({ "filter": { "buyerInfo": { "memberId": MIA } } }),
            json!({ "filter": { "$or": [{ "status": ["APPROVED"] }] } }),
            json!({ "filter": { "status": { "$ne": "APPROVED" } } }),
            json!({ "filter": { "status": ["INITIALIZED"] } }),
            json!({ "filter": { "status": [] } }),
            json!({ "filter": { "createdFrom": "last week" } }),
            json!({ "filter": { "createdFrom": "2026-03-02T00:00:00Z", "createdBefore": "2026-03-01T00:00:00Z" } }),
            json!({ "limit": 101 }),
            json!({ "limit": 0 }),
            json!({ "sort": "createdDate" }),
            json!({ "cursor": "abc", "filter": { "status": ["APPROVED"] } }),
            json!({ "cursor": "abc", "sort": "ASC" }),
            json!({ "memberId": MIA }),
        ] {
            assert!(query(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_cursor_page_sends_only_the_paging() {
        let q = query(json!({ "cursor": "sbx-cursor-1", "limit": 5 })).unwrap();
        let member = Reach::of(&OwnerScope::Member(WixId::parse(MIA).unwrap()));
        assert_eq!(
            search_for(&q, &member).to_wix(),
            json!({ "search": { "cursorPaging": { "limit": 5, "cursor": "sbx-cursor-1" } } })
        );
    }

    #[test]
    fn fulfillments_take_typed_lines_and_tracking() {
        let tracking: TrackingInfo = serde_json::from_value(json!({
            "trackingNumber": "TN-1", "shippingProvider": "CTT", "trackingLink": "https://track.example.com/TN-1"
        }))
        .unwrap();
        let line: FulfilledLine =
            serde_json::from_value(json!({ "id": MIA, "quantity": 2 })).unwrap();
        let body = json!({ "fulfillment": {
            "lineItems": [line.to_wire()], "trackingInfo": tracking.to_wire()
        } });
        assert_eq!(
            body["fulfillment"]["lineItems"][0],
            json!({ "id": MIA, "quantity": 2 })
        );
        assert_eq!(
            body["fulfillment"]["trackingInfo"]["trackingLink"],
            "https://track.example.com/TN-1"
        );
        for bad in [
            json!({ "trackingNumber": "TN-1", "shippingProvider": "CTT", "trackingLink": "http://track.example.com" }),
            json!({ "trackingNumber": "", "shippingProvider": "CTT" }),
            json!({ "trackingNumber": "x".repeat(101), "shippingProvider": "CTT" }),
        ] {
            assert!(
                serde_json::from_value::<TrackingInfo>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        assert!(
            serde_json::from_value::<FulfilledLine>(json!({ "id": MIA, "quantity": 0 })).is_err()
        );
    }
}
