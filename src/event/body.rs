//! Building each type's [`Body`] from its own fields, and the words its enum fields take.

use super::fields::{Fields, missing};
use super::parse::FieldError;
use super::{Body, Channel, EventType, Level, Problem, RestoreLevel, Source, StepState};
use serde_json::Value;

const DETECTED_LEVELS: &[(&str, Level)] = &[
    ("degraded", Level::Degraded),
    ("partial_outage", Level::PartialOutage),
    ("major_outage", Level::MajorOutage),
];
const IMPACT_LEVELS: &[(&str, Level)] = &[
    ("operational", Level::Operational),
    ("degraded", Level::Degraded),
    ("partial_outage", Level::PartialOutage),
    ("major_outage", Level::MajorOutage),
];
/// The levels an impact can come back at (`reopened`): not `operational`.
const REOPEN_LEVELS: &[(&str, Level)] = &[
    ("degraded", Level::Degraded),
    ("partial_outage", Level::PartialOutage),
    ("major_outage", Level::MajorOutage),
];
const SOURCES: &[(&str, Source)] = &[
    ("monitoring", Source::Monitoring),
    ("customer", Source::Customer),
    ("staff", Source::Staff),
    ("vendor", Source::Vendor),
];
const STEP_STATES: &[(&str, StepState)] =
    &[("started", StepState::Started), ("done", StepState::Done)];
const RESTORE_LEVELS: &[(&str, RestoreLevel)] = &[
    ("partial", RestoreLevel::Partial),
    ("full", RestoreLevel::Full),
];
const CHANNELS: &[(&str, Channel)] = &[
    ("blog", Channel::Blog),
    ("twitter", Channel::Twitter),
    ("status_page", Channel::StatusPage),
    ("email", Channel::Email),
    ("other", Channel::Other),
];

impl Fields {
    /// Builds the type's body from its own fields. Exhaustive over [`EventType`].
    pub(super) fn body(&mut self, ty: EventType) -> Result<Body, FieldError> {
        Ok(match ty {
            EventType::Detected => Body::Detected {
                services: self.req_names("services", ty)?,
                source: self.opt_enum("source", SOURCES)?,
                level: self.opt_enum("level", DETECTED_LEVELS)?,
                title: self.opt_text("title")?,
            },
            EventType::ImpactStarted => Body::ImpactStarted {
                services: self.opt_names("services")?,
                title: self.opt_text("title")?,
            },
            EventType::Acknowledged => Body::Acknowledged {},
            EventType::Escalated => Body::Escalated {
                to: self.req_text("to", ty)?,
            },
            EventType::VendorEngaged => Body::VendorEngaged {
                vendor: self.req_text("vendor", ty)?,
                ticket: self.opt_text("ticket")?,
                channel: self.opt_text("channel")?,
            },
            EventType::VendorResponded => Body::VendorResponded {
                vendor: self.req_text("vendor", ty)?,
                contact: self.opt_text("contact")?,
            },
            EventType::Diagnosed => Body::Diagnosed {
                cause: self.opt_text("cause")?,
            },
            EventType::ImpactChanged => Body::ImpactChanged {
                services: self.opt_names("services")?,
                level: self.req_enum("level", ty, IMPACT_LEVELS)?,
            },
            EventType::RestoreStep => Body::RestoreStep {
                state: self.opt_enum("state", STEP_STATES)?,
            },
            EventType::Restored => Body::Restored {
                services: self.opt_names("services")?,
                level: self.opt_enum("level", RESTORE_LEVELS)?,
            },
            EventType::Resolved => Body::Resolved {},
            EventType::Reopened => Body::Reopened {
                services: self.opt_names("services")?,
                level: self.opt_enum("level", REOPEN_LEVELS)?,
            },
            EventType::Announced => Body::Announced {
                channel: self.opt_enum("channel", CHANNELS)?,
                audience: self.opt_text("audience")?,
                title: self.opt_text("title")?,
                url: self.opt_text("url")?,
                text: self.opt_text("text")?,
            },
            EventType::ActionItem => Body::ActionItem {
                owner: self.opt_text("owner")?,
                due: self.opt_at("due")?,
            },
            EventType::Note => Body::Note {
                text: self.req_text("text", ty)?,
            },
            EventType::MaintenanceScheduled => Body::MaintenanceScheduled {
                services: self.req_names("services", ty)?,
                window_start: self
                    .opt_at("window_start")?
                    .ok_or_else(|| missing("window_start", ty))?,
                window_end: self
                    .opt_at("window_end")?
                    .ok_or_else(|| missing("window_end", ty))?,
                title: self.opt_text("title")?,
            },
            EventType::MaintenanceStarted => Body::MaintenanceStarted {},
            EventType::MaintenanceCompleted => Body::MaintenanceCompleted {},
            EventType::MaintenanceCancelled => Body::MaintenanceCancelled {},
            EventType::ServiceCommissioned => Body::ServiceCommissioned {},
            EventType::ServiceRetired => Body::ServiceRetired {},
            EventType::Amended => {
                let target = self.target(ty)?;
                let set = match self.take("set") {
                    None => return Err(missing("set", ty)),
                    Some(Value::Object(m)) if m.is_empty() => {
                        return Err(FieldError::new("set", "must replace at least one field"));
                    }
                    Some(Value::Object(m)) => m,
                    Some(v) => {
                        return Err(FieldError::new(
                            "set",
                            format!("must be an object of replaced fields, not {v}"),
                        )
                        .with_problem(Problem::SetNotAnObject));
                    }
                };
                Body::Amended {
                    target,
                    set,
                    reason: self.opt_text("reason")?,
                }
            }
            EventType::Retracted => Body::Retracted {
                target: self.target(ty)?,
                reason: self.opt_text("reason")?,
            },
        })
    }
}
