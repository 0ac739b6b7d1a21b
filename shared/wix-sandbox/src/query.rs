//! The Wix API Query Language filters the sandbox understands, evaluated against an entity's JSON:
//! `{"field": value}`, `$eq`, `$ne`, `$in`, `$nin`, `$gt`, `$gte`, `$lt`, `$lte`, `$exists`,
//! `$startsWith`, and `$and` / `$or` / `$not`. Field names are dotted paths (`buyerInfo.memberId`); each
//! API states its [`Dialect`] (the fields it lets callers filter on, the operators it takes), and a filter
//! outside it is a 400, as on Wix.
//!
//! Two RFC 3339 timestamps compare as instants, whatever their offsets and fractions of a second:
//! `2026-01-01T01:00:00+01:00` equals `2026-01-01T00:00:00Z`. Other strings compare as strings,
//! numbers as numbers.

use std::cmp::Ordering;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::WixError;

/// Every operator but `$startsWith`: what an API takes unless its [`Dialect`] says otherwise.
const CORE_OPERATORS: &[&str] = &[
    "$and", "$or", "$not", "$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists",
];
const RANGES: &[&str] = &["$gt", "$gte", "$lt", "$lte"];

/// What one API accepts in a filter.
#[derive(Clone, Copy, Debug)]
pub struct Dialect<'a> {
    fields: &'a [&'a str],
    operators: &'a [&'a str],
    /// `Some` once [`Dialect::typed`]: the fields holding dates.
    dates: Option<&'a [&'a str]>,
    /// The request field a 400 names.
    at: &'a str,
}

impl<'a> Dialect<'a> {
    /// Filters on `fields` with the core operators (all but `$startsWith`), operands taken as they come.
    pub const fn new(fields: &'a [&'a str]) -> Self {
        Dialect {
            fields,
            operators: CORE_OPERATORS,
            dates: None,
            at: "filter",
        }
    }

    /// Only these operators (`$and`, `$or` and `$not` included) are accepted.
    pub const fn operators(self, operators: &'a [&'a str]) -> Self {
        Dialect { operators, ..self }
    }

    /// Every field holds text, except `dates`, which hold RFC 3339 timestamps: each operand must be a
    /// string (a timestamp for `dates`), only `dates` take `$gt`/`$gte`/`$lt`/`$lte`, and `$in`/`$nin`
    /// need at least one value.
    pub const fn typed(self, dates: &'a [&'a str]) -> Self {
        Dialect {
            dates: Some(dates),
            ..self
        }
    }

    /// The request field a 400 names (`filter` unless set).
    pub const fn at(self, at: &'a str) -> Self {
        Dialect { at, ..self }
    }

    /// Refuses a filter this API does not accept, as Wix does before it reads any data (so an empty
    /// collection answers a bad filter with 400 too).
    pub fn check(&self, filter: &Value) -> Result<(), WixError> {
        self.matches(&Value::Null, filter).map(|_| ())
    }

    /// Whether `entity` satisfies `filter`. Every condition is checked, so whether a filter is refused
    /// does not depend on the entity.
    pub fn matches(&self, entity: &Value, filter: &Value) -> Result<bool, WixError> {
        let Value::Object(conditions) = filter else {
            return Err(self.invalid("a filter must be an object"));
        };
        let mut all = true;
        for (key, condition) in conditions {
            let holds = match key.as_str() {
                logic @ ("$and" | "$or" | "$not") if !self.operators.contains(&logic) => {
                    return Err(self.invalid(format!("{logic} is not supported")));
                }
                "$and" => self.each(entity, condition)?.iter().all(|h| *h),
                "$or" => self.each(entity, condition)?.iter().any(|h| *h),
                "$not" => !self.matches(entity, condition)?,
                field if self.fields.contains(&field) => {
                    self.field_matches(field, lookup(entity, field), condition)?
                }
                field => {
                    return Err(self.invalid(format!("filtering on {field:?} is not supported")));
                }
            };
            all &= holds;
        }
        Ok(all)
    }

    /// The verdict of each sub-filter of `$and` / `$or`.
    fn each(&self, entity: &Value, condition: &Value) -> Result<Vec<bool>, WixError> {
        condition
            .as_array()
            .filter(|all| !all.is_empty())
            .ok_or_else(|| self.invalid("$and/$or take a non-empty array"))?
            .iter()
            .map(|f| self.matches(entity, f))
            .collect()
    }

    fn field_matches(
        &self,
        field: &str,
        value: Option<&Value>,
        condition: &Value,
    ) -> Result<bool, WixError> {
        match condition {
            Value::Object(operators) if operators.keys().all(|k| k.starts_with('$')) => {
                let mut all = true;
                for (op, operand) in operators {
                    all &= self.operator(field, value, op, operand)?;
                }
                Ok(all)
            }
            plain => {
                self.check_operand(field, plain)?;
                Ok(equal(value, plain))
            }
        }
    }

    fn operator(
        &self,
        field: &str,
        value: Option<&Value>,
        op: &str,
        operand: &Value,
    ) -> Result<bool, WixError> {
        if !self.operators.contains(&op) {
            return Err(self.invalid(format!("unknown operator {op:?}")));
        }
        if RANGES.contains(&op) && self.dates.is_some_and(|dates| !dates.contains(&field)) {
            return Err(self.invalid(format!("{field}: {op} is only supported on dates")));
        }
        let compare = |wanted: fn(Ordering) -> bool| {
            value.and_then(|v| order(v, operand)).is_some_and(wanted)
        };
        Ok(match op {
            "$in" | "$nin" => {
                let found = self.list(field, operand)?.iter().any(|o| equal(value, o));
                found == (op == "$in")
            }
            "$exists" => value.is_some() == operand.as_bool().unwrap_or(true),
            "$startsWith" => {
                let prefix = operand
                    .as_str()
                    .ok_or_else(|| self.invalid("$startsWith takes a string"))?;
                value
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.starts_with(prefix))
            }
            _ => {
                self.check_operand(field, operand)?;
                match op {
                    "$eq" => equal(value, operand),
                    "$ne" => !equal(value, operand),
                    "$gt" => compare(Ordering::is_gt),
                    "$gte" => compare(Ordering::is_ge),
                    "$lt" => compare(Ordering::is_lt),
                    "$lte" => compare(Ordering::is_le),
                    other => return Err(self.invalid(format!("unknown operator {other:?}"))),
                }
            }
        })
    }

    fn list<'v>(&self, field: &str, operand: &'v Value) -> Result<&'v Vec<Value>, WixError> {
        let list = operand
            .as_array()
            .ok_or_else(|| self.invalid("$in/$nin take an array"))?;
        if self.dates.is_some() && list.is_empty() {
            return Err(self.invalid(format!("{field}: $in/$nin need at least one value")));
        }
        for one in list {
            self.check_operand(field, one)?;
        }
        Ok(list)
    }

    /// In a [`Dialect::typed`] one, an operand is a string, and a timestamp on a date field.
    fn check_operand(&self, field: &str, operand: &Value) -> Result<(), WixError> {
        let Some(dates) = self.dates else {
            return Ok(());
        };
        if !operand.is_string() {
            return Err(self.invalid(format!("{field}: expected a string value")));
        }
        if dates.contains(&field) && instant(operand).is_none() {
            return Err(self.invalid(format!("{field}: not an RFC 3339 date")));
        }
        Ok(())
    }

    fn invalid(&self, description: impl Into<String>) -> WixError {
        WixError::validation(self.at, description)
    }
}

/// Whether `entity` satisfies `filter`. `fields` are the filterable fields; every core operator applies.
pub fn matches(entity: &Value, filter: &Value, fields: &[&str]) -> Result<bool, WixError> {
    Dialect::new(fields).matches(entity, filter)
}

fn lookup<'a>(entity: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(entity, |value, part| value.get(part))
        .filter(|v| !v.is_null())
}

fn instant(value: &Value) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value.as_str()?, &Rfc3339).ok()
}

/// Equality, timestamps as instants; a missing value equals nothing.
fn equal(value: Option<&Value>, operand: &Value) -> bool {
    value.is_some_and(|v| match (instant(v), instant(operand)) {
        (Some(a), Some(b)) => a == b,
        _ => v == operand,
    })
}

/// Timestamps compare as instants, other strings as strings, numbers as numbers.
fn order(a: &Value, b: &Value) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (instant(a), instant(b)) {
        return Some(a.cmp(&b));
    }
    match (a, b) {
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        _ => None,
    }
}

/// `{}` when a request has no filter.
pub fn no_filter() -> Value {
    Value::Object(Map::new())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const FIELDS: &[&str] = &["status", "createdDate", "buyerInfo.memberId"];

    fn order_doc() -> Value {
        json!({ "status": "APPROVED", "createdDate": "2026-03-01T09:15:00.000Z", "buyerInfo": { "memberId": "m-1" } })
    }

    #[test]
    fn operators_and_logic_follow_the_query_language() {
        let doc = order_doc();
        let holds = |filter: Value| matches(&doc, &filter, FIELDS).unwrap();
        assert!(holds(json!({})));
        assert!(holds(json!({ "status": "APPROVED" })));
        assert!(holds(
            json!({ "status": { "$in": ["CANCELED", "APPROVED"] } })
        ));
        assert!(!holds(json!({ "status": { "$ne": "APPROVED" } })));
        assert!(holds(
            json!({ "createdDate": { "$gte": "2026-03-01T00:00:00.000Z", "$lt": "2026-03-02T00:00:00.000Z" } })
        ));
        assert!(!holds(
            json!({ "createdDate": { "$lt": "2026-03-01T00:00:00.000Z" } })
        ));
        assert!(holds(
            json!({ "$and": [ { "status": "APPROVED" }, { "buyerInfo.memberId": { "$eq": "m-1" } } ] })
        ));
        assert!(!holds(
            json!({ "$and": [ { "status": "APPROVED" }, { "buyerInfo.memberId": "m-2" } ] })
        ));
        assert!(holds(
            json!({ "$or": [ { "status": "CANCELED" }, { "buyerInfo.memberId": "m-1" } ] })
        ));
        assert!(holds(json!({ "$not": { "status": "CANCELED" } })));
    }

    #[test]
    fn unknown_fields_and_operators_are_400() {
        let doc = order_doc();
        for bad in [
            json!({ "billingInfo.email": "x" }),
            json!({ "status": { "$regex": "A.*" } }),
            json!({ "$and": [] }),
            json!([]),
        ] {
            let error = matches(&doc, &bad, FIELDS).unwrap_err();
            assert_eq!(error.status.as_u16(), 400, "{bad}");
        }
    }

    const BOOKING_FIELDS: &[&str] = &["status", "startDate", "bookedEntity.item.slot.sessionId"];
    const BOOKINGS_LIKE: Dialect = Dialect::new(BOOKING_FIELDS)
        .operators(&["$and", "$eq", "$ne", "$in", "$gt", "$gte", "$lt", "$lte"])
        .typed(&["startDate"]);
    const MEMBERS_LIKE: Dialect = Dialect::new(&["status", "loginEmail", "createdDate"])
        .operators(&["$and", "$or", "$eq", "$in", "$nin", "$startsWith"]);

    fn booking_doc() -> Value {
        json!({ "status": "CONFIRMED", "startDate": "2026-01-01T00:00:00Z", "bookedEntity": { "item": { "slot": { "sessionId": null } } } })
    }

    fn member_doc() -> Value {
        json!({ "status": "APPROVED", "loginEmail": "mia@example.com", "createdDate": "2025-06-01T10:00:00.000Z" })
    }

    #[test]
    fn timestamps_compare_as_instants_across_offsets() {
        let doc = booking_doc();
        let holds = |filter: Value| BOOKINGS_LIKE.matches(&doc, &filter).unwrap();
        assert!(holds(json!({ "startDate": "2026-01-01T01:00:00+01:00" })));
        assert!(holds(
            json!({ "startDate": { "$eq": "2025-12-31T19:00:00-05:00" } })
        ));
        assert!(holds(
            json!({ "startDate": { "$in": ["2026-01-01T01:00:00+01:00"] } })
        ));
        assert!(!holds(
            json!({ "startDate": { "$ne": "2026-01-01T01:00:00+01:00" } })
        ));
        // As text "2026-01-01T00:30:00+01:00" sorts after "2026-01-01T00:00:00Z"; as an instant it is earlier.
        assert!(holds(
            json!({ "startDate": { "$gt": "2026-01-01T00:30:00+01:00" } })
        ));
        assert!(holds(
            json!({ "startDate": { "$gte": "2026-01-01T01:00:00+01:00", "$lte": "2026-01-01T01:00:00+01:00" } })
        ));
        assert!(!holds(
            json!({ "startDate": { "$lt": "2026-01-01T01:00:00+01:00" } })
        ));
    }

    #[test]
    fn fractional_seconds_compare_as_instants() {
        let doc = json!({ "createdDate": "2026-01-01T00:00:00.5Z" });
        let holds = |filter: Value| matches(&doc, &filter, &["createdDate"]).unwrap();
        assert!(holds(
            json!({ "createdDate": { "$gt": "2026-01-01T00:00:00Z" } })
        ));
        assert!(holds(
            json!({ "createdDate": { "$lt": "2026-01-01T00:00:00.600Z" } })
        ));
        assert!(holds(json!({ "createdDate": "2026-01-01T00:00:00.500Z" })));
        assert!(!holds(
            json!({ "createdDate": { "$lte": "2026-01-01T00:00:00.499Z" } })
        ));
        let whole = json!({ "createdDate": "2026-01-01T00:00:00Z" });
        assert!(
            matches(
                &whole,
                &json!({ "createdDate": "2026-01-01T00:00:00.000Z" }),
                &["createdDate"]
            )
            .unwrap()
        );
    }

    /// Every filter in `bad` is a 400 under `dialect`, on `doc`.
    fn refused(dialect: Dialect, doc: &Value, bad: &[Value]) {
        for filter in bad {
            let error = dialect.matches(doc, filter).unwrap_err();
            assert_eq!(error.status.as_u16(), 400, "{filter}");
        }
    }

    #[test]
    fn a_field_that_is_not_filterable_is_refused_whatever_the_entity() {
        let bad = [
            json!({ "password": "x" }),
            // Refused even after a condition that fails.
            json!({ "status": "NOPE", "contactDetails.email": "x" }),
            json!({ "$and": [{ "status": "NOPE" }, { "contactDetails.email": "x" }] }),
        ];
        refused(BOOKINGS_LIKE, &booking_doc(), &bad);
        refused(MEMBERS_LIKE, &member_doc(), &bad);
        refused(Dialect::new(FIELDS), &order_doc(), &bad[..1]);
        let error = BOOKINGS_LIKE
            .at("query.filter")
            .matches(&booking_doc(), &json!({ "loginEmail": "x" }))
            .unwrap_err();
        assert_eq!(error.message, "INVALID_ARGUMENT: query.filter");
    }

    #[test]
    fn in_and_the_typed_rules_on_a_bookings_like_entity() {
        let doc = booking_doc();
        refused(
            BOOKINGS_LIKE,
            &doc,
            &[
                json!({ "status": { "$in": [] } }),
                json!({ "status": { "$in": "CONFIRMED" } }),
                json!({ "status": { "$in": [1] } }),
                json!({ "status": { "$gt": "A" } }),
                json!({ "status": { "$nin": ["PENDING"] } }),
                json!({ "status": 1 }),
                json!({ "startDate": { "$in": ["next week"] } }),
                json!({ "startDate": { "$gte": "2026-01-01" } }),
                json!({ "$or": [{ "status": "CONFIRMED" }] }),
            ],
        );
        let holds = |filter: Value| BOOKINGS_LIKE.matches(&doc, &filter).unwrap();
        assert!(holds(
            json!({ "status": { "$in": ["PENDING", "CONFIRMED"] } })
        ));
        assert!(!holds(json!({ "status": { "$in": ["PENDING"] } })));
        assert!(!holds(
            json!({ "bookedEntity.item.slot.sessionId": { "$in": ["s-1"] } })
        ));
        assert!(holds(
            json!({ "bookedEntity.item.slot.sessionId": { "$ne": "s-1" } })
        ));
    }

    #[test]
    fn in_nin_and_starts_with_on_a_members_like_entity() {
        let doc = member_doc();
        let holds = |filter: Value| MEMBERS_LIKE.matches(&doc, &filter).unwrap();
        assert!(holds(
            json!({ "status": { "$in": ["PENDING", "APPROVED"] } })
        ));
        assert!(!holds(json!({ "status": { "$in": [] } })));
        assert!(holds(json!({ "status": { "$nin": ["BLOCKED"] } })));
        assert!(holds(
            json!({ "$or": [{ "status": "PENDING" }, { "loginEmail": { "$startsWith": "mia@" } }] })
        ));
        assert!(holds(
            json!({ "createdDate": { "$in": ["2025-06-01T12:00:00+02:00"] } })
        ));
        refused(
            MEMBERS_LIKE,
            &doc,
            &[
                json!({ "status": { "$regex": ".*" } }),
                json!({ "status": { "$exists": true } }),
                json!({ "loginEmail": { "$startsWith": 1 } }),
                json!({ "$not": { "status": "APPROVED" } }),
            ],
        );
        // Only a dialect that lists `$startsWith` takes it.
        refused(
            Dialect::new(&["loginEmail"]),
            &doc,
            &[json!({ "loginEmail": { "$startsWith": "m" } })],
        );
    }
}
