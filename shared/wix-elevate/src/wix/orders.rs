//! eCommerce orders (`ecom/v1`, wix-api.md §7): search, cancel, fulfillments, as Wix takes and answers
//! them. Who may search or change which order is decided in [`crate::orders`].

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::filter::Filter;
use super::{Repeat, Wix, WixError, WixPath};
use crate::WixId;
use crate::values::{Cursor, PageLimit, SortOrder};

/// Order statuses a search may ask for (`INITIALIZED` orders are never returned by Wix).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    Approved,
    Canceled,
    Pending,
    Rejected,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FulfillmentStatus {
    NotFulfilled,
    Fulfilled,
    PartiallyFulfilled,
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
    /// `boolean | null` in Wix's `CursorPagingMetadata`: when absent, a non-empty next cursor decides.
    #[serde(default)]
    has_next: Option<bool>,
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

/// One `POST /ecom/v1/orders/search`: the first page of a filtered search sorted by creation date, or
/// the page after a cursor (which carries its own search, so only the paging goes out).
#[derive(Clone, Debug, PartialEq)]
pub enum OrderSearch {
    First {
        filter: Filter,
        sort: SortOrder,
        limit: PageLimit,
    },
    Next {
        cursor: Cursor,
        limit: PageLimit,
    },
}

impl OrderSearch {
    pub fn to_wix(&self) -> Value {
        match self {
            OrderSearch::Next { cursor, limit } => {
                json!({ "search": { "cursorPaging": { "limit": limit.get(), "cursor": cursor } } })
            }
            OrderSearch::First {
                filter,
                sort,
                limit,
            } => json!({ "search": {
                "filter": filter.to_json(),
                "sort": [{ "fieldName": "createdDate", "order": sort }],
                "cursorPaging": { "limit": limit.get() },
            } }),
        }
    }
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

/// One line item of a fulfillment, as Wix takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FulfillmentLine {
    pub id: WixId,
    pub quantity: u32,
}

/// Tracking details of a fulfillment, as Wix takes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tracking<'a> {
    pub tracking_number: &'a str,
    pub shipping_provider: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_link: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewFulfillment<'a> {
    line_items: &'a [FulfillmentLine],
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking_info: Option<&'a Tracking<'a>>,
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

impl Wix {
    /// One page of orders, exactly as Wix answers it.
    pub async fn search_orders(&self, search: &OrderSearch) -> Result<OrderPage, WixError> {
        let path = WixPath::new("/ecom/v1/orders/search");
        let answer: SearchAnswer = self.post(&path, &search.to_wix(), Repeat::Safe).await?;
        Ok(OrderPage {
            orders: answer.orders,
            next_cursor: answer
                .metadata
                .cursors
                .next
                .filter(|c| answer.metadata.has_next.unwrap_or(true) && !c.is_empty()),
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
        lines: &[FulfillmentLine],
        tracking: Option<&Tracking<'_>>,
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

/// The answer types this module decodes, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) const ANSWERS: &[super::AnswerDecoder] = &[
    super::decodes::<SearchAnswer>,
    super::decodes::<OrderAnswer>,
    super::decodes::<FulfillmentAnswer>,
];

#[cfg(test)]
mod tests {
    use super::*;

    const MIA: &str = "cf604682-755c-4070-9507-0d99c9702925";

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
