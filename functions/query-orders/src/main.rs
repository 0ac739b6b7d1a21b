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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderList {
    orders: Vec<OrderSummary>,
    next_cursor: Option<String>,
}

#[derive(Serialize)]
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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineSummary {
    id: Option<String>,
    name: Option<String>,
    quantity: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
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
