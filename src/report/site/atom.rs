//! `feed.atom` (RFC 4287): one entry per public incident or maintenance, newest update first.
//! Entry ids are `urn:uuid:` of the incident's first event, so they survive rebuilds, exports
//! and imports; `updated` is the incident's latest public change.

use super::{Site, level_name, utc};
use crate::event::rules::Kind;
use crate::projection::public::PublicIncident;
use crate::report::inert::html as escape;
use std::fmt::Write;

/// Where the site's files are, for absolute links (`https://status.example.com/`), or
/// relative links when no `[site] url` is set.
fn base(site: &Site) -> String {
    site.url
        .as_deref()
        .map(|u| format!("{}/", u.trim_end_matches('/')))
        .unwrap_or_default()
}

/// The feed's own id: its URL when the site has one, else a name derived from its title.
fn feed_id(site: &Site) -> String {
    match &site.url {
        Some(_) => format!("{}feed.atom", base(site)),
        None => format!(
            "urn:uuid:{}",
            crate::record::derived_id(&format!("logbook-feed|{}", site.title))
        ),
    }
}

/// `feed.atom`.
pub fn feed(site: &Site) -> String {
    let mut entries: Vec<&PublicIncident> = site.incidents.iter().collect();
    let updated = |i: &PublicIncident| updated(site, i);
    entries.sort_by(|a, b| updated(b).cmp(&updated(a)).then(a.key.cmp(&b.key)));
    let feed_updated = entries
        .first()
        .map_or(utc(site.generated_at), |i| updated(i));
    let base = base(site);
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        o,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en\">"
    );
    let _ = writeln!(o, "<id>{}</id>", escape(&feed_id(site)));
    let _ = writeln!(
        o,
        "<title>{} - incident history</title>",
        escape(&site.title)
    );
    let _ = writeln!(o, "<updated>{feed_updated}</updated>");
    let _ = writeln!(o, "<author><name>{}</name></author>", escape(&site.title));
    if site.url.is_some() {
        let _ = writeln!(
            o,
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}feed.atom\"/>",
            escape(&base)
        );
    }
    let _ = writeln!(
        o,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}index.html\"/>",
        escape(&base)
    );
    for i in entries {
        entry(&mut o, site, i, &base);
    }
    o.push_str("</feed>\n");
    o
}

/// When an entry was first published: its start (or first update), as an instant.
fn published(site: &Site, i: &PublicIncident) -> time::OffsetDateTime {
    let first = i.started.or(i.updates.first().map(|u| u.at));
    first.map_or(i.last_recorded, |s| site.instant(s.at))
}

/// When an entry last changed: its latest public time, never before it was published (an
/// update known only by its day counts from that day's start, which may be earlier).
fn updated(site: &Site, i: &PublicIncident) -> String {
    utc(site.instant(i.updated().at).max(published(site, i)))
}

fn entry(o: &mut String, site: &Site, i: &PublicIncident, base: &str) {
    let published = utc(published(site, i));
    let _ = writeln!(o, "<entry>\n<id>urn:uuid:{}</id>", i.id);
    let kind = match i.kind {
        Kind::Maintenance => "Maintenance: ",
        Kind::Unplanned | Kind::Service => "",
    };
    let _ = writeln!(o, "<title>{kind}{}</title>", escape(&i.title));
    let _ = writeln!(o, "<published>{published}</published>");
    let _ = writeln!(o, "<updated>{}</updated>", updated(site, i));
    let _ = writeln!(
        o,
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}incidents/{}.html\"/>",
        escape(base),
        escape(&i.key)
    );
    for (service, _) in &i.services {
        let _ = writeln!(o, "<category term=\"{}\"/>", escape(service));
    }
    // The content is HTML, escaped once more as the text of an XML element.
    let mut html = String::new();
    let services: Vec<String> = (i.services.iter())
        .map(|(s, l)| format!("{} ({})", escape(s), level_name(Some(*l)).to_lowercase()))
        .collect();
    let _ = write!(html, "<p>Affected: {}</p>", services.join(", "));
    for u in i.updates.iter().rev() {
        let _ = write!(
            html,
            "<p><small>{}</small>",
            escape(&site.clock.when(&u.at))
        );
        if let Some(t) = &u.title {
            let _ = write!(html, "<br><strong>{}</strong>", escape(t));
        }
        if let Some(t) = &u.text {
            let _ = write!(html, "<br>{}", escape(t));
        }
        html.push_str("</p>");
    }
    let _ = writeln!(
        o,
        "<content type=\"html\">{}</content>\n</entry>",
        escape(&html)
    );
}
