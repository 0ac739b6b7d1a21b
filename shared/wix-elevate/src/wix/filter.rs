//! Filters in the Wix API Query Language, built by us. Field names are `&'static str`, so only fields a
//! function names in its code can ever be filtered on; values are typed and serialized by us. A caller's
//! filter object is never passed through: functions translate their own allowlisted input into this.

use serde::Serialize;
use serde_json::{Map, Value, json};

/// Conditions that must all hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    conditions: Vec<Value>,
}

impl Filter {
    pub fn new() -> Self {
        Filter::default()
    }

    /// `{"field": {"$eq": value}}`.
    pub fn eq(self, field: &'static str, value: impl Serialize) -> Self {
        self.with(field, json!({ "$eq": value }))
    }

    /// `{"field": {"$eq": value}}` when there is a value; nothing otherwise.
    pub fn eq_some(self, field: &'static str, value: Option<impl Serialize>) -> Self {
        match value {
            Some(value) => self.eq(field, value),
            None => self,
        }
    }

    /// `{"field": {"$in": [values]}}`; nothing when `values` is empty (no restriction asked for).
    pub fn one_of<T: Serialize>(self, field: &'static str, values: &[T]) -> Self {
        if values.is_empty() {
            return self;
        }
        self.with(field, json!({ "$in": values }))
    }

    /// `{"field": {"$gte": from, "$lt": before}}` with the bounds that are given.
    pub fn range<T: Serialize>(
        self,
        field: &'static str,
        from: Option<&T>,
        before: Option<&T>,
    ) -> Self {
        let mut bounds = Map::new();
        if let Some(from) = from {
            bounds.insert("$gte".into(), json!(from));
        }
        if let Some(before) = before {
            bounds.insert("$lt".into(), json!(before));
        }
        if bounds.is_empty() {
            return self;
        }
        self.with(field, Value::Object(bounds))
    }

    /// Both this filter's conditions and `other`'s.
    pub fn and(mut self, other: Filter) -> Self {
        self.conditions.extend(other.conditions);
        self
    }

    fn with(mut self, field: &'static str, condition: Value) -> Self {
        let mut single = Map::new();
        single.insert(field.to_owned(), condition);
        self.conditions.push(Value::Object(single));
        self
    }

    /// `{}` for no condition, the condition itself for one, `{"$and": [...]}` for several.
    pub fn to_json(&self) -> Value {
        match self.conditions.as_slice() {
            [] => json!({}),
            [single] => single.clone(),
            all => json!({ "$and": all }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_are_anded_in_wix_query_language() {
        assert_eq!(Filter::new().to_json(), json!({}));
        assert_eq!(
            Filter::new().eq("status", "APPROVED").to_json(),
            json!({ "status": { "$eq": "APPROVED" } })
        );
        let both = Filter::new()
            .one_of("status", &["APPROVED", "CANCELED"])
            .range("createdDate", Some(&"2026-01-01"), None::<&&str>)
            .and(Filter::new().eq("buyerInfo.memberId", "m-1"));
        assert_eq!(
            both.to_json(),
            json!({ "$and": [
                { "status": { "$in": ["APPROVED", "CANCELED"] } },
                { "createdDate": { "$gte": "2026-01-01" } },
                { "buyerInfo.memberId": { "$eq": "m-1" } }
            ] })
        );
    }

    #[test]
    fn empty_restrictions_add_nothing() {
        let none: &[&str] = &[];
        let filter = Filter::new()
            .one_of("status", none)
            .range("createdDate", None::<&&str>, None);
        assert_eq!(filter, Filter::new());
    }
}
