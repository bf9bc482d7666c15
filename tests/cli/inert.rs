//! Hostile writer text through every output: terminal text shows control characters escaped
//! and keeps one event per line; Markdown and HTML carry no markup or links of the writer's.

use crate::common::Env;

const KEY: &str = "2026-11-01-hostile";

/// Events whose text fields try to take over a terminal, forge log rows, inject HTML or links.
const HOSTILE: &str = r#"{"type":"detected","incident":"2026-11-01-hostile","at":"2026-11-01T10:00:00Z","services":["web"],"source":"monitoring","actor":"eve\u001b]0;owned\u0007","summary":"Web down \u001b[2J\u001b[H\u001b]0;pwned\u0007 <script>alert(1)</script> ](http://evil)"}
{"type":"note","incident":"2026-11-01-hostile","at":"2026-11-01T10:05:00Z","text":"one\n  99   2026-11-01T10:06:00Z  2026-11-01-hostile  resolved  forged\r\u001b]8;;http://evil\u001b\\click\u001b]8;;\u001b\\ \u202eevil\u202c <img src=x onerror=alert(1)>"}
{"type":"diagnosed","incident":"2026-11-01-hostile","at":"2026-11-01T10:10:00Z","cause":"<img src=x onerror=alert(2)>\r\n| forged | cell |"}
{"type":"vendor_engaged","incident":"2026-11-01-hostile","at":"2026-11-01T10:15:00Z","vendor":"Evil\r\nCo | x","ticket":"T-1\u001b[31m"}
{"type":"vendor_responded","incident":"2026-11-01-hostile","at":"2026-11-01T10:20:00Z","vendor":"Evil\r\nCo | x","contact":"<script>alert(3)</script>"}
{"type":"announced","incident":"2026-11-01-hostile","at":"2026-11-01T10:25:00Z","channel":"blog","title":"Read ](http://evil) [now](javascript:alert(4))","url":"javascript:alert(1)"}
{"type":"announced","incident":"2026-11-01-hostile","at":"2026-11-01T10:26:00Z","channel":"status_page","title":"Also","url":" JaVaScRiPt:alert(5)"}
{"type":"announced","incident":"2026-11-01-hostile","at":"2026-11-01T10:27:00Z","channel":"email","title":"Fine","url":"https://status.example/a b)(<x>"}
{"type":"action_item","incident":"2026-11-01-hostile","at":"2026-11-01T10:30:00Z","summary":"<img src=x onerror=alert(6)> `x` *y*","owner":"bob\u001b[2J"}
{"type":"restored","incident":"2026-11-01-hostile","at":"2026-11-01T11:00:00Z","summary":"ok\u0085\u009b2J"}
{"type":"resolved","incident":"2026-11-01-hostile","at":"2026-11-01T11:05:00Z"}
{"type":"note","incident":"2026-11-01-hostile","at":"2026-11-01T11:06:00Z","id":"019a3c00-0000-7000-8000-000000000001","text":"a mistake"}
{"type":"retracted","incident":"2026-11-01-hostile","at":"2026-11-01T11:07:00Z","target":"019a3c00-0000-7000-8000-000000000001","reason":"<script>alert(7)</script>\u001b[2J"}
"#;

/// Events in `HOSTILE`.
const EVENTS: usize = 13;

fn hostile() -> Env {
    let env = Env::new();
    env.append(HOSTILE).ok();
    env
}

/// No byte that a terminal acts on: C0 controls (newline aside), DEL, C1, bidi controls.
#[track_caller]
fn assert_terminal_safe(what: &str, out: &str) {
    let bad = out
        .chars()
        .find(|&c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c));
    assert_eq!(bad, None, "{what} prints a control character:\n{out}");
}

#[test]
fn log_keeps_one_event_per_line_and_escapes_controls() {
    let env = hostile();
    for args in [&["log"][..], &["log", "--incident", KEY]] {
        let out = env.run(args).ok().stdout;
        assert_terminal_safe("log", &out);
        assert_eq!(out.lines().count(), EVENTS, "one line per event:\n{out}");
        assert!(out.contains(r"one\n  99"), "newline shown escaped:\n{out}");
        assert!(out.contains(r"\u{1b}[2J"), "ESC shown escaped:\n{out}");
        assert!(out.contains(r"\u{202e}evil"), "bidi shown escaped:\n{out}");
    }
}

#[test]
fn timeline_and_incidents_escape_controls() {
    let env = hostile();
    let timeline = env.run(&["timeline", KEY]).ok().stdout;
    assert_terminal_safe("timeline", &timeline);
    // A header-less table: one row per event in effect (the retracted note is left out).
    assert_eq!(timeline.lines().count(), EVENTS - 2, "{timeline}");
    let incidents = env.run(&["incidents"]).ok().stdout;
    assert_terminal_safe("incidents", &incidents);
    assert_eq!(incidents.lines().count(), 2, "{incidents}");
}

/// Markdown (the report's text and md formats) with no raw HTML and no link but the https one.
#[track_caller]
fn assert_markdown_inert(md: &str) {
    assert_terminal_safe("report", md);
    for raw in ["<script", "<img", "](http://evil)", "](javascript:"] {
        assert!(
            !md.to_lowercase().contains(raw),
            "report carries `{raw}`:\n{md}"
        );
    }
    assert!(
        md.contains("[Fine](https://status.example/a%20b%29%28%3Cx%3E)"),
        "the https link, encoded:\n{md}"
    );
    // Every table row has as many cells as its header.
    for table in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let cells = |row: &str| row.replace(r"\|", "").matches('|').count();
        let head = cells(table.lines().next().unwrap());
        for row in table.lines() {
            assert_eq!(cells(row), head, "row breaks its table:\n{row}");
        }
    }
}

#[test]
fn markdown_report_escapes_html_and_links_only_web_urls() {
    let env = hostile();
    let md = env.run(&["report", KEY, "--format", "md"]).ok().stdout;
    assert_markdown_inert(&md);
    // The text report is for a terminal: the Markdown without its escapes, and still without
    // a raw control character.
    let text = env.run(&["report", KEY]).ok().stdout;
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
}

/// The tags of an HTML page, lowercased, without their angle brackets.
fn tags(page: &str) -> Vec<String> {
    page.split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or_default().to_lowercase())
        .collect()
}

/// No script, image or event handler, and links (`href`) only to the allowed `https` URL.
#[track_caller]
fn assert_html_inert(page: &str, links: usize) {
    let tags = tags(page);
    for tag in &tags {
        let name = tag.split_whitespace().next().unwrap_or_default();
        assert!(
            !["script", "img", "iframe"].contains(&name),
            "tag <{tag}>:\n{page}"
        );
        assert!(
            !tag.contains("onerror") && !tag.contains("src="),
            "<{tag}>:\n{page}"
        );
    }
    let hrefs: Vec<&String> = tags.iter().filter(|t| t.contains("href=")).collect();
    assert_eq!(hrefs.len(), links, "links: {hrefs:?}\n{page}");
    for tag in hrefs {
        assert!(
            tag.starts_with("a href=\"https://status.example/"),
            "<{tag}>"
        );
    }
}

#[test]
fn markdown_report_renders_to_inert_html() {
    use pulldown_cmark::{Options, Parser, html};
    let env = hostile();
    let md = env.run(&["report", KEY, "--format", "md"]).ok().stdout;
    let mut page = String::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    html::push_html(&mut page, Parser::new_ext(&md, options));
    assert_html_inert(&page, 1);
    assert!(
        !page.to_lowercase().contains("href=\"javascript:"),
        "{page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    assert!(
        page.contains("<td>Evil\\r\\nCo | x</td>"),
        "one cell:\n{page}"
    );
}

#[test]
fn html_report_escapes_everything() {
    let env = hostile();
    let page = env.run(&["report", KEY, "--format", "html"]).ok().stdout;
    assert_terminal_safe("html report", &page);
    assert_html_inert(&page, 0);
    assert!(
        page.contains("&lt;img src=x onerror=alert(2)&gt;"),
        "{page}"
    );
}

#[test]
fn error_messages_escape_what_they_quote() {
    let env = Env::new();
    let line = "{\"type\":\"detected\",\"incident\":\"x\\u001b]0;pwned\\u0007\\u001b[2Jy\",\"at\":\"2026-11-25T10:00:00Z\",\"services\":[\"db\"]}\n";
    let run = env.append(line).code(1);
    assert_terminal_safe("append error", &run.stderr);
    assert!(run.stderr.contains("\\u{1b}"), "{run}");
}
