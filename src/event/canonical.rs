//! An event's fields written straight as compact JSON bytes: exactly the bytes that
//! serialising it ([`Event::serialize_fields`]) through `serde_json` gives, without building a
//! `serde_json::Value` for the body (which sorts its keys) on the way. The stored event's
//! canonical bytes, which the hash chain covers, are made of these: one byte of difference
//! would break every ledger written before, so a property test compares the two paths over
//! generated events of every type.

use super::time::write_at;
use super::{At, Body, Channel, Event, Level, Name, RestoreLevel, Source, StepState};
use uuid::Uuid;

impl Event {
    /// Appends the event's fields to `out`, each as `,"key":value`, in the order
    /// [`Event::serialize_fields`] writes them: `type`, `incident`, `service`, `at`,
    /// `approximate`, the body's own fields in key order, `actor`, `summary`.
    pub fn write_fields(&self, out: &mut Vec<u8>) {
        let mut w = Fields(out);
        w.word("type", self.type_name());
        if let Some(k) = &self.incident {
            w.name("incident", k);
        }
        if let Some(s) = &self.service {
            w.name("service", s);
        }
        w.at("at", &self.at);
        if self.approximate {
            w.key("approximate");
            w.0.extend_from_slice(b"true");
        }
        w.body(&self.body);
        w.opt_text("actor", self.actor.as_deref());
        w.opt_text("summary", self.summary.as_deref());
    }
}

/// Writes `,"key":value` pairs. Keys are the constants below, none of which needs escaping.
struct Fields<'a>(&'a mut Vec<u8>);

impl Fields<'_> {
    /// The body's own fields, sorted by key as `serde_json::Map` sorts them.
    fn body(&mut self, body: &Body) {
        match body {
            Body::Detected {
                services,
                source,
                level,
                title,
            } => {
                self.opt_word("level", level.map(Level::name));
                self.names("services", services);
                self.opt_word("source", source.map(source_word));
                self.opt_text("title", title.as_deref());
            }
            Body::ImpactStarted { services, title } => {
                self.opt_names("services", services.as_deref());
                self.opt_text("title", title.as_deref());
            }
            Body::Escalated { to } => self.text("to", to),
            Body::VendorEngaged {
                vendor,
                ticket,
                channel,
            } => {
                self.opt_text("channel", channel.as_deref());
                self.opt_text("ticket", ticket.as_deref());
                self.text("vendor", vendor);
            }
            Body::VendorResponded { vendor, contact } => {
                self.opt_text("contact", contact.as_deref());
                self.text("vendor", vendor);
            }
            Body::Diagnosed { cause } => self.opt_text("cause", cause.as_deref()),
            Body::ImpactChanged { services, level } => {
                self.word("level", level.name());
                self.opt_names("services", services.as_deref());
            }
            Body::RestoreStep { state } => {
                self.opt_word(
                    "state",
                    state.map(|s| match s {
                        StepState::Started => "started",
                        StepState::Done => "done",
                    }),
                );
            }
            Body::Restored { services, level } => {
                self.opt_word(
                    "level",
                    level.map(|l| match l {
                        RestoreLevel::Partial => "partial",
                        RestoreLevel::Full => "full",
                    }),
                );
                self.opt_names("services", services.as_deref());
            }
            Body::Reopened { services, level } => {
                self.opt_word("level", level.map(Level::name));
                self.opt_names("services", services.as_deref());
            }
            Body::Announced {
                channel,
                audience,
                title,
                url,
                text,
            } => {
                self.opt_text("audience", audience.as_deref());
                self.opt_word("channel", channel.map(channel_word));
                self.opt_text("text", text.as_deref());
                self.opt_text("title", title.as_deref());
                self.opt_text("url", url.as_deref());
            }
            Body::ActionItem { owner, due } => {
                if let Some(due) = due {
                    self.at("due", due);
                }
                self.opt_text("owner", owner.as_deref());
            }
            Body::Note { text } => self.text("text", text),
            Body::MaintenanceScheduled {
                services,
                window_start,
                window_end,
                title,
            } => {
                self.names("services", services);
                self.opt_text("title", title.as_deref());
                self.at("window_end", window_end);
                self.at("window_start", window_start);
            }
            Body::Amended {
                target,
                set,
                reason,
            } => {
                self.opt_text("reason", reason.as_deref());
                self.key("set");
                // Rare, and any JSON: serde_json writes it, as the serialising path does.
                let written = serde_json::to_writer(&mut *self.0, set);
                debug_assert!(written.is_ok(), "writing JSON into a Vec cannot fail");
                self.uuid("target", target);
            }
            Body::Retracted { target, reason } => {
                self.opt_text("reason", reason.as_deref());
                self.uuid("target", target);
            }
            Body::Acknowledged {}
            | Body::Resolved {}
            | Body::MaintenanceStarted {}
            | Body::MaintenanceCompleted {}
            | Body::MaintenanceCancelled {}
            | Body::ServiceCommissioned {}
            | Body::ServiceRetired {} => {}
        }
    }

    fn key(&mut self, key: &str) {
        self.0.extend_from_slice(b",\"");
        self.0.extend_from_slice(key.as_bytes());
        self.0.extend_from_slice(b"\":");
    }

    fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        write_str(self.0, value);
    }

    fn opt_text(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.text(key, value);
        }
    }

    /// A value known to need no escaping: a type name or an enum's word.
    fn word(&mut self, key: &str, value: &str) {
        self.key(key);
        self.0.push(b'"');
        self.0.extend_from_slice(value.as_bytes());
        self.0.push(b'"');
    }

    fn opt_word(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.word(key, value);
        }
    }

    /// Names hold only `[A-Za-z0-9._:-]` once parsed; escaped all the same, so the bytes do
    /// not depend on that.
    fn name(&mut self, key: &str, value: &Name) {
        self.text(key, value.as_str());
    }

    fn names(&mut self, key: &str, values: &[Name]) {
        self.key(key);
        self.0.push(b'[');
        for (i, name) in values.iter().enumerate() {
            if i > 0 {
                self.0.push(b',');
            }
            write_str(self.0, name.as_str());
        }
        self.0.push(b']');
    }

    fn opt_names(&mut self, key: &str, values: Option<&[Name]>) {
        if let Some(values) = values {
            self.names(key, values);
        }
    }

    fn at(&mut self, key: &str, at: &At) {
        self.key(key);
        self.0.push(b'"');
        write_at(self.0, at);
        self.0.push(b'"');
    }

    fn uuid(&mut self, key: &str, id: &Uuid) {
        self.key(key);
        write_uuid(self.0, id);
    }
}

/// A UUID as serde writes it: a string, hyphenated, lowercase.
pub(crate) fn write_uuid(out: &mut Vec<u8>, id: &Uuid) {
    let mut buf = [0; uuid::fmt::Hyphenated::LENGTH];
    out.push(b'"');
    out.extend_from_slice(id.hyphenated().encode_lower(&mut buf).as_bytes());
    out.push(b'"');
}

/// A whole number as serde_json writes it.
pub(crate) fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[at..]);
}

/// A JSON string as serde_json's compact writer escapes it: `"` and `\` with a backslash,
/// the control characters with their short escapes (`\b \f \n \r \t`) or `\u00xx` in
/// lowercase hex, everything else (DEL, `/`, all of Unicode) as it is.
pub(crate) fn write_str(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(text.len() + 2);
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut plain = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(b)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[plain..i]);
        plain = i + 1;
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// For each byte: 0 when it is written as it is, else the letter after the backslash of its
/// escape (`u` for `\u00xx`).
const ESCAPE: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

fn source_word(source: Source) -> &'static str {
    match source {
        Source::Monitoring => "monitoring",
        Source::Customer => "customer",
        Source::Staff => "staff",
        Source::Vendor => "vendor",
    }
}

fn channel_word(channel: Channel) -> &'static str {
    match channel {
        Channel::Blog => "blog",
        Channel::Twitter => "twitter",
        Channel::StatusPage => "status_page",
        Channel::Email => "email",
        Channel::Other => "other",
    }
}

#[cfg(test)]
mod tests;
