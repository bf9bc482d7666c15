//! The status site served live (DESIGN sections 11 and 12): every public route answers without
//! a token the bytes `logbook site` writes for the same day and clock, nothing internal leaves,
//! an ETag makes a reload a 304 until the ledger changes, and a path that is no page is a 404.
//!
//! The server's "now" is the request's time (`LOGBOOK_NOW` here), so its files are those of
//! `logbook site` without `--as-of` under the same clock: `--as-of DAY` takes the end of that day
//! as "now" (reproducible files), which a live page cannot claim at noon.

use crate::common::{Env, s};
use crate::serve::{Answer, Server, post, request, token};
use crate::site::{INTERNAL, files, ledger};

/// `GET path` without a token, with extra headers.
fn public(addr: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    request(addr, "GET", path, headers, b"").expect("GET")
}

/// The content type each file is served with.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').unwrap().1 {
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "atom" => "application/atom+xml",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        other => panic!("a site file of type {other}"),
    }
}

/// The routes that answer a file of the site.
fn routes(path: &str) -> Vec<String> {
    match path {
        "index.html" => vec!["/".into(), "/index.html".into()],
        _ => match path.strip_prefix("incidents/") {
            Some(page) => vec![
                format!("/incidents/{page}"),
                format!("/incidents/{}", page.strip_suffix(".html").unwrap()),
            ],
            None => vec![format!("/{path}")],
        },
    }
}

fn configured() -> Env {
    let env = ledger();
    let dir = env.path(".config/logbook");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[site]\ntitle = \"Acme status\"\nurl = \"https://status.acme.test\"\n\
         services = [\"web\", \"db\"]\n[policy]\npartial_weight = 0.5\n",
    )
    .unwrap();
    env
}

#[test]
fn every_route_answers_the_bytes_of_logbook_site_without_a_token() {
    let env = configured();
    let server = Server::start(&env, &[]);
    let out = env.path("site");
    env.run(&["site", "--out", s(&out)]).ok();
    let written = files(&out);
    assert!(written.len() >= 11, "{written:?}");
    // The config file is read: its title and its policy (0.5 for a partial outage).
    let index = &written.iter().find(|(n, _)| n == "index.html").unwrap().1;
    assert!(index.contains("Acme status"));
    assert!(
        index.contains("2026-10-05: 95.833 % available, 1h down (weighted)"),
        "{index}"
    );
    let mut seen = Vec::new();
    for (path, bytes) in &written {
        for route in routes(path) {
            let answer = public(&server.addr, &route, &[]);
            assert_eq!(answer.status, 200, "{route}: {}", answer.body);
            assert_eq!(answer.header("content-type"), Some(content_type(path)));
            assert_eq!(
                answer.header("cache-control"),
                Some("public, max-age=60"),
                "{route}"
            );
            let etag = answer.header("etag").expect("an ETag");
            assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
            assert_eq!(&answer.body, bytes, "{route} differs from {path}");
            for secret in INTERNAL {
                assert!(!answer.body.contains(secret), "{secret} in {route}");
            }
            seen.push(route);
        }
    }
    for route in [
        "/",
        "/status.json",
        "/feed.atom",
        "/maintenance.ics",
        "/badges/db.svg",
        "/badges/streak/web.svg",
        "/incidents/db-slow",
        "/incidents/db-slow.html",
    ] {
        assert!(seen.iter().any(|r| r == route), "{route} not served");
    }
    // A wrong token is no reason to refuse a public page.
    let with = public(&server.addr, "/", &[("Authorization", "Bearer lbk_0000")]);
    assert_eq!(with.status, 200);
    let log = server.log_with("GET /feed.atom 200");
    assert!(log.contains("GET /feed.atom 200"), "{log}");
}

#[test]
fn an_etag_gives_304_until_an_append_changes_the_site() {
    let env = ledger();
    let secret = token(&env, "ci", "append");
    let server = Server::start(&env, &[]);
    let first = public(&server.addr, "/", &[]);
    let etag = first.header("etag").unwrap().to_string();
    // Built once, answered again from the cache: the same ETag.
    assert_eq!(
        public(&server.addr, "/index.html", &[]).header("etag"),
        Some(etag.as_str())
    );
    for sent in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
        "*".to_string(),
    ] {
        let again = public(&server.addr, "/", &[("If-None-Match", &sent)]);
        assert_eq!(again.status, 304, "If-None-Match: {sent}");
        assert_eq!(again.body, "", "a 304 has no body");
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert_eq!(again.header("cache-control"), Some("public, max-age=60"));
    }
    let stale = public(&server.addr, "/", &[("If-None-Match", "\"other\"")]);
    assert_eq!(stale.status, 200);
    // Each file has its own ETag.
    let json = public(&server.addr, "/status.json", &[]);
    assert_ne!(json.header("etag"), Some(etag.as_str()));

    // An append through the API: the site changes, and with it the ETag.
    let event = r#"{"type":"detected","incident":"web-down","at":"2026-11-25T11:00:00Z","services":["web"],"level":"major_outage","title":"Web is down"}"#;
    let appended = post(&server.addr, &secret, event).unwrap();
    assert_eq!(appended.status, 200, "{}", appended.body);
    let after = public(&server.addr, "/", &[("If-None-Match", &etag)]);
    assert_eq!(after.status, 200);
    let new_etag = after.header("etag").unwrap().to_string();
    assert_ne!(new_etag, etag);
    assert!(after.body.contains("Web is down"), "{}", after.body);
    let page = public(&server.addr, "/incidents/web-down", &[]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Web is down"));
    let status = public(&server.addr, "/status.json", &[]).json();
    assert_eq!(status["status"], "major_outage");

    // The command line writes too, while the server runs: the site follows the ledger's head.
    env.run(&[
        "add",
        "resolved",
        "-i",
        "web-down",
        "--at",
        "2026-11-25T11:30:00Z",
    ])
    .ok();
    let resolved = public(&server.addr, "/", &[("If-None-Match", &new_etag)]);
    assert_eq!(resolved.status, 200);
    assert_ne!(resolved.header("etag"), Some(new_etag.as_str()));
    assert_eq!(
        public(&server.addr, "/status.json", &[]).json()["status"],
        "operational"
    );
}

#[test]
fn a_path_that_is_no_page_is_a_404_never_a_file_read() {
    let env = ledger();
    // Files a path trick might reach: the ledger, and a page-like file in the working directory.
    std::fs::write(env.path("secret.html"), "SECRET-FILE-5150").unwrap();
    std::fs::create_dir_all(env.path("incidents")).unwrap();
    std::fs::write(env.path("incidents/x.html"), "SECRET-FILE-5150").unwrap();
    let server = Server::start(&env, &[]);
    for path in [
        "/nope",
        "/index.htm",
        "/secret.html",
        "/ledger.redb",
        "/incidents",
        "/incidents/",
        "/incidents/x",
        "/incidents/nope.html",
        "/incidents/..",
        "/incidents/%2e%2e",
        "/incidents/..%2Fsecret",
        "/incidents/..%2fsecret.html",
        "/incidents/%2E%2E%2Fledger.redb",
        "/incidents/db-slow%2F..%2F..%2Fsecret",
        "/incidents/db-slow.html/x",
        "/incidents/../secret.html",
        "/../secret.html",
        "/badges/db",
        "/badges/nope.svg",
        "/badges/..%2Fsecret.svg",
        "/badges/%2e%2e%2fstreak%2fdb.svg",
        "/badges/streak/..%2F..%2Fsecret.html",
        "/badges/streak/%2e%2e.svg",
        "/badges/streak/db.svg/x",
        "/badges/.svg",
        "/status.json/x",
    ] {
        let answer = public(&server.addr, path, &[]);
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "{path}"
        );
        assert!(answer.json()["error"].is_string(), "{path}");
        assert!(!answer.body.contains("SECRET-FILE-5150"), "{path}");
    }
    // The API stays behind its token.
    assert_eq!(public(&server.addr, "/v1/incidents", &[]).status, 401);
}
