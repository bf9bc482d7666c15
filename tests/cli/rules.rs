//! The append rules that need the ledger's state (DESIGN section 2), each broken once: the
//! message names the line and field, the exit status is 1, and nothing is written.

use crate::common::Env;
use crate::snap;

const OPEN: &str = r#"{"type":"detected","incident":"net","at":"2011-06-16T03:20:00-04:00","services":["dns"],"id":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41"}"#;
const RESOLVED: &str = r#"{"type":"resolved","incident":"net","at":"2011-06-16T07:05:00-04:00"}"#;
const MAINT: &str = r#"{"type":"maintenance_scheduled","incident":"upgrade","at":"2011-05-20","services":["mail"],"window_start":"2011-05-28","window_end":"2011-05-30"}"#;
const COMMISSIONED: &str = r#"{"type":"service_commissioned","service":"web-1","at":"2009-04-10","id":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f42"}"#;

/// (rule, events already in the ledger, the line that breaks the rule)
const CASES: &[(&str, &[&str], &str)] = &[
    (
        "first event must open the incident",
        &[],
        r#"{"type":"acknowledged","incident":"net","at":"2011-06-16T03:25:00-04:00"}"#,
    ),
    (
        "restored must open nothing",
        &[],
        r#"{"type":"restored","incident":"net","at":"2011-06-16T07:05:00-04:00"}"#,
    ),
    (
        "nothing but follow-ups after resolved",
        &[OPEN, RESOLVED],
        r#"{"type":"escalated","incident":"net","at":"2011-06-16T08:00:00-04:00","to":"ops"}"#,
    ),
    (
        "restored must not precede the first event",
        &[OPEN],
        r#"{"type":"restored","incident":"net","at":"2011-06-16T07:00:00Z"}"#,
    ),
    (
        "resolved must not precede the first event",
        &[OPEN],
        r#"{"type":"resolved","incident":"net","at":"2011-06-15"}"#,
    ),
    (
        "amended must target an existing event",
        &[OPEN],
        r#"{"type":"amended","incident":"net","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-000000000000","set":{"at":"2011-06-16T03:10:00-04:00"}}"#,
    ),
    (
        "retracted must target an existing event",
        &[OPEN],
        r#"{"type":"retracted","incident":"net","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-000000000000"}"#,
    ),
    (
        "a correction stays in its target's stream",
        &[OPEN, MAINT],
        r#"{"type":"retracted","incident":"upgrade","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41"}"#,
    ),
    (
        "an amendment must leave a valid event",
        &[OPEN],
        r#"{"type":"amended","incident":"net","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41","set":{"services":[]}}"#,
    ),
    (
        "an amendment cannot change the type",
        &[OPEN],
        r#"{"type":"amended","incident":"net","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41","set":{"type":"resolved"}}"#,
    ),
    (
        "corrections of a service need its history",
        &[],
        r#"{"type":"retracted","service":"web-1","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f42"}"#,
    ),
    (
        "an amendment keeps restored after the first event",
        &[
            OPEN,
            r#"{"type":"restored","incident":"net","at":"2011-06-16T07:05:00-04:00","id":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f44"}"#,
        ],
        r#"{"type":"amended","incident":"net","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f44","set":{"at":"2000-01-01"}}"#,
    ),
    (
        "maintenance events stay in maintenance",
        &[OPEN],
        r#"{"type":"maintenance_started","incident":"net","at":"2011-06-16T04:00:00-04:00"}"#,
    ),
    (
        "outages are not opened inside maintenance",
        &[MAINT],
        r#"{"type":"detected","incident":"upgrade","at":"2011-05-28","services":["mail"]}"#,
    ),
    (
        "nothing after a service is retired",
        &[
            COMMISSIONED,
            r#"{"type":"service_retired","service":"web-1","at":"2012-01-01"}"#,
        ],
        r#"{"type":"service_commissioned","service":"web-1","at":"2012-02-01"}"#,
    ),
];

#[test]
fn every_ledger_rule_is_enforced_with_a_precise_message() {
    let mut report = String::new();
    for (rule, setup, bad) in CASES {
        let env = Env::new();
        if !setup.is_empty() {
            env.append(&setup.join("\n")).ok();
        }
        let before = env.export();
        let run = env.append(bad).code(1);
        assert!(run.stderr.starts_with("error: line 1: "), "{rule}: {run}");
        assert_eq!(env.export(), before, "{rule}: nothing written");
        // The same line inside a larger batch is rejected with its own line number.
        let batch = env.append(&format!(
            "{}\n{bad}\n",
            r#"{"type":"detected","incident":"other","at":"2011-06-16","services":["x"]}"#
        ));
        assert!(
            batch.code(1).stderr.starts_with("error: line 2: "),
            "{rule}: the error names the bad line"
        );
        assert_eq!(env.export(), before, "{rule}: nothing of the batch written");
        report.push_str(&format!("## {rule}\n{}\n", run.stderr));
    }
    snap!("rule_messages", report);
}

#[test]
fn follow_ups_and_corrections_are_allowed_after_resolved() {
    let env = Env::new();
    env.append(&[OPEN, RESOLVED].join("\n")).ok();
    let later = [
        r#"{"type":"announced","incident":"net","at":"2011-06-16","channel":"blog","title":"Downtime issues 6/16 around 3AM"}"#,
        r#"{"type":"action_item","incident":"net","at":"2011-06-16","summary":"No COX traffic until their report","owner":"ops"}"#,
        r#"{"type":"note","incident":"net","at":"2011-06-17","text":"COX report received"}"#,
        r#"{"type":"amended","incident":"net","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41","set":{"at":"2011-06-16T03:10:00-04:00","approximate":true},"reason":"monitoring logs show 03:10"}"#,
        r#"{"type":"retracted","incident":"net","at":"2011-06-17","target":"0190c3a2-7b1e-7cc0-8f00-3a5d2e6b9f41","reason":"duplicate"}"#,
    ];
    let run = env.append(&later.join("\n")).ok();
    assert!(
        run.stdout.ends_with("appended 5 events (seq 3 to 7)\n"),
        "{run}"
    );
    // Rules see earlier lines of the same batch: an incident opened on line 1 takes line 2.
    env.append(&format!(
        "{}\n{}",
        r#"{"type":"impact_started","incident":"late","at":"2011-06-16T02:00:00-04:00"}"#,
        r#"{"type":"restored","incident":"late","at":"2011-06-16T02:30:00-04:00"}"#
    ))
    .ok();
}
