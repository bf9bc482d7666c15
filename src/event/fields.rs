//! Reading the fields of one event object, one accessor per kind of value; every error names
//! its field.

use super::parse::{COMMON_FIELDS, FieldError, suggest};
use super::target::TargetRef;
use super::time::TimeError;
use super::{At, EventType, Name, Problem, TYPES};
use serde_json::{Map, Value};
use std::collections::HashSet;
use uuid::Uuid;

pub(super) fn missing(field: &str, ty: EventType) -> FieldError {
    FieldError::new(field, format!("required for {ty}"))
}

/// How a correction's `target` may be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Targets {
    /// As stored: the full id only.
    Ids,
    /// As new input: an id, a seq or an id prefix ([`TargetRef`]).
    References,
}

/// The remaining fields of one object; each accessor removes what it reads.
pub(super) struct Fields {
    map: Map<String, Value>,
    targets: Targets,
    /// The target of a correction as written, when read as a reference.
    reference: Option<TargetRef>,
}

impl Fields {
    pub(super) fn new(map: Map<String, Value>, targets: Targets) -> Fields {
        Fields {
            map,
            targets,
            reference: None,
        }
    }

    /// The correction's target as the writer named it (after [`Fields::body`] read it as a
    /// reference).
    pub(super) fn take_reference(&mut self) -> Option<TargetRef> {
        self.reference.take()
    }

    /// A correction's `target`. As a reference, the id when it is one, else the nil UUID as a
    /// placeholder until the store resolves the reference kept for
    /// [`Fields::take_reference`].
    pub(super) fn target(&mut self, ty: EventType) -> Result<Uuid, FieldError> {
        if self.targets == Targets::Ids {
            return self
                .opt_uuid("target")?
                .ok_or_else(|| missing("target", ty));
        }
        let Some(value) = self.take("target") else {
            return Err(missing("target", ty));
        };
        let reference = TargetRef::from_json(&value).map_err(|e| e.at("target"))?;
        let id = match &reference {
            TargetRef::Id(id) => *id,
            TargetRef::Seq(_) | TargetRef::Prefix(_) => Uuid::nil(),
        };
        self.reference = Some(reference);
        Ok(id)
    }

    /// The value of `key`; an optional field given as `null` counts as absent.
    pub(super) fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key).filter(|v| !v.is_null())
    }

    /// A whole number >= 0; `null` is refused, since leaving out a precondition must be
    /// deliberate.
    pub(super) fn opt_count(&mut self, key: &str) -> Result<Option<u64>, FieldError> {
        let Some(value) = self.map.remove(key) else {
            return Ok(None);
        };
        match value.as_u64() {
            Some(n) => Ok(Some(n)),
            None if value.is_null() => Err(FieldError::new(
                key,
                "must be a whole number >= 0, not null",
            )
            .with_problem(Problem::NullPrecondition {
                field: key.to_string(),
            })),
            None => Err(FieldError::new(
                key,
                format!("must be a whole number >= 0, not {value}"),
            )),
        }
    }

    pub(super) fn event_type(&mut self) -> Result<EventType, FieldError> {
        let problem = |suggestion| Problem::EventType { suggestion };
        let Some(value) = self.take("type") else {
            return Err(FieldError::new("type", "required").with_problem(problem(None)));
        };
        let Some(text) = value.as_str() else {
            return Err(
                FieldError::new("type", format!("must be a string, not {value}"))
                    .with_problem(problem(None)),
            );
        };
        match EventType::from_name(text) {
            Some(t) => Ok(t),
            None => {
                let message = format!("unknown event type `{text}`");
                let suggestion = suggest(text, TYPES.iter().copied());
                Err(FieldError::new("type", message).with_problem(problem(suggestion)))
            }
        }
    }

    pub(super) fn reject_unknown(&self, ty: EventType) -> Result<(), FieldError> {
        let own: Vec<&'static str> = ty
            .own_fields()
            .iter()
            .map(|f| f.trim_end_matches('*'))
            .collect();
        let known = || COMMON_FIELDS.iter().copied().chain(own.iter().copied());
        let Some(unknown) = self.map.keys().find(|k| !known().any(|f| f == k.as_str())) else {
            return Ok(());
        };
        let problem = Problem::UnknownField {
            ty: ty.name(),
            suggestion: suggest(unknown, known()),
            fields: own,
        };
        Err(FieldError::new(unknown, format!("unknown field for {ty}")).with_problem(problem))
    }

    pub(super) fn opt_text(&mut self, key: &str) -> Result<Option<String>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => {
                Err(FieldError::new(key, "must not be empty"))
            }
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(FieldError::new(key, format!("must be a string, not {v}"))),
        }
    }

    pub(super) fn req_text(&mut self, key: &str, ty: EventType) -> Result<String, FieldError> {
        self.opt_text(key)?.ok_or_else(|| missing(key, ty))
    }

    /// A string of one line (summaries show in one-line listings).
    pub(super) fn opt_line(&mut self, key: &str) -> Result<Option<String>, FieldError> {
        let text = self.opt_text(key)?;
        if text.as_deref().is_some_and(|t| t.contains(['\n', '\r'])) {
            return Err(FieldError::new(key, "must be one line").with_problem(Problem::MultiLine));
        }
        Ok(text)
    }

    pub(super) fn opt_bool(&mut self, key: &str) -> Result<Option<bool>, FieldError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(v) => Err(FieldError::new(
                key,
                format!("must be true or false, not {v}"),
            )),
        }
    }

    pub(super) fn opt_uuid(&mut self, key: &str) -> Result<Option<Uuid>, FieldError> {
        let Some(text) = self.opt_text(key)? else {
            return Ok(None);
        };
        let hyphenated = text.len() == 36;
        Uuid::try_parse(&text)
            .ok()
            .filter(|_| hyphenated)
            .map(Some)
            .ok_or_else(|| {
                FieldError::new(key, format!("`{text}` is not a UUID"))
                    .with_problem(Problem::NotAUuid)
            })
    }

    pub(super) fn opt_name(&mut self, key: &str) -> Result<Option<Name>, FieldError> {
        let Some(text) = self.opt_text(key)? else {
            return Ok(None);
        };
        Name::parse(&text)
            .map(Some)
            .map_err(|e| FieldError::new(key, e).with_problem(Problem::BadName))
    }

    pub(super) fn opt_names(&mut self, key: &str) -> Result<Option<Vec<Name>>, FieldError> {
        let Some(value) = self.take(key) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(FieldError::new(
                key,
                format!("must be a list of service names, not {value}"),
            )
            .with_problem(Problem::NotAServiceList));
        };
        if items.is_empty() {
            return Err(FieldError::new(key, "must name at least one service")
                .with_problem(Problem::NotAServiceList));
        }
        let mut names: Vec<Name> = Vec::with_capacity(items.len());
        // A set beside the list: checking each name against the list would be quadratic.
        let mut seen: HashSet<String> = HashSet::with_capacity(items.len());
        for item in items {
            let name = item
                .as_str()
                .ok_or_else(|| FieldError::new(key, format!("must hold strings, not {item}")))
                .and_then(|t| {
                    Name::parse(t).map_err(|e| FieldError::new(key, format!("service name {e}")))
                })?;
            if !seen.insert(name.as_str().to_string()) {
                return Err(FieldError::new(key, format!("names `{name}` twice")));
            }
            names.push(name);
        }
        Ok(Some(names))
    }

    pub(super) fn req_names(&mut self, key: &str, ty: EventType) -> Result<Vec<Name>, FieldError> {
        self.opt_names(key)?.ok_or_else(|| missing(key, ty))
    }

    pub(super) fn opt_at(&mut self, key: &str) -> Result<Option<At>, FieldError> {
        let Some(value) = self.take(key) else {
            return Ok(None);
        };
        let Some(text) = value.as_str() else {
            return Err(
                FieldError::new(key, format!("must be a string, not {value}"))
                    .with_problem(Problem::NotATime),
            );
        };
        At::read(text).map(Some).map_err(|e| {
            let problem = match e {
                TimeError::NotATime(_) => Problem::NotATime,
                TimeError::LeapSecond(_) => Problem::LeapSecond,
                TimeError::TooPrecise(_) => Problem::TooPrecise,
            };
            FieldError::new(key, e.to_string()).with_problem(problem)
        })
    }

    pub(super) fn req_at(&mut self, key: &str) -> Result<At, FieldError> {
        self.opt_at(key)?
            .ok_or_else(|| FieldError::new(key, "required").with_problem(Problem::NoTime))
    }

    pub(super) fn opt_enum<T: Copy>(
        &mut self,
        key: &str,
        values: &[(&str, T)],
    ) -> Result<Option<T>, FieldError> {
        let Some(value) = self.take(key) else {
            return Ok(None);
        };
        let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
        let found = value
            .as_str()
            .and_then(|t| values.iter().find(|(n, _)| *n == t));
        match found {
            Some((_, v)) => Ok(Some(*v)),
            None => Err(FieldError::new(
                key,
                format!("{value} is not one of {}", names.join(", ")),
            )),
        }
    }

    pub(super) fn req_enum<T: Copy>(
        &mut self,
        key: &str,
        ty: EventType,
        values: &[(&str, T)],
    ) -> Result<T, FieldError> {
        self.opt_enum(key, values)?.ok_or_else(|| missing(key, ty))
    }
}
