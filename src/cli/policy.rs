//! Flags shared by the commands that compute figures: the policy.

use super::error::CommandError;
use logbook::projection::Policy;

/// The policy flags (DESIGN section 4), over the config file's `[policy]`, over the default
/// policy.
#[derive(Debug, Clone, clap::Args)]
pub struct PolicyArgs {
    /// Weight of a partial outage in availability (a major outage weighs 1.0) [default: the
    /// config file's, else 0.3]
    #[arg(long, value_name = "0..1")]
    partial_weight: Option<f64>,
    /// Count `degraded` as an outage (and as downtime at the partial weight)
    #[arg(long)]
    count_degraded: bool,
    /// Count maintenance as downtime and as breaking streaks
    #[arg(long)]
    include_maintenance: bool,
}

impl PolicyArgs {
    /// The flags over `base` (the config file's policy): a flag given wins.
    pub fn policy(&self, base: Policy) -> Result<Policy, CommandError> {
        logbook::app::policy(
            self.partial_weight.unwrap_or(base.partial_weight),
            self.count_degraded || base.count_degraded,
            self.include_maintenance || base.include_maintenance,
        )
        .map_err(|e| CommandError::from_app(e, "--partial-weight"))
    }
}
