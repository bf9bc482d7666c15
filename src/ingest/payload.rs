//! Reading a payload's JSON field by field, so that every refusal names its field.

use super::IngestError;
use crate::event::json::kind;
use serde_json::{Map, Value};

/// A JSON object of a payload and the path that leads to it (`alerts[2]`).
#[derive(Clone, Copy)]
pub struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    path: &'a str,
}

impl<'a> Obj<'a> {
    /// The payload itself, which must be an object.
    pub fn root(value: &'a Value, what: &str) -> Result<Obj<'a>, IngestError> {
        match value {
            Value::Object(map) => Ok(Obj { map, path: "" }),
            other => Err(IngestError::new(
                "-",
                format!("not {what}: the payload is {}, not an object", kind(other)),
            )),
        }
    }

    /// An object found at `path`.
    pub fn at(map: &'a Map<String, Value>, path: &'a str) -> Obj<'a> {
        Obj { map, path }
    }

    /// The full name of field `key`, for errors.
    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn err(&self, key: &str, message: impl Into<String>) -> IngestError {
        IngestError::new(&self.field(key), message)
    }

    /// A field that may be missing or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A string field that may be missing or `null`.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, IngestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.err(key, format!("must be a string, not {}", kind(v)))),
        }
    }

    /// A string field that must be there.
    pub fn str(&self, key: &str) -> Result<&'a str, IngestError> {
        self.opt_str(key)?
            .ok_or_else(|| self.err(key, "is missing"))
    }

    /// An id field: a string, or a number written as one.
    pub fn id(&self, key: &str) -> Result<String, IngestError> {
        match self.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(v) => Err(self.err(key, format!("must be an id, not {}", kind(v)))),
            None => Err(self.err(key, "is missing")),
        }
    }

    /// An object field that may be missing or `null`.
    pub fn opt_obj(&self, key: &str) -> Result<Option<&'a Map<String, Value>>, IngestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(v) => Err(self.err(key, format!("must be an object, not {}", kind(v)))),
        }
    }

    /// An array field that may be missing or `null`.
    pub fn opt_array(&self, key: &str) -> Result<Option<&'a Vec<Value>>, IngestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(self.err(key, format!("must be an array, not {}", kind(v)))),
        }
    }

    /// A boolean field that may be missing or `null`.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, IngestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.err(key, format!("must be true or false, not {}", kind(v)))),
        }
    }

    /// The objects of an array field (missing: none), each with its path (`alerts[0]`).
    pub fn objects(&self, key: &str) -> Result<Vec<Item<'a>>, IngestError> {
        let Some(items) = self.opt_array(key)? else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let path = format!("{}[{i}]", self.field(key));
                match v {
                    Value::Object(m) => Ok((path, m)),
                    other => Err(IngestError::new(
                        &path,
                        format!("must be an object, not {}", kind(other)),
                    )),
                }
            })
            .collect()
    }
}

/// An object of an array, with its path (`alerts[0]`).
pub type Item<'a> = (String, &'a Map<String, Value>);
