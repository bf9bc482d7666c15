//! One-line descriptions of events, for listings: the summary when there is one, else the
//! type's own fields in words.

use super::{Body, Event};

impl Event {
    /// [`Event::describe`], or the type in words when there is nothing more to say (a list
    /// of restore steps shows "restored", not an empty line).
    pub fn headline(&self) -> String {
        let text = self.describe();
        if text.is_empty() {
            self.type_name().replace('_', " ")
        } else {
            text
        }
    }

    /// What a detection found, for a sentence that already says who found it ("Detected by
    /// monitoring at …: db major outage"): the summary, else the services and level.
    pub fn finding(&self) -> String {
        if let Some(summary) = &self.summary {
            return summary.clone();
        }
        let services: Vec<&str> = self.services().iter().map(|s| s.as_str()).collect();
        match &self.body {
            Body::Detected {
                level: Some(level), ..
            } => format!("{} {}", services.join(", "), level_word(*level)),
            _ => services.join(", "),
        }
    }

    /// A short line saying what the event records.
    pub fn describe(&self) -> String {
        let services = || {
            self.services()
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let own = match &self.body {
            Body::Detected { level, source, .. } => {
                let level = level
                    .map(|l| format!(" {}", level_word(l)))
                    .unwrap_or_default();
                let source = source
                    .map(|s| format!(" (via {})", word(&s)))
                    .unwrap_or_default();
                format!("{}{level}{source}", services())
            }
            Body::ImpactStarted { .. } | Body::MaintenanceScheduled { .. } => services(),
            Body::Restored { level, .. } => match level {
                Some(super::RestoreLevel::Partial) => {
                    format!("{} partly", services()).trim().to_string()
                }
                Some(super::RestoreLevel::Full) | None => services(),
            },
            Body::ImpactChanged { level, .. } => {
                format!("{} now {}", services(), level_word(*level))
                    .trim()
                    .to_string()
            }
            Body::Reopened { level, .. } => format!(
                "{} {} again",
                services(),
                level_word(level.unwrap_or(super::Level::MajorOutage))
            )
            .trim()
            .to_string(),
            Body::Escalated { to } => format!("to {to}"),
            Body::VendorEngaged { vendor, ticket, .. } => match ticket {
                Some(t) => format!("{vendor}, ticket {t}"),
                None => vendor.clone(),
            },
            Body::VendorResponded { vendor, contact } => match contact {
                Some(c) => format!("{vendor} ({c})"),
                None => vendor.clone(),
            },
            Body::Diagnosed { cause } => cause.clone().unwrap_or_default(),
            Body::Announced { channel, title, .. } => {
                let channel = channel
                    .map(|c| format!("on {}", word(&c)))
                    .unwrap_or_default();
                format!("{} {channel}", title.clone().unwrap_or_default())
                    .trim()
                    .to_string()
            }
            Body::Note { text } => text.clone(),
            Body::ActionItem { owner, .. } => owner
                .clone()
                .map(|o| format!("owner {o}"))
                .unwrap_or_default(),
            Body::Amended { target, set, .. } => {
                let fields: Vec<&str> = set.keys().map(String::as_str).collect();
                format!("corrects {} of {target}", fields.join(", "))
            }
            Body::Retracted { target, .. } => format!("withdraws {target}"),
            Body::Acknowledged {}
            | Body::RestoreStep { .. }
            | Body::Resolved {}
            | Body::MaintenanceStarted {}
            | Body::MaintenanceCompleted {}
            | Body::MaintenanceCancelled {}
            | Body::ServiceCommissioned {}
            | Body::ServiceRetired {} => String::new(),
        };
        match (&self.summary, own.is_empty()) {
            (Some(s), _) => s.clone(),
            (None, false) => own,
            (None, true) => String::new(),
        }
    }
}

fn level_word(level: super::Level) -> &'static str {
    level.name()
}

/// The snake_case word a unit enum is written as (`major_outage`, `status_page`).
pub fn word(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}
