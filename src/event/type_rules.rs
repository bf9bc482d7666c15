//! The table of rules of each [`EventType`], one exhaustive `match` per rule: which stream a
//! type opens, belongs to or closes, what may follow a close, what it may not be dated before.
//! The append rules, the stream states and the timelines all read it.

use super::EventType;
use super::rules::Kind;

/// What an event may not be dated before in its incident (the plausibility rules of DESIGN
/// section 2), unless forced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotBefore {
    /// The first `detected` (else the first event).
    Detection,
    /// The incident's first event in time.
    FirstEvent,
}

/// A constant list of type names: those for which `$first` holds, then those for which only
/// `$then` holds, each in catalogue order.
macro_rules! names_where {
    ($first:ident, $then:ident) => {{
        const fn pick(t: EventType, round: usize) -> bool {
            match round {
                0 => t.$first(),
                _ => !t.$first() && t.$then(),
            }
        }
        const LEN: usize = {
            let (mut n, mut i) = (0, 0);
            while i < EventType::ALL.len() {
                n += pick(EventType::ALL[i], 0) as usize + pick(EventType::ALL[i], 1) as usize;
                i += 1;
            }
            n
        };
        const NAMES: [&str; LEN] = {
            let (mut out, mut n, mut round) = ([""; LEN], 0, 0);
            while round < 2 {
                let mut i = 0;
                while i < EventType::ALL.len() {
                    if pick(EventType::ALL[i], round) {
                        out[n] = EventType::ALL[i].name();
                        n += 1;
                    }
                    i += 1;
                }
                round += 1;
            }
            out
        };
        &NAMES
    }};
}

impl EventType {
    /// The names of the types that may follow an incident's close whenever they occurred
    /// ([`after_close`]): those that may follow any close first, then `reopened`.
    ///
    /// [`after_close`]: EventType::after_close
    pub const AFTER_CLOSE: &'static [&'static str] = names_where!(after_retired, after_close);

    /// The names of the types that may follow a service's retirement ([`after_retired`]).
    ///
    /// [`after_retired`]: EventType::after_retired
    pub const AFTER_RETIRED: &'static [&'static str] = names_where!(after_retired, after_retired);

    /// The kind of stream an event of this type opens, if it may open one.
    pub const fn opens(self) -> Option<Kind> {
        match self {
            EventType::Detected | EventType::ImpactStarted => Some(Kind::Unplanned),
            EventType::MaintenanceScheduled => Some(Kind::Maintenance),
            EventType::ServiceCommissioned | EventType::ServiceRetired => Some(Kind::Service),
            EventType::Acknowledged
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
            | EventType::MaintenanceStarted
            | EventType::MaintenanceCompleted
            | EventType::MaintenanceCancelled
            | EventType::Amended
            | EventType::Retracted => None,
        }
    }

    /// The one kind of stream events of this type belong to; `None`: any incident (and, for
    /// corrections, a service too).
    pub const fn belongs_to(self) -> Option<Kind> {
        match self {
            EventType::Detected | EventType::ImpactStarted | EventType::Reopened => {
                Some(Kind::Unplanned)
            }
            EventType::MaintenanceScheduled
            | EventType::MaintenanceStarted
            | EventType::MaintenanceCompleted
            | EventType::MaintenanceCancelled => Some(Kind::Maintenance),
            EventType::ServiceCommissioned | EventType::ServiceRetired => Some(Kind::Service),
            EventType::Acknowledged
            | EventType::Escalated
            | EventType::VendorEngaged
            | EventType::VendorResponded
            | EventType::Diagnosed
            | EventType::ImpactChanged
            | EventType::RestoreStep
            | EventType::Restored
            | EventType::Resolved
            | EventType::Announced
            | EventType::ActionItem
            | EventType::Note
            | EventType::Amended
            | EventType::Retracted => None,
        }
    }

    /// Whether an event of this type closes its stream (an incident, or a service's history).
    pub const fn closes(self) -> bool {
        match self {
            EventType::Resolved
            | EventType::MaintenanceCompleted
            | EventType::MaintenanceCancelled
            | EventType::ServiceRetired => true,
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
            | EventType::Reopened
            | EventType::Announced
            | EventType::ActionItem
            | EventType::Note
            | EventType::MaintenanceScheduled
            | EventType::MaintenanceStarted
            | EventType::ServiceCommissioned
            | EventType::Amended
            | EventType::Retracted => false,
        }
    }

    /// Whether an event of this type may follow an incident's close whenever it occurred
    /// (follow-ups, corrections and `reopened`); any other type only as a late entry, dated at
    /// or before the close.
    pub const fn after_close(self) -> bool {
        match self {
            EventType::Announced
            | EventType::ActionItem
            | EventType::Note
            | EventType::Reopened
            | EventType::Amended
            | EventType::Retracted => true,
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
            | EventType::MaintenanceScheduled
            | EventType::MaintenanceStarted
            | EventType::MaintenanceCompleted
            | EventType::MaintenanceCancelled
            | EventType::ServiceCommissioned
            | EventType::ServiceRetired => false,
        }
    }

    /// Whether an event of this type may follow a service's retirement: what may follow an
    /// incident's close, except `reopened` (a service is not reopened; it is commissioned).
    pub const fn after_retired(self) -> bool {
        self.after_close() && !matches!(self, EventType::Reopened)
    }

    /// What an event of this type is implausible before in its incident, if anything: a
    /// response before the detection, an end before the incident began.
    pub const fn not_before(self) -> Option<NotBefore> {
        match self {
            EventType::Acknowledged | EventType::Escalated => Some(NotBefore::Detection),
            EventType::VendorResponded
            | EventType::Diagnosed
            | EventType::RestoreStep
            | EventType::Restored
            | EventType::Resolved
            | EventType::MaintenanceStarted
            | EventType::MaintenanceCompleted => Some(NotBefore::FirstEvent),
            EventType::Detected
            | EventType::ImpactStarted
            | EventType::VendorEngaged
            | EventType::ImpactChanged
            | EventType::Reopened
            | EventType::Announced
            | EventType::ActionItem
            | EventType::Note
            | EventType::MaintenanceScheduled
            | EventType::MaintenanceCancelled
            | EventType::ServiceCommissioned
            | EventType::ServiceRetired
            | EventType::Amended
            | EventType::Retracted => None,
        }
    }

    /// Whether an event of this type, dated after its incident's first event, leaves the
    /// incident's [`Standing`] as it was: it changes neither when the incident opened, nor its
    /// detection or window, nor whether it is closed.
    ///
    /// [`Standing`]: super::rules::Standing
    pub const fn keeps_standing(self) -> bool {
        match self {
            EventType::Acknowledged
            | EventType::Escalated
            | EventType::VendorEngaged
            | EventType::VendorResponded
            | EventType::Diagnosed
            | EventType::RestoreStep
            | EventType::Announced
            | EventType::ActionItem
            | EventType::Note
            | EventType::MaintenanceStarted => true,
            // A restore moves the latest restore, which a resolve is checked against; so does
            // an impact change (impact again after a restore means it was not the last).
            EventType::Restored
            | EventType::ImpactChanged
            | EventType::Detected
            | EventType::ImpactStarted
            | EventType::Resolved
            | EventType::Reopened
            | EventType::MaintenanceScheduled
            | EventType::MaintenanceCompleted
            | EventType::MaintenanceCancelled
            | EventType::ServiceCommissioned
            | EventType::ServiceRetired
            | EventType::Amended
            | EventType::Retracted => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_of_what_may_follow_a_close() {
        assert_eq!(
            EventType::AFTER_CLOSE,
            [
                "announced",
                "action_item",
                "note",
                "amended",
                "retracted",
                "reopened"
            ]
        );
        assert_eq!(
            EventType::AFTER_RETIRED,
            ["announced", "action_item", "note", "amended", "retracted"]
        );
    }

    #[test]
    fn what_opens_a_stream_belongs_to_it() {
        for t in EventType::ALL {
            if let Some(kind) = t.opens() {
                assert_eq!(t.belongs_to(), Some(kind), "{t}");
            }
        }
    }
}
