//! The policy: the named rules that turn impact levels into figures. Printed beside every
//! figure; changeable per command.

use crate::event::Level;
use serde::Serialize;

/// What counts as down, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Policy {
    /// Weight of `partial_outage` in availability (a major outage weighs 1.0).
    pub partial_weight: f64,
    /// `degraded` counts as an outage (for streaks and counts) and weighs as much as a
    /// partial outage in availability; by default it weighs 0 and breaks no streak.
    pub count_degraded: bool,
    /// Maintenance counts against availability (weight 1.0) and breaks streaks.
    pub include_maintenance: bool,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            partial_weight: 0.3,
            count_degraded: false,
            include_maintenance: false,
        }
    }
}

impl Policy {
    /// The share of a second at `level` that counts as downtime.
    pub fn weight(&self, level: Level) -> f64 {
        match level {
            Level::MajorOutage => 1.0,
            Level::PartialOutage => self.partial_weight,
            Level::Degraded if self.count_degraded => self.partial_weight,
            Level::Maintenance if self.include_maintenance => 1.0,
            Level::Degraded | Level::Maintenance | Level::Operational => 0.0,
        }
    }

    /// Whether being at `level` makes an incident an outage of the service.
    pub fn is_outage(&self, level: Level) -> bool {
        match level {
            Level::MajorOutage | Level::PartialOutage => true,
            Level::Degraded => self.count_degraded,
            Level::Maintenance => self.include_maintenance,
            Level::Operational => false,
        }
    }

    /// One line for people, e.g. beside a table of figures.
    pub fn describe(&self) -> String {
        let degraded = if self.count_degraded {
            format!("degraded {} (an outage)", self.partial_weight)
        } else {
            "degraded 0".to_string()
        };
        let maintenance = if self.include_maintenance {
            "maintenance counts"
        } else {
            "maintenance excluded"
        };
        format!(
            "down = major_outage 1.0, partial_outage {}, {degraded}; {maintenance}",
            self.partial_weight
        )
    }
}
