//! The event types as one enum, [`EventType`]: the catalogue of DESIGN section 2, with each
//! type's name and own fields. What each type may do in its stream (open it, close it, follow
//! a close) is the table of rules in `type_rules`, read by every rule. Every table is an
//! exhaustive `match`, so a new type fails to compile wherever it must be decided.

use super::Body;
use serde::{Deserialize, Serialize};

/// The type of an event, as written in its `type` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Detected,
    ImpactStarted,
    Acknowledged,
    Escalated,
    VendorEngaged,
    VendorResponded,
    Diagnosed,
    ImpactChanged,
    RestoreStep,
    Restored,
    Resolved,
    Reopened,
    Announced,
    ActionItem,
    Note,
    MaintenanceScheduled,
    MaintenanceStarted,
    MaintenanceCompleted,
    MaintenanceCancelled,
    ServiceCommissioned,
    ServiceRetired,
    Amended,
    Retracted,
}

impl EventType {
    /// Every event type, in catalogue order.
    pub const ALL: [EventType; 23] = [
        EventType::Detected,
        EventType::ImpactStarted,
        EventType::Acknowledged,
        EventType::Escalated,
        EventType::VendorEngaged,
        EventType::VendorResponded,
        EventType::Diagnosed,
        EventType::ImpactChanged,
        EventType::RestoreStep,
        EventType::Restored,
        EventType::Resolved,
        EventType::Reopened,
        EventType::Announced,
        EventType::ActionItem,
        EventType::Note,
        EventType::MaintenanceScheduled,
        EventType::MaintenanceStarted,
        EventType::MaintenanceCompleted,
        EventType::MaintenanceCancelled,
        EventType::ServiceCommissioned,
        EventType::ServiceRetired,
        EventType::Amended,
        EventType::Retracted,
    ];

    /// The name written in `type`.
    pub const fn name(self) -> &'static str {
        match self {
            EventType::Detected => "detected",
            EventType::ImpactStarted => "impact_started",
            EventType::Acknowledged => "acknowledged",
            EventType::Escalated => "escalated",
            EventType::VendorEngaged => "vendor_engaged",
            EventType::VendorResponded => "vendor_responded",
            EventType::Diagnosed => "diagnosed",
            EventType::ImpactChanged => "impact_changed",
            EventType::RestoreStep => "restore_step",
            EventType::Restored => "restored",
            EventType::Resolved => "resolved",
            EventType::Reopened => "reopened",
            EventType::Announced => "announced",
            EventType::ActionItem => "action_item",
            EventType::Note => "note",
            EventType::MaintenanceScheduled => "maintenance_scheduled",
            EventType::MaintenanceStarted => "maintenance_started",
            EventType::MaintenanceCompleted => "maintenance_completed",
            EventType::MaintenanceCancelled => "maintenance_cancelled",
            EventType::ServiceCommissioned => "service_commissioned",
            EventType::ServiceRetired => "service_retired",
            EventType::Amended => "amended",
            EventType::Retracted => "retracted",
        }
    }

    /// The type written as `name`, if there is one.
    pub fn from_name(name: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether this type corrects another event (`amended`, `retracted`).
    pub const fn is_correction(self) -> bool {
        match self {
            EventType::Amended | EventType::Retracted => true,
            EventType::Detected
            | EventType::ImpactStarted
            | EventType::Acknowledged
            | EventType::Escalated
            | EventType::VendorEngaged
            | EventType::VendorResponded
            | EventType::Diagnosed
            | EventType::ImpactChanged
            | EventType::RestoreStep
            | EventType::Restored
            | EventType::Resolved
            | EventType::Reopened
            | EventType::Announced
            | EventType::ActionItem
            | EventType::Note
            | EventType::MaintenanceScheduled
            | EventType::MaintenanceStarted
            | EventType::MaintenanceCompleted
            | EventType::MaintenanceCancelled
            | EventType::ServiceCommissioned
            | EventType::ServiceRetired => false,
        }
    }

    /// The fields of this type beyond the common ones; required ones end with `*`. (`summary`,
    /// a common field, is required too where [`EventType::requires_summary`] says so.)
    pub const fn own_fields(self) -> &'static [&'static str] {
        match self {
            EventType::Detected => &["services*", "source", "level", "title"],
            EventType::ImpactStarted => &["services", "title"],
            EventType::Escalated => &["to*"],
            EventType::VendorEngaged => &["vendor*", "ticket", "channel"],
            EventType::VendorResponded => &["vendor*", "contact"],
            EventType::Diagnosed => &["cause"],
            EventType::ImpactChanged => &["services", "level*"],
            EventType::RestoreStep => &["state"],
            EventType::Restored | EventType::Reopened => &["services", "level"],
            EventType::Announced => &["channel", "audience", "title", "url", "text"],
            EventType::ActionItem => &["owner", "due"],
            EventType::Note => &["text*"],
            EventType::MaintenanceScheduled => {
                &["services*", "window_start*", "window_end*", "title"]
            }
            EventType::ServiceCommissioned | EventType::ServiceRetired => &["service*"],
            EventType::Amended => &["target*", "set*", "reason", "service"],
            EventType::Retracted => &["target*", "reason", "service"],
            EventType::Acknowledged
            | EventType::Resolved
            | EventType::MaintenanceStarted
            | EventType::MaintenanceCompleted
            | EventType::MaintenanceCancelled => &[],
        }
    }

    /// Whether `summary` (a common field) is required for this type.
    pub const fn requires_summary(self) -> bool {
        match self {
            EventType::RestoreStep | EventType::ActionItem => true,
            EventType::Detected
            | EventType::ImpactStarted
            | EventType::Acknowledged
            | EventType::Escalated
            | EventType::VendorEngaged
            | EventType::VendorResponded
            | EventType::Diagnosed
            | EventType::ImpactChanged
            | EventType::Restored
            | EventType::Resolved
            | EventType::Reopened
            | EventType::Announced
            | EventType::Note
            | EventType::MaintenanceScheduled
            | EventType::MaintenanceStarted
            | EventType::MaintenanceCompleted
            | EventType::MaintenanceCancelled
            | EventType::ServiceCommissioned
            | EventType::ServiceRetired
            | EventType::Amended
            | EventType::Retracted => false,
        }
    }
}

/// Every event type's name, in catalogue order (for lists of names: possible values, hints).
pub const TYPES: [&str; 23] = {
    let mut names = [""; 23];
    let mut i = 0;
    while i < names.len() {
        names[i] = EventType::ALL[i].name();
        i += 1;
    }
    names
};

impl Body {
    /// The type of this body.
    pub fn event_type(&self) -> EventType {
        match self {
            Body::Detected { .. } => EventType::Detected,
            Body::ImpactStarted { .. } => EventType::ImpactStarted,
            Body::Acknowledged {} => EventType::Acknowledged,
            Body::Escalated { .. } => EventType::Escalated,
            Body::VendorEngaged { .. } => EventType::VendorEngaged,
            Body::VendorResponded { .. } => EventType::VendorResponded,
            Body::Diagnosed { .. } => EventType::Diagnosed,
            Body::ImpactChanged { .. } => EventType::ImpactChanged,
            Body::RestoreStep { .. } => EventType::RestoreStep,
            Body::Restored { .. } => EventType::Restored,
            Body::Resolved {} => EventType::Resolved,
            Body::Reopened { .. } => EventType::Reopened,
            Body::Announced { .. } => EventType::Announced,
            Body::ActionItem { .. } => EventType::ActionItem,
            Body::Note { .. } => EventType::Note,
            Body::MaintenanceScheduled { .. } => EventType::MaintenanceScheduled,
            Body::MaintenanceStarted {} => EventType::MaintenanceStarted,
            Body::MaintenanceCompleted {} => EventType::MaintenanceCompleted,
            Body::MaintenanceCancelled {} => EventType::MaintenanceCancelled,
            Body::ServiceCommissioned {} => EventType::ServiceCommissioned,
            Body::ServiceRetired {} => EventType::ServiceRetired,
            Body::Amended { .. } => EventType::Amended,
            Body::Retracted { .. } => EventType::Retracted,
        }
    }

    /// The `type` this body is written with.
    pub fn type_name(&self) -> &'static str {
        self.event_type().name()
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_type_once_in_catalogue_order() {
        for (i, t) in EventType::ALL.into_iter().enumerate() {
            assert_eq!(t as usize, i, "{t}");
            assert_eq!(EventType::from_name(t.name()), Some(t));
            // The serde name is the written name.
            assert_eq!(serde_json::to_value(t).unwrap(), t.name());
        }
        assert_eq!(
            EventType::Retracted as usize + 1,
            EventType::ALL.len(),
            "a new type goes into ALL"
        );
        assert_eq!(EventType::from_name("detectd"), None);
    }
}
