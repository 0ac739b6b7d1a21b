//! The Wix API Query Language filters the sandbox understands, evaluated against an entity's JSON:
//! `{"field": value}`, `$eq`, `$ne`, `$in`, `$nin`, `$gt`, `$gte`, `$lt`, `$lte`, `$exists`, and
//! `$and` / `$or` / `$not`. Field names are dotted paths (`buyerInfo.memberId`); each API lists the fields
//! it lets callers filter on, and a filter on any other field is a 400, as on Wix.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::error::WixError;

/// Whether `entity` satisfies `filter`. `fields` are the filterable fields.
pub fn matches(entity: &Value, filter: &Value, fields: &[&str]) -> Result<bool, WixError> {
    let Value::Object(conditions) = filter else {
        return Err(invalid("a filter must be an object"));
    };
    for (key, condition) in conditions {
        let holds = match key.as_str() {
            "$and" => each(condition)?
                .iter()
                .try_fold(true, |all, f| Ok(all && matches(entity, f, fields)?))?,
            "$or" => each(condition)?
                .iter()
                .try_fold(false, |any, f| Ok(any || matches(entity, f, fields)?))?,
            "$not" => !matches(entity, condition, fields)?,
            field if fields.contains(&field) => field_matches(lookup(entity, field), condition)?,
            field => {
                return Err(WixError::validation(
                    "filter",
                    format!("filtering on {field:?} is not supported"),
                ));
            }
        };
        if !holds {
            return Ok(false);
        }
    }
    Ok(true)
}

fn each(condition: &Value) -> Result<&Vec<Value>, WixError> {
    condition
        .as_array()
        .filter(|all| !all.is_empty())
        .ok_or_else(|| invalid("$and/$or take a non-empty array"))
}

fn lookup<'a>(entity: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(entity, |value, part| value.get(part))
        .filter(|v| !v.is_null())
}

fn field_matches(value: Option<&Value>, condition: &Value) -> Result<bool, WixError> {
    let Value::Object(operators) = condition else {
        return Ok(value == Some(condition));
    };
    if !operators.keys().all(|k| k.starts_with('$')) {
        return Ok(value == Some(condition));
    }
    operators.iter().try_fold(true, |all, (op, operand)| {
        Ok(all && operator(value, op, operand)?)
    })
}

fn operator(value: Option<&Value>, op: &str, operand: &Value) -> Result<bool, WixError> {
    let compare =
        |wanted: fn(Ordering) -> bool| value.and_then(|v| order(v, operand)).is_some_and(wanted);
    Ok(match op {
        "$eq" => value == Some(operand),
        "$ne" => value != Some(operand),
        "$in" => list(operand)?.iter().any(|o| value == Some(o)),
        "$nin" => !list(operand)?.iter().any(|o| value == Some(o)),
        "$gt" => compare(Ordering::is_gt),
        "$gte" => compare(Ordering::is_ge),
        "$lt" => compare(Ordering::is_lt),
        "$lte" => compare(Ordering::is_le),
        "$exists" => value.is_some() == operand.as_bool().unwrap_or(true),
        other => return Err(invalid(&format!("unknown operator {other:?}"))),
    })
}

fn list(operand: &Value) -> Result<&Vec<Value>, WixError> {
    operand
        .as_array()
        .ok_or_else(|| invalid("$in/$nin take an array"))
}

/// Strings compare as strings (ISO dates included), numbers as numbers.
fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        _ => None,
    }
}

fn invalid(description: &str) -> WixError {
    WixError::validation("filter", description)
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
}
