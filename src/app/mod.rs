//! Use cases shared by the command line and the HTTP server: append with receipts and a
//! tally, find an incident, list incidents, build a report, the streak board, stats and the
//! status site. Pure of clap and axum: `cli/` and `http/` are thin layers that read their
//! input, call these and show the result; [`wire`] holds the JSON both of them send.

pub mod append;
mod error;
pub mod incidents;
pub mod site;
pub mod stats;
pub mod streak;
pub mod tokens;
pub mod wire;

pub use error::AppError;

use crate::projection::Policy;

/// The policy of the figures (DESIGN section 4) from its three settings, checked.
pub fn policy(
    partial_weight: f64,
    count_degraded: bool,
    include_maintenance: bool,
) -> Result<Policy, AppError> {
    if !(0.0..=1.0).contains(&partial_weight) {
        return Err(AppError::PartialWeight {
            value: partial_weight,
        });
    }
    Ok(Policy {
        partial_weight,
        count_degraded,
        include_maintenance,
    })
}
