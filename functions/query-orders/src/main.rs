//! `POST /` — search orders: an admin sees every order, a member only their own.
//!
//! Filters on status, payment status, fulfillment status and a created-date range only, sorted by
//! creation date, at most 100 a page, with cursor paging. For a member the buyer condition is added
//! here and ANDed with the rest; nothing in the request can name another field. The answer holds what a
//! list screen needs; the buyer's email and member id only for an admin.

use wix_elevate::orders::{self, OrderQuery};
use wix_elevate::prelude::*;
use wix_elevate::wix::orders::{Order, OrderPage};

pub struct QueryOrders;

impl Endpoint for QueryOrders {
    const NAME: &'static str = "query-orders";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Orders,
        summary: "Search orders",
        description: "Who may call: an admin (every order), or a member (only their own orders: the \
            function adds the buyer condition from the verified token and ANDs it with the \
            filter). Sorted by creation date, cursor paging. A `cursor` continues the search it \
            came from, so it takes no `filter` or `sort`; for a member every order on a page is \
            checked to be theirs, and a page holding anyone else's order is a 400. A member's \
            answer has no `buyer`; addresses and phone numbers are never returned.",
        answer: "One page of orders.",
        examples: &[
            Example {
                name: "firstPage",
                summary: "The first page of a filtered search",
                body: r#"{"filter": {"status": ["APPROVED"], "paymentStatus": ["PAID", "PARTIALLY_REFUNDED"], "fulfillmentStatus": ["NOT_FULFILLED", "PARTIALLY_FULFILLED"], "createdFrom": "2026-01-01T00:00:00Z", "createdBefore": "2027-01-01T00:00:00Z"}, "sort": "DESC", "limit": 20}"#,
            },
            Example {
                name: "nextPage",
                summary: "The next page, with the cursor of the previous answer",
                body: r#"{"cursor": "eyJsYXN0IjoiMTg5NTg5ZTEifQ", "limit": 20}"#,
            },
        ],
        errors: &[],
    };
    const MAX_BODY_BYTES: usize = 8 * 1024;
    type Policy = AdminOrOwner;
    type Input = Json<OrderQuery>;
    type Output = OrderList;

    async fn call(
        wix: &Wix,
        scope: OwnerScope,
        Json(query): Json<OrderQuery>,
    ) -> Result<OrderList, ApiError> {
        let reach = Reach::of(&scope);
        let page = orders::search(wix, &query, &reach).await?;
        Ok(OrderList::new(page, reach.member().is_none()))
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderList {
    orders: Vec<OrderSummary>,
    next_cursor: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderSummary {
    id: WixId,
    number: Option<String>,
    status: Option<String>,
    payment_status: Option<String>,
    fulfillment_status: Option<String>,
    created_date: Option<String>,
    total: Option<String>,
    currency: Option<String>,
    line_items: Vec<LineSummary>,
    /// Admins only: who bought it.
    #[serde(skip_serializing_if = "Option::is_none")]
    buyer: Option<Buyer>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "OrderLine")]
pub struct LineSummary {
    id: Option<String>,
    name: Option<String>,
    quantity: Option<u32>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "OrderBuyer")]
pub struct Buyer {
    member_id: Option<String>,
    email: Option<String>,
}

impl OrderList {
    fn new(page: OrderPage, for_admin: bool) -> Self {
        let summary = |order: Order| OrderSummary {
            total: order.total().map(str::to_owned),
            line_items: order
                .line_items
                .iter()
                .map(|l| LineSummary {
                    id: l.id.clone(),
                    name: l.name().map(str::to_owned),
                    quantity: l.quantity,
                })
                .collect(),
            buyer: for_admin.then(|| Buyer {
                member_id: order.buyer_info.member_id.clone(),
                email: order.buyer_info.email.clone(),
            }),
            id: order.id,
            number: order.number,
            status: order.status,
            payment_status: order.payment_status,
            fulfillment_status: order.fulfillment_status,
            created_date: order.created_date,
            currency: order.currency,
        };
        OrderList {
            orders: page.orders.into_iter().map(summary).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<QueryOrders>().await
}
