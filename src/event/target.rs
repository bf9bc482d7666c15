//! How a correction names the event it corrects (DESIGN section 2): by its id, by its seq, or
//! by a unique prefix of its id. Reading a reference is pure; the store finds the event it
//! names in the transaction that appends the correction, and the stored correction always holds
//! the full id.
//!
//! The forms, for `target` in a JSON line and for `TARGET` at the command line:
//! - a seq: a JSON number (`27`), or a string `"#27"`, or a string of fewer than 8 decimal
//!   digits (`"27"`); seqs start at 1;
//! - an id: 8-4-4-4-12 hex digits, either case;
//! - a prefix of an id of at least [`Prefix::MIN_DIGITS`] hex digits, either as the id is
//!   written (hyphens where the id has them: `0190c3a2-7b1e`) or without hyphens
//!   (`0190c3a27b1e`). From 8 digits on, a string of decimal digits is a prefix, not a seq:
//!   write a seq that long as `#12345678`.

use super::{Body, FieldError, Problem, Submission};
use serde_json::Value;
use std::fmt;
use std::ops::RangeInclusive;
use uuid::Uuid;

/// The target of a correction, as the writer named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetRef {
    Id(Uuid),
    Seq(u64),
    Prefix(Prefix),
}

/// The first hex digits of an event's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    /// As written (for messages).
    text: String,
    /// How many hex digits it has.
    digits: u32,
    /// Their value.
    value: u128,
}

/// Why a value does not name an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetRefError {
    #[error("seqs start at 1")]
    ZeroSeq,
    #[error("prefix must be at least {} hex digits", Prefix::MIN_DIGITS)]
    ShortPrefix,
    #[error("must not be empty")]
    Empty,
    #[error("`{0}` is not a seq, an event id or an id prefix")]
    NotATarget(String),
}

impl TargetRefError {
    /// The error as one about `field`.
    pub fn at(self, field: &str) -> FieldError {
        let problem = match self {
            TargetRefError::Empty => None,
            TargetRefError::ZeroSeq
            | TargetRefError::ShortPrefix
            | TargetRefError::NotATarget(_) => Some(Problem::NotATarget),
        };
        FieldError {
            field: field.to_string(),
            message: self.to_string(),
            problem,
        }
    }
}

/// Where a hyphen stands in an id written 8-4-4-4-12.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];

impl Prefix {
    /// The fewest hex digits a prefix may have.
    pub const MIN_DIGITS: usize = 8;

    /// The prefix as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Every id (as `u128`) that starts with this prefix: for `k` digits of value `p`, the
    /// range from `p << (128 - 4k)` to the same with every lower bit set.
    pub fn ids(&self) -> RangeInclusive<u128> {
        let free = 128 - 4 * self.digits;
        let low = self.value.checked_shl(free).unwrap_or(0);
        let rest = u128::MAX.checked_shr(4 * self.digits).unwrap_or(0);
        low..=(low | rest)
    }

    /// Whether the prefix is all decimal digits (and so could have been meant as a seq).
    pub fn is_decimal(&self) -> bool {
        self.text.bytes().all(|b| b.is_ascii_digit())
    }

    /// Reads a prefix: hex digits, with hyphens only where an id has them, or none at all.
    fn parse(text: &str) -> Option<Result<Prefix, TargetRefError>> {
        let hyphenated = text.contains('-');
        let shape_ok = text.char_indices().all(|(i, c)| {
            if HYPHENS.contains(&i) && hyphenated {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
        let digits: String = text.chars().filter(|c| *c != '-').collect();
        if !shape_ok || digits.len() > 32 {
            return None;
        }
        if digits.len() < Prefix::MIN_DIGITS {
            return Some(Err(TargetRefError::ShortPrefix));
        }
        let value = u128::from_str_radix(&digits, 16).ok()?;
        Some(Ok(Prefix {
            text: text.to_string(),
            digits: u32::try_from(digits.len()).ok()?,
            value,
        }))
    }
}

impl TargetRef {
    /// Reads the `target` of a JSON line: a whole number is a seq, a string any of the forms.
    pub fn from_json(value: &Value) -> Result<TargetRef, TargetRefError> {
        match value {
            Value::String(text) => TargetRef::parse(text),
            Value::Number(n) => match n.as_u64() {
                Some(0) => Err(TargetRefError::ZeroSeq),
                Some(seq) => Ok(TargetRef::Seq(seq)),
                None => Err(TargetRefError::NotATarget(n.to_string())),
            },
            other => Err(TargetRefError::NotATarget(other.to_string())),
        }
    }

    /// Reads a reference written as text (a JSON string, or `TARGET` at the command line).
    pub fn parse(text: &str) -> Result<TargetRef, TargetRefError> {
        if text.trim().is_empty() {
            return Err(TargetRefError::Empty);
        }
        let not_a_target = || TargetRefError::NotATarget(text.to_string());
        let decimal = |digits: &str| {
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(not_a_target());
            }
            match digits.parse::<u64>() {
                Ok(0) => Err(TargetRefError::ZeroSeq),
                Ok(seq) => Ok(TargetRef::Seq(seq)),
                Err(_) => Err(not_a_target()),
            }
        };
        if let Some(digits) = text.strip_prefix('#') {
            return decimal(digits);
        }
        if text.len() < Prefix::MIN_DIGITS && text.bytes().all(|b| b.is_ascii_digit()) {
            return decimal(text);
        }
        if text.len() == 36
            && let Ok(id) = Uuid::try_parse(text)
        {
            return Ok(TargetRef::Id(id));
        }
        match Prefix::parse(text) {
            Some(prefix) => prefix.map(TargetRef::Prefix),
            None => Err(not_a_target()),
        }
    }
}

impl Submission {
    /// Fills in the full id of the event the correction's reference names, once the store has
    /// found it (an event that is no correction is left as it is).
    pub fn resolve(&mut self, id: Uuid) {
        self.target = None;
        match &mut self.event.body {
            Body::Amended { target, .. } | Body::Retracted { target, .. } => *target = id,
            Body::Detected { .. }
            | Body::ImpactStarted { .. }
            | Body::Acknowledged {}
            | Body::Escalated { .. }
            | Body::VendorEngaged { .. }
            | Body::VendorResponded { .. }
            | Body::Diagnosed { .. }
            | Body::ImpactChanged { .. }
            | Body::RestoreStep { .. }
            | Body::Restored { .. }
            | Body::Resolved {}
            | Body::Reopened { .. }
            | Body::Announced { .. }
            | Body::ActionItem { .. }
            | Body::Note { .. }
            | Body::MaintenanceScheduled { .. }
            | Body::MaintenanceStarted {}
            | Body::MaintenanceCompleted {}
            | Body::MaintenanceCancelled {}
            | Body::ServiceCommissioned {}
            | Body::ServiceRetired {} => {}
        }
    }
}

impl fmt::Display for TargetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetRef::Id(id) => write!(f, "{id}"),
            TargetRef::Seq(seq) => write!(f, "#{seq}"),
            TargetRef::Prefix(p) => f.write_str(p.as_str()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41";

    fn prefix(text: &str) -> Prefix {
        match TargetRef::parse(text) {
            Ok(TargetRef::Prefix(p)) => p,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn reads_a_seq_as_a_number_as_hash_digits_or_as_short_digits() {
        assert_eq!(TargetRef::from_json(&27.into()), Ok(TargetRef::Seq(27)));
        assert_eq!(TargetRef::parse("#27"), Ok(TargetRef::Seq(27)));
        assert_eq!(TargetRef::parse("27"), Ok(TargetRef::Seq(27)));
        assert_eq!(TargetRef::parse("1234567"), Ok(TargetRef::Seq(1_234_567)));
        assert_eq!(
            TargetRef::parse("#123456789012"),
            Ok(TargetRef::Seq(123_456_789_012))
        );
        assert_eq!(TargetRef::parse("#007"), Ok(TargetRef::Seq(7)));
    }

    #[test]
    fn refuses_seq_zero_and_numbers_that_are_no_seq() {
        assert_eq!(
            TargetRef::from_json(&0.into()),
            Err(TargetRefError::ZeroSeq)
        );
        assert_eq!(TargetRef::parse("#0"), Err(TargetRefError::ZeroSeq));
        assert_eq!(TargetRef::parse("0"), Err(TargetRefError::ZeroSeq));
        for value in [
            serde_json::json!(-3),
            serde_json::json!(1.5),
            serde_json::json!(true),
        ] {
            assert_eq!(
                TargetRef::from_json(&value),
                Err(TargetRefError::NotATarget(value.to_string()))
            );
        }
        for text in ["#", "#-1", "#2x", "# 2", "#99999999999999999999", " 27"] {
            assert_eq!(
                TargetRef::parse(text),
                Err(TargetRefError::NotATarget(text.to_string())),
                "{text}"
            );
        }
        assert_eq!(TargetRef::parse(" "), Err(TargetRefError::Empty));
    }

    #[test]
    fn reads_a_full_id_in_either_case() {
        let id = Uuid::try_parse(ID).unwrap();
        assert_eq!(TargetRef::parse(ID), Ok(TargetRef::Id(id)));
        assert_eq!(TargetRef::parse(&ID.to_uppercase()), Ok(TargetRef::Id(id)));
        assert_eq!(TargetRef::from_json(&ID.into()), Ok(TargetRef::Id(id)));
    }

    #[test]
    fn reads_a_prefix_with_or_without_the_ids_hyphens() {
        let plain = prefix("0190c3a27b1e");
        let hyphens = prefix("0190c3a2-7b1e");
        assert_eq!(plain.ids(), hyphens.ids());
        assert_eq!(prefix("0190C3A2").ids(), prefix("0190c3a2").ids());
        // Decimal digits from 8 on are a prefix, not a seq.
        assert!(prefix("12345678").is_decimal());
        assert!(!plain.is_decimal());
        assert_eq!(hyphens.as_str(), "0190c3a2-7b1e");
        // Every prefix of the id as written, down to 8 digits, names it.
        let id = Uuid::try_parse(ID).unwrap().as_u128();
        for end in 8..36 {
            let text = &ID[..end];
            assert!(prefix(text).ids().contains(&id), "{text}");
        }
        // 32 digits without hyphens name exactly one id.
        assert_eq!(prefix(&ID.replace('-', "")).ids(), id..=id);
    }

    #[test]
    fn a_prefix_of_k_digits_covers_the_ids_that_start_with_them() {
        assert_eq!(
            prefix("0190a1b2").ids(),
            0x0190_a1b2_u128 << 96..=(0x0190_a1b3_u128 << 96) - 1
        );
        let p = prefix("ffffffff-ffff-ffff-ffff-ffff");
        assert_eq!(p.ids(), (u128::MAX << 32)..=u128::MAX);
    }

    #[test]
    fn refuses_short_prefixes_and_misplaced_hyphens() {
        assert_eq!(
            TargetRef::parse("0190c3a"),
            Err(TargetRefError::ShortPrefix)
        );
        assert_eq!(TargetRef::parse("abc"), Err(TargetRefError::ShortPrefix));
        for text in [
            "0190-c3a27b1e",
            "0190c3a2--7b1e",
            "0190c3a2-7b1e7cc0",
            "event-17",
            "0190c3a2g",
            "0190c3a27b1e7cc08f003a5d2e6b9f41a",
        ] {
            assert_eq!(
                TargetRef::parse(text),
                Err(TargetRefError::NotATarget(text.to_string())),
                "{text}"
            );
        }
    }

    #[test]
    fn shows_a_reference_as_it_can_be_written_again() {
        assert_eq!(TargetRef::Seq(27).to_string(), "#27");
        assert_eq!(
            TargetRef::Prefix(prefix("0190c3a2-7b")).to_string(),
            "0190c3a2-7b"
        );
        assert_eq!(TargetRef::parse(ID).unwrap().to_string(), ID);
    }

    /// A retraction of incident `i` with `target` spliced in as JSON.
    fn retraction(target: &str) -> String {
        format!(r#"{{"type":"retracted","incident":"i","at":"2011-06-17","target":{target}}}"#)
    }

    #[test]
    fn new_input_keeps_the_reference_until_the_store_resolves_it() {
        let mut sub = crate::event::parse_line(&retraction("27")).unwrap();
        assert_eq!(sub.target, Some(TargetRef::Seq(27)));
        assert!(matches!(sub.event.body, Body::Retracted { target, .. } if target.is_nil()));
        let id = Uuid::try_parse(ID).unwrap();
        sub.resolve(id);
        assert_eq!(sub.target, None);
        assert!(matches!(sub.event.body, Body::Retracted { target, .. } if target == id));

        let sub = crate::event::parse_line(&retraction(&format!("\"{ID}\""))).unwrap();
        assert_eq!(sub.target, Some(TargetRef::Id(id)));
        assert!(matches!(sub.event.body, Body::Retracted { target, .. } if target == id));
        let amended = r##"{"type":"amended","incident":"i","at":"2011-06-17","target":"#3","set":{"at":"2011-06-16"}}"##;
        let sub = crate::event::parse_line(amended).unwrap();
        assert_eq!(sub.target, Some(TargetRef::Seq(3)));
    }

    #[test]
    fn a_stored_event_names_its_target_by_full_id_only() {
        for target in ["27", "\"#27\"", "\"0190c3a2\""] {
            let map = crate::event::json::read_object(retraction(target).as_bytes()).unwrap();
            let e = crate::event::parse::parse_object(map).unwrap_err();
            assert_eq!(e.field, "target", "{target}");
        }
        let map = crate::event::json::read_object(retraction(&format!("\"{ID}\"")).as_bytes());
        let sub = crate::event::parse::parse_object(map.unwrap()).unwrap();
        assert_eq!(sub.target, None);
    }

    #[test]
    fn a_bad_reference_is_refused_naming_the_field() {
        let cases = [
            ("\"0190c3a\"", "prefix must be at least 8 hex digits"),
            ("0", "seqs start at 1"),
            ("\"#0\"", "seqs start at 1"),
            ("-2", "`-2` is not a seq, an event id or an id prefix"),
            (
                "\"event-17\"",
                "`event-17` is not a seq, an event id or an id prefix",
            ),
            ("\"\"", "must not be empty"),
        ];
        for (target, message) in cases {
            let e = crate::event::parse_line(&retraction(target)).unwrap_err();
            assert_eq!((e.field.as_str(), e.message.as_str()), ("target", message));
        }
        let e = crate::event::parse_line(&retraction("\"0190c3a\"")).unwrap_err();
        assert_eq!(e.problem, Some(Problem::NotATarget));
    }
}
