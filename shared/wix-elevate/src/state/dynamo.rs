//! The shared store: one DynamoDB table (`STATE_TABLE`), string hash key `pk`, TTL attribute
//! `expiration` (epoch seconds).
//!
//! Every race is decided by a condition expression, never by a read followed by a write. TTL is garbage
//! collection only (DynamoDB deletes expired items up to days late, moto never does), so each condition
//! that could meet an expired item compares `expiration` with now itself.
//!
//! Item shapes:
//! - idempotency record: `pk`, `status` (`IN_PROGRESS` | `COMPLETED` | `UNKNOWN`), `fingerprint` (hex
//!   SHA-256 of the request body), `in_progress_until` (epoch ms: the claimer's deadline), `body` (the
//!   stored answer, once completed), `expiration`;
//! - counter: `pk` (`<key>#<window index>`), `used`, `expiration` (the window's end plus a day).

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};

use super::{
    Claim, Fingerprint, Record, Settled, StateKey, StoreError, Take, TakenAll, millis, seconds,
};

const IN_PROGRESS: &str = "IN_PROGRESS";
const COMPLETED: &str = "COMPLETED";
const UNKNOWN: &str = "UNKNOWN";
/// Tries of a budget transaction cancelled only by a concurrent one.
const CONFLICT_ATTEMPTS: u32 = 3;
/// DynamoDB's limit on the items of one transaction.
pub const MAX_TAKES: usize = 100;
/// Counters outlive their window by this much before TTL may remove them (only for reading them back).
const COUNTER_SLACK: Duration = Duration::from_secs(24 * 60 * 60);

type Item = HashMap<String, AttributeValue>;

pub struct DynamoStore {
    client: Client,
    table: String,
    /// How long a settled idempotency record is kept.
    ttl: Duration,
}

impl DynamoStore {
    /// A client with tight bounds: a state call must fit well inside a request's budget, and a slow table
    /// must not turn into a retry storm. At most 2 attempts of 1 s each, 2.5 s in all.
    pub fn new(sdk: &aws_config::SdkConfig, table: String, ttl: Duration) -> Self {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_millis(500))
            .operation_attempt_timeout(Duration::from_secs(1))
            .operation_timeout(Duration::from_millis(2_500))
            .build();
        let config = aws_sdk_dynamodb::config::Builder::from(sdk)
            .timeout_config(timeouts)
            .retry_config(RetryConfig::standard().with_max_attempts(2))
            .build();
        DynamoStore {
            client: Client::from_conf(config),
            table,
            ttl,
        }
    }

    pub(crate) async fn claim(
        &self,
        key: &StateKey,
        fingerprint: &Fingerprint,
        now: SystemTime,
        until: SystemTime,
    ) -> Result<Claim, StoreError> {
        // The SDK may resend a put whose answer timed out; the resend then meets its own record. The
        // claim id tells that record from another request's.
        let claim_id = uuid::Uuid::new_v4().to_string();
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(key.as_str()))
            .item("claim_id", s(&claim_id))
            .item("status", s(IN_PROGRESS))
            .item("fingerprint", s(&fingerprint.to_hex()))
            .item("in_progress_until", n(millis(until)))
            .item("expiration", n(seconds(now + self.ttl)))
            // Free, or only an expired record that TTL has not removed yet.
            .condition_expression("attribute_not_exists(pk) OR expiration < :now")
            .expression_attribute_values(":now", n(seconds(now)))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match put {
            Ok(_) => Ok(Claim::Claimed),
            Err(SdkError::ServiceError(failure)) => match failure.into_err() {
                aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(
                    taken,
                ) => {
                    let item = match taken.item {
                        Some(item) => item,
                        // Stores that do not return the old item on a failed condition: read it.
                        None => self.read(key).await?.ok_or_else(|| {
                            StoreError::Backend("a claimed record vanished".into())
                        })?,
                    };
                    if item.get("claim_id").and_then(|v| v.as_s().ok()) == Some(&claim_id) {
                        return Ok(Claim::Claimed);
                    }
                    record_of(&item).map(Claim::Taken)
                }
                other => Err(backend(other)),
            },
            Err(other) => Err(backend(other)),
        }
    }

    async fn read(&self, key: &StateKey) -> Result<Option<Item>, StoreError> {
        self.client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(key.as_str()))
            .consistent_read(true)
            .send()
            .await
            .map(|out| out.item)
            .map_err(backend)
    }

    pub(crate) async fn settle(
        &self,
        key: &StateKey,
        fingerprint: &Fingerprint,
        outcome: Settled,
    ) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(key.as_str()));
        let update = match outcome {
            Settled::Completed { body } => update
                .update_expression("SET #status = :done, body = :body REMOVE in_progress_until")
                .expression_attribute_values(":done", s(COMPLETED))
                .expression_attribute_values(":body", AttributeValue::S(body)),
            Settled::Unknown => update
                .update_expression("SET #status = :done REMOVE in_progress_until")
                .expression_attribute_values(":done", s(UNKNOWN)),
        };
        let settled = own_claim_values(fingerprint)
            .into_iter()
            .fold(update, |update, (name, value)| {
                update.expression_attribute_values(name, value)
            })
            .condition_expression(OWN_CLAIM)
            .expression_attribute_names("#status", "status")
            .send()
            .await;
        match settled {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => {
                tracing::warn!("an idempotency record was no longer this request's claim");
                Ok(())
            }
            Err(e) => Err(backend(e)),
        }
    }

    pub(crate) async fn release(
        &self,
        key: &StateKey,
        fingerprint: &Fingerprint,
    ) -> Result<(), StoreError> {
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(key.as_str()))
            .set_expression_attribute_values(Some(own_claim_values(fingerprint).into()))
            .condition_expression(OWN_CLAIM)
            .expression_attribute_names("#status", "status")
            .send()
            .await;
        match deleted {
            Ok(_) => Ok(()),
            Err(e) if is_condition_failure(&e) => Ok(()),
            Err(e) => Err(backend(e)),
        }
    }
}

impl DynamoStore {
    /// One `TransactWriteItems` of conditional `ADD`s: all counted or none.
    pub(crate) async fn take_all(
        &self,
        takes: &[Take],
        now: SystemTime,
    ) -> Result<TakenAll, StoreError> {
        // DynamoDB refuses an empty transaction; with every cap turned off there is nothing to count.
        if takes.is_empty() {
            return Ok(TakenAll::Within);
        }
        let mut items = Vec::with_capacity(takes.len());
        for (index, take) in takes.iter().enumerate() {
            let (window, ends) = take.budget.window_at(now);
            let Some(room) = take.budget.cap.checked_sub(take.amount) else {
                let retry_after = ends.duration_since(now).unwrap_or_default();
                return Ok(TakenAll::Exhausted { index, retry_after });
            };
            let update = Update::builder()
                .table_name(&self.table)
                .key("pk", s(take.key.in_window(window).as_str()))
                .update_expression(COUNT_UPDATE)
                .condition_expression(COUNT_CONDITION)
                .expression_attribute_values(":expires", n(seconds(ends + COUNTER_SLACK)))
                .expression_attribute_values(":amount", n(take.amount))
                .expression_attribute_values(":room", n(room))
                .build()
                .map_err(backend)?;
            items.push(TransactWriteItem::builder().update(update).build());
        }
        if items.len() > MAX_TAKES {
            return Err(StoreError::Backend(format!(
                "{} counts in one request; at most {MAX_TAKES}",
                items.len()
            )));
        }
        let mut attempt = 1;
        loop {
            let sent = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.clone()))
                .send()
                .await;
            let Err(error) = sent else {
                return Ok(TakenAll::Within);
            };
            // A cancelled transaction lists one reason per item, in order: the first failed condition
            // is the budget that is spent. Concurrent transactions on one counter (the site's) may cancel
            // each other instead: those are tried again, briefly.
            let reasons: Vec<Option<String>> = match error.as_service_error() {
                Some(aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(
                    cancelled,
                )) => cancelled
                    .cancellation_reasons()
                    .iter()
                    .map(|r| r.code().map(str::to_owned))
                    .collect(),
                _ => return Err(backend(error)),
            };
            if let Some(index) = reasons
                .iter()
                .position(|code| code.as_deref() == Some("ConditionalCheckFailed"))
            {
                let (_, ends) = takes[index].budget.window_at(now);
                let retry_after = ends.duration_since(now).unwrap_or_default();
                return Ok(TakenAll::Exhausted { index, retry_after });
            }
            let conflict = reasons
                .iter()
                .any(|code| code.as_deref() == Some("TransactionConflict"));
            if !conflict || attempt == CONFLICT_ATTEMPTS {
                return Err(backend(error));
            }
            attempt += 1;
            let jitter = u64::from(uuid::Uuid::new_v4().as_bytes()[0]) % 20;
            tokio::time::sleep(Duration::from_millis(10 + jitter)).await;
        }
    }
}

/// Counters: the first take of a window sets its expiry, every take adds its amount.
const COUNT_UPDATE: &str = "SET expiration = if_not_exists(expiration, :expires) ADD used :amount";
/// Condition expressions have no arithmetic: "used + amount <= cap" is "used <= cap - amount".
const COUNT_CONDITION: &str = "attribute_not_exists(used) OR used <= :room";

/// The record is still the in-progress claim of the request with this body.
const OWN_CLAIM: &str = "#status = :in_progress AND fingerprint = :fingerprint";

/// The values [`OWN_CLAIM`] names.
fn own_claim_values(fingerprint: &Fingerprint) -> [(String, AttributeValue); 2] {
    [
        (":in_progress".into(), s(IN_PROGRESS)),
        (":fingerprint".into(), s(&fingerprint.to_hex())),
    ]
}

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn n(number: u64) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

fn is_condition_failure<E, R>(error: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    error
        .as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

fn backend(error: impl std::error::Error) -> StoreError {
    StoreError::Backend(DisplayErrorContext(error).to_string())
}

fn record_of(item: &Item) -> Result<Record, StoreError> {
    let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok());
    let corrupt = |what: &str| StoreError::Corrupt(what.to_owned());
    let fingerprint = text("fingerprint")
        .and_then(|t| fingerprint_of_hex(t))
        .ok_or_else(|| corrupt("fingerprint"))?;
    match text("status").map(String::as_str) {
        Some(IN_PROGRESS) => {
            let until = item
                .get("in_progress_until")
                .and_then(|v| v.as_n().ok())
                .and_then(|ms| ms.parse::<u64>().ok())
                .ok_or_else(|| corrupt("in_progress_until"))?;
            Ok(Record::InProgress {
                fingerprint,
                until: SystemTime::UNIX_EPOCH + Duration::from_millis(until),
            })
        }
        Some(COMPLETED) => Ok(Record::Completed {
            fingerprint,
            body: text("body").ok_or_else(|| corrupt("body"))?.clone(),
        }),
        Some(UNKNOWN) => Ok(Record::Unknown { fingerprint }),
        _ => Err(corrupt("status")),
    }
}

fn fingerprint_of_hex(text: &str) -> Option<Fingerprint> {
    if text.len() != 64 {
        return None;
    }
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(Fingerprint(bytes))
}
