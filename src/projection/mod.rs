//! Projections: pure folds that turn a stream of stored events into what people read
//! (incident summaries, metrics, timelines, streaks, stats, service levels). No I/O, no clock:
//! the caller passes "now" where a figure depends on it.

pub mod effective;
pub mod incident;
mod intervals;
pub mod metrics;
pub mod order;
pub mod policy;
pub mod public;
pub mod service;
pub mod sla;
pub mod span;
pub mod stats;
pub mod status;
pub mod streak;
pub mod timeline;
pub mod zone;

pub use effective::{Correction, Effective, corrected};
pub use incident::{Incident, Interval, Stamp, State};
pub use policy::Policy;

#[cfg(test)]
mod tests;
