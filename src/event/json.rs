//! A strict reader of one JSON object: a key repeated in any object, at any depth, is an error
//! (plain `serde_json` keeps the last value), and so is anything after the object.
//!
//! It knows nothing about events, so it serves every reader of JSON objects: input lines,
//! `add --set`, stored events.

use super::FieldError;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// Reads `bytes` as exactly one JSON object (whitespace around it is allowed).
///
/// Errors, as a [`FieldError`]:
/// - a key that occurs twice in one object: the field is the key's path (`at`, `set.at`,
///   `list[2].key`), the message `duplicate field`;
/// - anything else, on field `-`: not JSON (serde_json's message, with line and column), not an
///   object (`expected a JSON object, not an array`), or data after the object.
///
/// Nesting is limited as in `serde_json` (128 levels). Numbers are read as `serde_json` reads
/// them into a [`Value`].
pub fn read_object(bytes: &[u8]) -> Result<Map<String, Value>, FieldError> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let map = ObjectSeed { found: &found }
        .deserialize(&mut de)
        .map_err(|e| found.take().unwrap_or_else(|| invalid(&e)))?;
    de.end().map_err(|e| {
        FieldError::new(
            "-",
            format!(
                "trailing data after the JSON object (column {})",
                e.column()
            ),
        )
    })?;
    Ok(map)
}

fn invalid(e: &serde_json::Error) -> FieldError {
    FieldError::new("-", format!("not valid JSON: {e}"))
}

/// The top level: an object, or an error naming what was found instead.
struct ObjectSeed<'a> {
    found: &'a RefCell<Option<FieldError>>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = Map<String, Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match d.deserialize_any(ValueSeed {
            found: self.found,
            path: String::new(),
        })? {
            Value::Object(map) => Ok(map),
            other => {
                let message = format!("expected a JSON object, not {}", kind(&other));
                *self.found.borrow_mut() = Some(FieldError::new("-", message.clone()));
                Err(de::Error::custom(message))
            }
        }
    }
}

/// Any value at `path`, checking the keys of every object inside it.
struct ValueSeed<'a> {
    found: &'a RefCell<Option<FieldError>>,
    path: String,
}

impl<'a> ValueSeed<'a> {
    fn at(&self, step: String) -> ValueSeed<'a> {
        ValueSeed {
            found: self.found,
            path: step,
        }
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) =
            seq.next_element_seed(self.at(format!("{}[{}]", self.path, items.len())))?
        {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            if map.contains_key(&key) {
                *self.found.borrow_mut() = Some(FieldError::new(&path, "duplicate field"));
                return Err(de::Error::custom(format!("{path}: duplicate field")));
            }
            let value = access.next_value_seed(self.at(path))?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// What kind of JSON value this is, for messages ("a string", "null").
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_objects_as_serde_json_does() {
        let text =
            r#" {"a":1,"b":[true,null,-2,1.5,"x",{"c":{}}],"d":{"e":18446744073709551615}} "#;
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            Value::Object(read_object(text.as_bytes()).unwrap()),
            expected
        );
    }

    #[test]
    fn refuses_each_bad_input_naming_where() {
        let cases: &[(&str, &str, &str)] = &[
            (r#"{"a":1,"a":2}"#, "a", "duplicate field"),
            (r#"{"a":1,"b":2,"a":1}"#, "a", "duplicate field"),
            (r#"{"set":{"at":1,"at":2}}"#, "set.at", "duplicate field"),
            (
                r#"{"x":[{"k":1},{"k":1,"k":2}]}"#,
                "x[1].k",
                "duplicate field",
            ),
            (
                r#"{"a":1} x"#,
                "-",
                "trailing data after the JSON object (column 9)",
            ),
            (
                r#"{"a":1}{"b":2}"#,
                "-",
                "trailing data after the JSON object (column 8)",
            ),
            ("[1]", "-", "expected a JSON object, not an array"),
            ("\"x\"", "-", "expected a JSON object, not a string"),
            ("null", "-", "expected a JSON object, not null"),
            (
                "{",
                "-",
                "not valid JSON: EOF while parsing an object at line 1 column 1",
            ),
            (
                "",
                "-",
                "not valid JSON: EOF while parsing a value at line 1 column 0",
            ),
            (
                r#"{"a":"\ud800"}"#,
                "-",
                "not valid JSON: unexpected end of hex escape at line 1 column 13",
            ),
        ];
        for (input, field, message) in cases {
            let e = read_object(input.as_bytes()).expect_err(input);
            assert_eq!(
                (e.field.as_str(), e.message.as_str()),
                (*field, *message),
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_invalid_utf8_and_deep_nesting() {
        let e = read_object(b"{\"a\":\"\xff\"}").unwrap_err();
        assert!(
            e.message.starts_with("not valid JSON: invalid unicode"),
            "{e}"
        );
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        let e = read_object(deep.as_bytes()).unwrap_err();
        assert!(e.message.contains("recursion limit"), "{e}");
    }
}
