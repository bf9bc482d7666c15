//! The built-in demo history.
/// The Sononaco story (DESIGN section 9) as JSON Lines.
pub const SONONACO: &str = include_str!("sononaco.jsonl");
