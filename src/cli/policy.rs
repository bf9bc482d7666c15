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
        if !(0.0..=1.0).contains(&self.partial_weight) {
            return Err(CommandError::usage(format!(
                "--partial-weight: {} is not between 0 and 1",
                self.partial_weight
            )));
        }
        Ok(Policy {
            partial_weight: self.partial_weight,
            count_degraded: self.count_degraded,
            include_maintenance: self.include_maintenance,
        })
    }
}
