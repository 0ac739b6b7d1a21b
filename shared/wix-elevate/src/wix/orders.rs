//! eCommerce orders (`ecom/v1`, wix-api.md §7): search, cancel, fulfillments.
//!
//! Searches are built from an allowlisted [`OrderQuery`] only. For a member, the buyer filter is added by
//! us and ANDed with everything else; a page that continues from a cursor carries the query it came
//! from, so every order on it is checked to be the member's too (see [`Wix::search_orders`]).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::filter::Filter;
use super::{Repeat, Wix, WixError, WixPath};
use crate::values::{Count, Cursor, HttpsUrl, List, Text, Timestamp};
use crate::{ApiError, WixId};

/// Order statuses a search may ask for (`INITIALIZED` orders are never returned by Wix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    Approved,
    Canceled,
    Pending,
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    NotPaid,
    Paid,
    PartiallyRefunded,
    FullyRefunded,
    Pending,
    PartiallyPaid,
    PendingMerchant,
    Canceled,
    Declined,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FulfillmentStatus {
    NotFulfilled,
    Fulfilled,
    PartiallyFulfilled,
}

/// By creation date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

/// Orders per page: 1 to 100.
pub type PageLimit = Count<1, 100>;

/// The filters a caller may set; each becomes one condition on one fixed Wix field.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
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

#[derive(Deserialize)]
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
            limit: request
                .limit
                .unwrap_or(PageLimit::parse(50).expect("50 is a page size")),
            cursor: request.cursor,
        })
    }
}

/// An order as this project reads it. Wix sends much more (addresses, contact details); it is ignored.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub id: WixId,
    #[serde(default, deserialize_with = "number_text")]
    pub number: Option<String>,
    pub status: Option<String>,
    pub payment_status: Option<String>,
    pub fulfillment_status: Option<String>,
    pub created_date: Option<String>,
    pub currency: Option<String>,
    #[serde(default)]
    pub buyer_info: BuyerInfo,
    #[serde(default)]
    pub line_items: Vec<LineItem>,
    pub price_summary: Option<PriceSummary>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyerInfo {
    pub member_id: Option<String>,
    pub email: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItem {
    pub id: Option<String>,
    pub product_name: Option<ProductName>,
    pub quantity: Option<u32>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ProductName {
    pub original: Option<String>,
    pub translated: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PriceSummary {
    pub total: Option<Price>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Price {
    pub amount: Option<String>,
}

impl Order {
    /// Whether `member` bought this order.
    pub fn bought_by(&self, member: &WixId) -> bool {
        self.buyer_info
            .member_id
            .as_deref()
            .and_then(|id| WixId::parse(id).ok())
            .is_some_and(|id| &id == member)
    }

    pub fn total(&self) -> Option<&str> {
        self.price_summary
            .as_ref()?
            .total
            .as_ref()?
            .amount
            .as_deref()
    }
}

impl LineItem {
    pub fn name(&self) -> Option<&str> {
        let name = self.product_name.as_ref()?;
        name.translated.as_deref().or(name.original.as_deref())
    }
}

/// Wix writes the order number as a string; accept a number too.
fn number_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

#[derive(Deserialize)]
struct SearchAnswer {
    #[serde(default)]
    orders: Vec<Order>,
    #[serde(default)]
    metadata: SearchMetadata,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchMetadata {
    #[serde(default)]
    cursors: Cursors,
    #[serde(default)]
    has_next: bool,
}

#[derive(Default, Deserialize)]
struct Cursors {
    next: Option<String>,
}

/// One page of orders.
#[derive(Debug)]
pub struct OrderPage {
    pub orders: Vec<Order>,
    pub next_cursor: Option<String>,
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

/// The body of `POST /ecom/v1/orders/search`. With a cursor only the paging goes out: the cursor
/// carries its search. Otherwise the caller's conditions, ANDed with the buyer condition for a member.
pub fn search_body(query: &OrderQuery, buyer: Option<&WixId>) -> Value {
    let limit = query.limit.get();
    if let Some(cursor) = &query.cursor {
        return json!({ "search": { "cursorPaging": { "limit": limit, "cursor": cursor } } });
    }
    let mut filter = query.filter.to_filter();
    if let Some(member) = buyer {
        filter = filter.and(Filter::new().eq("buyerInfo.memberId", member));
    }
    json!({ "search": {
        "filter": filter.to_json(),
        "sort": [{ "fieldName": "createdDate", "order": query.sort }],
        "cursorPaging": { "limit": limit },
    } })
}

/// `POST /ecom/v1/orders/{id}/cancel` options.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelOptions {
    pub send_order_canceled_email: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_message: Option<String>,
    pub restock_all_items: bool,
}

/// One line item of a fulfillment, as callers send it and as Wix takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FulfilledLine {
    pub id: WixId,
    pub quantity: Count<1, 100_000>,
}

/// The line items of one fulfillment: 1 to 100, each line item named once.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "List<FulfilledLine, 100>")]
pub struct FulfillmentLines(List<FulfilledLine, 100>);

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TrackingInfo {
    pub tracking_number: Text<100>,
    pub shipping_provider: Text<100>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_link: Option<HttpsUrl>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewFulfillment<'a> {
    line_items: &'a [FulfilledLine],
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking_info: Option<&'a TrackingInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FulfillmentAnswer {
    fulfillment_id: Option<String>,
}

#[derive(Deserialize)]
struct OrderAnswer {
    order: Order,
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

impl Wix {
    /// One page of orders; `buyer` limits it to one member's orders. When the page continues from a
    /// cursor, Wix applies the cursor's own search, so for a member each order is checked as well and a
    /// page holding anyone else's order is refused whole.
    pub async fn search_orders(
        &self,
        query: &OrderQuery,
        buyer: Option<&WixId>,
    ) -> Result<OrderPage, SearchError> {
        let path = WixPath::new("/ecom/v1/orders/search");
        let answer: SearchAnswer = self
            .post(&path, &search_body(query, buyer), Repeat::Safe)
            .await?;
        if let Some(member) = buyer
            && !answer.orders.iter().all(|o| o.bought_by(member))
        {
            tracing::warn!(member_id = %member, "a member's search returned other buyers' orders; refused");
            return Err(SearchError::ForeignCursor);
        }
        Ok(OrderPage {
            orders: answer.orders,
            next_cursor: answer
                .metadata
                .cursors
                .next
                .filter(|_| answer.metadata.has_next),
        })
    }

    /// Cancel an order. Never repeated: a second cancel is refused by Wix, which would hide the first.
    pub async fn cancel_order(
        &self,
        id: &WixId,
        options: &CancelOptions,
    ) -> Result<Order, WixError> {
        let path = WixPath::new("/ecom/v1/orders").id(id).segment("cancel");
        let answer: OrderAnswer = self.post(&path, options, Repeat::Once).await?;
        Ok(answer.order)
    }

    /// Create a fulfillment for some line items; returns the fulfillment id. Never repeated.
    pub async fn create_fulfillment(
        &self,
        order_id: &WixId,
        lines: &[FulfilledLine],
        tracking: Option<&TrackingInfo>,
    ) -> Result<Option<String>, WixError> {
        let path = WixPath::new("/ecom/v1/fulfillments/orders")
            .id(order_id)
            .segment("create-fulfillment");
        let body =
            json!({ "fulfillment": NewFulfillment { line_items: lines, tracking_info: tracking } });
        let answer: FulfillmentAnswer = self.post(&path, &body, Repeat::Once).await?;
        Ok(answer
            .fulfillment_id
            .map(|id| id.chars().take(64).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let member = WixId::parse(MIA).unwrap();
        assert_eq!(
            search_body(&q, Some(&member)),
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
        let admin = search_body(&query(json!({})).unwrap(), None);
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
        let member = WixId::parse(MIA).unwrap();
        assert_eq!(
            search_body(&q, Some(&member)),
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
        let body = json!({ "fulfillment": NewFulfillment { line_items: &[line], tracking_info: Some(&tracking) } });
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

    #[test]
    fn an_order_belongs_to_the_member_named_as_its_buyer() {
        let order: Order = serde_json::from_value(json!({
            "id": "189589e1-57a5-418c-9deb-3a06be4cb61c", "number": "10003",
            "buyerInfo": { "memberId": MIA.to_uppercase() }
        }))
        .unwrap();
        assert!(order.bought_by(&WixId::parse(MIA).unwrap()));
        let guest: Order = serde_json::from_value(
            json!({ "id": "189589e1-57a5-418c-9deb-3a06be4cb61c", "number": 7 }),
        )
        .unwrap();
        assert!(!guest.bought_by(&WixId::parse(MIA).unwrap()));
        assert_eq!(guest.number.as_deref(), Some("7"));
    }
}
