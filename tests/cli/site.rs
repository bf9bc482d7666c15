//! The status site (DESIGN section 12): only public facts leave, the 90-day bars are right by
//! hand, availability agrees with `stats`, the feed and the calendar parse with independent
//! parsers, and the same ledger and day give the same bytes.

use crate::common::{Env, s};
use std::path::Path;

/// A ledger with public and internal facts, every internal string marked so a leak is found.
pub const HISTORY: &str = r#"{"type":"service_commissioned","service":"db","at":"2026-09-01"}
{"type":"service_commissioned","service":"web","at":"2026-01-01"}
{"type":"detected","incident":"db-slow","at":"2026-10-05T10:00:00Z","services":["db"],"level":"partial_outage","title":"Slow database","summary":"SUMMARY-INTERNAL-6677","actor":"actor-zed-1199","source":"monitoring"}
{"type":"escalated","incident":"db-slow","at":"2026-10-05T10:05:00Z","to":"oncall-bob-3321"}
{"type":"vendor_engaged","incident":"db-slow","at":"2026-10-05T10:10:00Z","vendor":"VendorCorp-9","ticket":"TICKET-4455"}
{"type":"note","incident":"db-slow","at":"2026-10-05T10:15:00Z","text":"INTERNAL-NOTE-7781"}
{"type":"diagnosed","incident":"db-slow","at":"2026-10-05T10:20:00Z","cause":"CAUSE-SECRET-5566"}
{"type":"announced","incident":"db-slow","at":"2026-10-05T10:25:00Z","audience":"internal","text":"INTERNAL-ANNOUNCE-8899"}
{"type":"announced","incident":"db-slow","at":"2026-10-05T10:30:00Z","channel":"status_page","audience":"customers","title":"We are looking into a slow database","text":"PUBLIC-UPDATE-1234"}
{"type":"restored","incident":"db-slow","at":"2026-10-05T12:00:00Z","summary":"RESTORE-INTERNAL-3344"}
{"type":"resolved","incident":"db-slow","at":"2026-10-05T12:00:00Z"}
{"type":"action_item","incident":"db-slow","at":"2026-10-05T13:00:00Z","summary":"ACTION-INTERNAL-2211","owner":"owner-kim-9900"}
{"type":"maintenance_scheduled","incident":"db-upgrade","at":"2026-10-01T09:00:00Z","services":["db"],"window_start":"2026-10-10T01:00:00Z","window_end":"2026-10-10T03:00:00Z","title":"Database upgrade"}
{"type":"maintenance_started","incident":"db-upgrade","at":"2026-10-10T01:00:00Z"}
{"type":"maintenance_completed","incident":"db-upgrade","at":"2026-10-10T02:30:00Z"}
{"type":"maintenance_scheduled","incident":"web-move","at":"2026-11-15T09:00:00Z","services":["web"],"window_start":"2026-12-01T22:00:00Z","window_end":"2026-12-02T02:00:00Z","title":"Moving web to a new rack"}
"#;

pub const INTERNAL: [&str; 11] = [
    "SUMMARY-INTERNAL-6677",
    "actor-zed-1199",
    "oncall-bob-3321",
    "VendorCorp-9",
    "TICKET-4455",
    "INTERNAL-NOTE-7781",
    "CAUSE-SECRET-5566",
    "INTERNAL-ANNOUNCE-8899",
    "RESTORE-INTERNAL-3344",
    "ACTION-INTERNAL-2211",
    "owner-kim-9900",
];

pub fn ledger() -> Env {
    let env = Env::new();
    env.append(HISTORY).ok();
    env
}

/// Every file under `dir`, path → text.
pub fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn site(env: &Env, dir: &str, extra: &[&str]) -> Vec<(String, String)> {
    let out = env.path(dir);
    let mut args = vec!["site", "--out", s(&out), "--as-of", "2026-11-20"];
    args.extend_from_slice(extra);
    env.run(&args).ok();
    files(&out)
}

#[test]
fn nothing_internal_leaves_and_the_announcements_do() {
    let env = ledger();
    let all = site(&env, "site", &[]);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "index.html",
        "status.json",
        "feed.atom",
        "maintenance.ics",
        "incidents/db-slow.html",
        "incidents/db-upgrade.html",
        "incidents/web-move.html",
        "badges/db.svg",
        "badges/streak/web.svg",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    for (name, text) in &all {
        for secret in INTERNAL {
            assert!(!text.contains(secret), "{secret} leaked into {name}");
        }
    }
    let page = |n: &str| &all.iter().find(|(name, _)| name == n).unwrap().1;
    for name in [
        "index.html",
        "incidents/db-slow.html",
        "feed.atom",
        "status.json",
    ] {
        assert!(page(name).contains("PUBLIC-UPDATE-1234"), "{name}");
    }
    assert!(page("index.html").contains("Slow database"));
    // The same goes for the customer report.
    for format in ["text", "md", "html", "json"] {
        let report = env
            .run(&["report", "db-slow", "--public", "--format", format])
            .ok();
        for secret in INTERNAL {
            assert!(
                !report.stdout.contains(secret),
                "{secret} in report --public ({format})"
            );
        }
        assert!(report.stdout.contains("PUBLIC-UPDATE-1234"), "{format}");
    }
}

#[test]
fn the_bars_are_right_by_hand_and_agree_with_stats() {
    let env = ledger();
    let all = site(&env, "site", &[]);
    let json: serde_json::Value =
        serde_json::from_str(&all.iter().find(|(n, _)| n == "status.json").unwrap().1).unwrap();
    let db = &json["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "db")
        .unwrap();
    let days = db["days"].as_array().unwrap();
    assert_eq!(days.len(), 90);
    assert_eq!(days[0]["date"], "2026-08-23");
    assert_eq!(days[89]["date"], "2026-11-20");
    let day = |date: &str| days.iter().find(|d| d["date"] == date).unwrap();
    // Before its commissioning: no data.
    assert_eq!(day("2026-08-31")["level"], serde_json::Value::Null);
    assert_eq!(
        day("2026-08-31")["availability_percent"],
        serde_json::Value::Null
    );
    // Two hours of partial outage at 0.3: 2,160 s of a 86,400 s day.
    let slow = day("2026-10-05");
    assert_eq!(slow["level"], "partial_outage");
    assert_eq!(slow["downtime_seconds"], 2160.0);
    assert_eq!(slow["availability_percent"], 97.5);
    // Maintenance only: shown as maintenance, not downtime.
    let upgrade = day("2026-10-10");
    assert_eq!(upgrade["level"], "maintenance");
    assert_eq!(upgrade["downtime_seconds"], 0.0);
    assert_eq!(upgrade["availability_percent"], 100.0);
    assert_eq!(day("2026-10-11")["level"], "operational");
    // The 90 days agree with stats for the same period and zone.
    let stats = env
        .run(&[
            "stats",
            "--service",
            "db",
            "--since",
            "2026-08-23",
            "--until",
            "2026-11-20",
            "--format",
            "json",
        ])
        .ok();
    let stats = &stats.json_lines()[0];
    let (site_uptime, stats_uptime) = (
        db["uptime_90d_percent"].as_f64().unwrap(),
        stats["availability_percent"].as_f64().unwrap(),
    );
    // 81 days of life (from 2026-09-01), 2,160 s down: 99.96913…, shown to four decimals,
    // cut (never rounded up to a better figure).
    let expected = 100.0 * (1.0 - 2160.0 / (81.0 * 86_400.0));
    assert_eq!(site_uptime, f64::floor(expected * 10_000.0) / 10_000.0);
    assert!(
        (site_uptime - expected).abs() < 1e-4,
        "{site_uptime} vs {expected}"
    );
    assert!(
        (site_uptime - stats_uptime).abs() < 0.0005,
        "{site_uptime} vs {stats_uptime}"
    );
    assert_eq!(json["tz"], "UTC");
    assert_eq!(json["generated_at"], "2026-11-21T00:00:00Z");
    // The tooltip says the same in words.
    let index = &all.iter().find(|(n, _)| n == "index.html").unwrap().1;
    assert!(
        index.contains("2026-10-05: 97.5 % available, 36m down (weighted); worst: partial outage"),
        "{index}"
    );
}

#[test]
fn a_day_when_the_clocks_go_back_has_25_hours() {
    let env = Env::new();
    env.append(concat!(
        r#"{"type":"service_commissioned","service":"db","at":"2026-01-01"}"#, "\n",
        r#"{"type":"detected","incident":"dst","at":"2026-10-25T10:00:00+01:00","services":["db"]}"#, "\n",
        r#"{"type":"resolved","incident":"dst","at":"2026-10-25T11:00:00+01:00"}"#, "\n",
    ))
    .ok();
    let all = site(&env, "site", &["--tz", "Europe/Berlin"]);
    let json: serde_json::Value =
        serde_json::from_str(&all.iter().find(|(n, _)| n == "status.json").unwrap().1).unwrap();
    let days = json["services"][0]["days"].as_array().unwrap();
    let day = days.iter().find(|d| d["date"] == "2026-10-25").unwrap();
    // One hour down in a day of 25 hours: 96 %.
    assert_eq!(day["downtime_seconds"], 3600.0);
    assert_eq!(day["availability_percent"], 96.0);
    assert_eq!(json["tz"], "Europe/Berlin");
}

#[test]
fn feed_and_calendar_parse_and_a_cancelled_maintenance_keeps_its_uid() {
    let env = ledger();
    let read = |all: &[(String, String)], n: &str| {
        all.iter().find(|(name, _)| name == n).unwrap().1.clone()
    };
    let first = site(&env, "one", &[]);
    let feed: atom_syndication::Feed = read(&first, "feed.atom").parse().expect("an Atom feed");
    assert_eq!(feed.entries().len(), 3);
    let slow = feed
        .entries()
        .iter()
        .find(|e| e.title().as_str() == "Slow database")
        .unwrap();
    assert!(slow.id().starts_with("urn:uuid:"));
    assert_eq!(slow.updated().to_rfc3339(), "2026-10-05T12:00:00+00:00");
    // Newest first: the maintenance scheduled for December leads.
    assert!(feed.entries()[0].title().contains("Moving web"));

    let calendar = |all: &[(String, String)]| -> icalendar::Calendar {
        let text = read(all, "maintenance.ics");
        assert!(text.lines().all(|l| l.len() <= 76), "a line over 75 octets");
        assert!(text.contains("\r\n"));
        text.parse().expect("an iCalendar file")
    };
    let property = |cal: &icalendar::Calendar, summary: &str, name: &str| -> Option<String> {
        use icalendar::Component;
        cal.components
            .iter()
            .filter_map(|c| c.as_event())
            .find(|e| e.get_summary() == Some(summary))
            .and_then(|e| e.property_value(name).map(str::to_string))
    };
    let cal = calendar(&first);
    let uid = property(&cal, "Moving web to a new rack", "UID").expect("a UID");
    assert_eq!(
        property(&cal, "Moving web to a new rack", "STATUS").as_deref(),
        Some("CONFIRMED")
    );
    assert_eq!(
        property(&cal, "Moving web to a new rack", "SEQUENCE").as_deref(),
        Some("0")
    );
    assert_eq!(
        property(&cal, "Database upgrade", "DTSTART").as_deref(),
        Some("20261010T010000Z")
    );

    // The window moves, then the maintenance is cancelled: same UID, growing SEQUENCE.
    env.run(&[
        "amend",
        "#16",
        "--set",
        r#"{"window_end":"2026-12-02T03:00:00Z"}"#,
        "--reason",
        "longer",
    ])
    .ok();
    let second = calendar(&site(&env, "two", &[]));
    assert_eq!(
        property(&second, "Moving web to a new rack", "UID").as_deref(),
        Some(uid.as_str())
    );
    assert_eq!(
        property(&second, "Moving web to a new rack", "SEQUENCE").as_deref(),
        Some("1")
    );
    assert_eq!(
        property(&second, "Moving web to a new rack", "DTEND").as_deref(),
        Some("20261202T030000Z")
    );
    env.run(&[
        "add",
        "maintenance_cancelled",
        "-i",
        "web-move",
        "--at",
        "2026-11-18T09:00:00Z",
    ])
    .ok();
    let third = calendar(&site(&env, "three", &[]));
    assert_eq!(
        property(&third, "Moving web to a new rack", "UID").as_deref(),
        Some(uid.as_str())
    );
    assert_eq!(
        property(&third, "Moving web to a new rack", "STATUS").as_deref(),
        Some("CANCELLED")
    );
    assert_eq!(
        property(&third, "Moving web to a new rack", "SEQUENCE").as_deref(),
        Some("2")
    );
}

#[test]
fn the_same_ledger_and_day_give_the_same_bytes_and_old_pages_go() {
    let env = ledger();
    let a = site(&env, "out", &[]);
    let b = site(&env, "out", &[]);
    assert_eq!(a, b);
    // A page of an earlier run that this one no longer has is removed; other files stay.
    std::fs::write(env.path("out/incidents/gone.html"), "old").unwrap();
    std::fs::write(env.path("out/CNAME"), "status.example.com").unwrap();
    let c = site(&env, "out", &[]);
    assert!(!c.iter().any(|(n, _)| n == "incidents/gone.html"));
    assert!(c.iter().any(|(n, _)| n == "CNAME"));
}

/// An outage whose end is known only by its day leaves that day unmeasured, not the others.
#[test]
fn an_outage_known_only_by_its_day_leaves_only_that_day_unknown() {
    let env = Env::new();
    env.append(concat!(
        r#"{"type":"service_commissioned","service":"web","at":"2026-01-01"}"#,
        "\n",
        r#"{"type":"detected","incident":"crash","at":"2026-11-10T15:00:00Z","services":["web"]}"#,
        "\n",
        r#"{"type":"restored","incident":"crash","at":"2026-11-10"}"#,
        "\n",
    ))
    .ok();
    let all = site(&env, "site", &[]);
    let json: serde_json::Value =
        serde_json::from_str(&all.iter().find(|(n, _)| n == "status.json").unwrap().1).unwrap();
    let days = json["services"][0]["days"].as_array().unwrap();
    let day = |date: &str| days.iter().find(|d| d["date"] == date).unwrap().clone();
    assert_eq!(
        day("2026-11-10")["availability_percent"],
        serde_json::Value::Null
    );
    assert_eq!(day("2026-11-10")["level"], "major_outage");
    assert_eq!(day("2026-11-09")["availability_percent"], 100.0);
    assert_eq!(day("2026-11-11")["availability_percent"], 100.0);
    // The 90 days cannot be measured as a whole, and say so.
    assert_eq!(
        json["services"][0]["uptime_90d_percent"],
        serde_json::Value::Null
    );
}

/// A feed entry is never updated before it was published, even when its last update is known
/// only by its day (which counts from that day's start).
#[test]
fn a_feed_entry_is_not_updated_before_it_was_published() {
    let env = Env::new();
    env.append(concat!(
        r#"{"type":"detected","incident":"crash","at":"2026-11-10T15:00:00Z","services":["web"]}"#,
        "\n",
        r#"{"type":"announced","incident":"crash","at":"2026-11-10","text":"We are on it"}"#,
        "\n",
    ))
    .ok();
    let all = site(&env, "site", &[]);
    let feed: atom_syndication::Feed = all
        .iter()
        .find(|(n, _)| n == "feed.atom")
        .unwrap()
        .1
        .parse()
        .unwrap();
    let entry = &feed.entries()[0];
    let published = entry.published().expect("published");
    assert!(*entry.updated() >= *published, "{entry:?}");
    assert!(*feed.updated() >= *published);
}

/// Without `[site] services`, the page lists services alphabetically as a reader expects it,
/// whatever their capitals (`api`, `Mail`, `web`; byte order would put `Mail` first).
#[test]
fn services_are_listed_alphabetically_whatever_their_capitals() {
    let env = Env::new();
    env.append(concat!(
        r#"{"type":"service_commissioned","service":"web","at":"2026-01-01"}"#,
        "\n",
        r#"{"type":"service_commissioned","service":"Mail","at":"2026-01-01"}"#,
        "\n",
        r#"{"type":"service_commissioned","service":"api","at":"2026-01-01"}"#,
        "\n",
    ))
    .ok();
    let all = site(&env, "site", &[]);
    let json: serde_json::Value =
        serde_json::from_str(&all.iter().find(|(n, _)| n == "status.json").unwrap().1).unwrap();
    let names: Vec<&str> = json["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["api", "Mail", "web"]);
}
