//! Flags shared by the commands that compute figures: the policy.

use super::error::CommandError;
use logbook::projection::Policy;

/// The policy flags (DESIGN section 4); the defaults are the default policy.
#[derive(Debug, Clone, clap::Args)]
pub struct PolicyArgs {
    /// Weight of a partial outage in availability (a major outage weighs 1.0)
    #[arg(long, default_value_t = 0.3, value_name = "0..1")]
    partial_weight: f64,
    /// Count `degraded` as an outage (and as downtime at the partial weight)
    #[arg(long)]
    count_degraded: bool,
    /// Count maintenance as downtime and as breaking streaks
    #[arg(long)]
    include_maintenance: bool,
}

impl PolicyArgs {
    pub fn policy(&self) -> Result<Policy, CommandError> {
        logbook::app::policy(
            self.partial_weight,
            self.count_degraded,
            self.include_maintenance,
        )
        .map_err(|e| CommandError::from_app(e, ""))
    }
}
