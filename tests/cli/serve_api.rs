//! The contract of `logbook serve` (DESIGN section 11), against a real server.

use crate::common::{Env, s};
use crate::serve::{Server, detected, get, post, request, token};
use std::collections::HashSet;

#[test]
fn a_missing_and_an_unknown_token_get_the_same_401_and_a_wrong_scope_403() {
    let env = Env::new();
    let append = token(&env, "ci", "append");
    let read = token(&env, "reader", "read");
    let server = Server::start(&env, &[]);
    let none = request(&server.addr, "POST", "/v1/events", &[], b"{}").unwrap();
    let wrong = post(&server.addr, "lbk_0000", &detected("a")).unwrap();
    assert_eq!((none.status, wrong.status), (401, 401));
    assert_eq!(none.body, wrong.body);
    assert_eq!(none.json()["error"], "missing or unknown token");
    assert_eq!(none.header("www-authenticate"), Some("Bearer"));
    assert_eq!(none.header("content-type"), Some("application/json"));
    assert_eq!(
        post(&server.addr, &read, &detected("a")).unwrap().status,
        403
    );
    assert_eq!(get(&server.addr, &append, "/v1/incidents").status, 403);
    assert_eq!(get(&server.addr, &read, "/v1/incidents").status, 200);
    let health = request(&server.addr, "GET", "/healthz", &[], b"").unwrap();
    assert_eq!(health.status, 200);
    let log = server.log_with("GET /healthz");
    assert!(log.contains("token=reader"), "{log}");
    assert!(!log.contains(&append) && !log.contains(&read), "{log}");
    assert_eq!(env.run(&["export"]).ok().stdout, "");
}

#[test]
fn refused_requests_write_nothing_and_say_why() {
    let env = Env::new();
    let secret = token(&env, "ci", "append");
    let server = Server::start(&env, &["--body-limit", "1000"]);
    let auth = format!("Bearer {secret}");
    // 415: not JSON.
    let plain = request(
        &server.addr,
        "POST",
        "/v1/events",
        &[("Authorization", &auth), ("Content-Type", "text/plain")],
        detected("a").as_bytes(),
    )
    .unwrap();
    assert_eq!(plain.status, 415, "{}", plain.body);
    // 413: over the body limit.
    let big = format!("[{}]", vec![detected("a"); 20].join(","));
    let over = post(&server.addr, &secret, &big).unwrap();
    assert_eq!(over.status, 413, "{}", over.body);
    assert!(
        over.json()["error"]
            .as_str()
            .unwrap()
            .contains("1000 bytes")
    );
    // 400: the second event of the array is refused, so neither is written.
    let mixed = format!("[{}, {{\"type\":\"bogus\"}}]", detected("a"));
    let refused = post(&server.addr, &secret, &mixed).unwrap();
    assert_eq!(refused.status, 400, "{}", refused.body);
    let body = refused.json();
    assert_eq!(
        (body["line"].as_u64(), body["field"].as_str()),
        (Some(2), Some("type"))
    );
    // 400: a broken rule (an acknowledgement of an incident never detected) in JSON Lines.
    let lines = format!(
        "{}\n{}\n",
        detected("b"),
        r#"{"type":"acknowledged","incident":"nope","at":"2026-11-25T11:01:00Z"}"#
    );
    assert_eq!(post(&server.addr, &secret, &lines).unwrap().status, 400);
    assert_eq!(env.run(&["export"]).ok().stdout, "");
    // 409: an id reused with other content.
    let id = "0190c3a0-0000-7000-8000-000000000001";
    let first = format!(
        r#"{{"id":"{id}","type":"detected","incident":"c","at":"2026-11-25T11:00:00Z","services":["db"]}}"#
    );
    assert_eq!(post(&server.addr, &secret, &first).unwrap().status, 200);
    let again = post(&server.addr, &secret, &first).unwrap();
    assert_eq!(again.json()["receipts"][0]["status"], "duplicate");
    let other = first.replace("\"db\"", "\"web\"");
    assert_eq!(post(&server.addr, &secret, &other).unwrap().status, 409);
    // 404: unknown routes, incidents and webhook sources, as JSON.
    let hook = request(
        &server.addr,
        "POST",
        "/v1/hooks/nagios",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
        ],
        b"{}",
    )
    .unwrap();
    assert_eq!(hook.status, 404);
    assert_eq!(hook.json()["error"], "unknown source nagios");
    assert_eq!(env.run(&["export"]).ok().stdout.lines().count(), 1);
}

#[test]
fn the_read_routes_answer_what_the_cli_prints_as_json() {
    let env = Env::seeded();
    let read = token(&env, "reader", "read");
    let server = Server::start(&env, &[]);
    let same = |path: &str, args: &[&str]| {
        let answer = get(&server.addr, &read, path);
        assert_eq!(answer.status, 200, "{path}: {}", answer.body);
        let cli: serde_json::Value =
            serde_json::from_str(&env.run(args).ok().stdout).expect("cli json");
        assert_eq!(answer.json(), cli, "{path}");
    };
    same("/v1/incidents", &["incidents", "--format", "json"]);
    same(
        "/v1/incidents?service=mail",
        &["incidents", "--service", "mail", "--format", "json"],
    );
    same(
        "/v1/incidents/2011-06-16-upstream-routing",
        &["report", "2011-06-16-upstream-routing", "--format", "json"],
    );
    same(
        "/v1/streak?as_of=2011-12-28",
        &["streak", "--as-of", "2011-12-28", "--format", "json"],
    );
    same(
        "/v1/stats?since=2011-01-01&until=2011-12-31&partial_weight=0.5",
        &[
            "stats",
            "--since",
            "2011-01-01",
            "--until",
            "2011-12-31",
            "--partial-weight",
            "0.5",
            "--format",
            "json",
        ],
    );
    let missing = get(
        &server.addr,
        &read,
        "/v1/incidents/2011-06-16-upstream-routin",
    );
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json()["hint"],
        "did you mean 2011-06-16-upstream-routing?"
    );
    let bad = get(&server.addr, &read, "/v1/streak?as_of=someday");
    assert_eq!(
        (bad.status, bad.json()["field"].as_str()),
        (400, Some("as_of"))
    );
    assert_eq!(get(&server.addr, &read, "/v1/nothing").status, 404);
}

#[test]
fn sixteen_clients_lose_and_double_nothing() {
    let env = Env::new();
    let secret = token(&env, "ci", "append");
    let server = Server::start(&env, &[]);
    let clients: Vec<_> = (0..16)
        .map(|c| {
            let (addr, secret) = (server.addr.clone(), secret.clone());
            std::thread::spawn(move || {
                (0..100)
                    .map(|i| {
                        let answer = post(&addr, &secret, &detected(&format!("c{c}-{i}"))).unwrap();
                        assert_eq!(answer.status, 200, "{}", answer.body);
                        answer.json()["receipts"][0]["id"]
                            .as_str()
                            .unwrap()
                            .to_string()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let acked: Vec<String> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    assert_eq!(stopped(server), 0);
    let stored = stored_ids(&env);
    assert_eq!(stored.len(), 1600);
    assert_eq!(
        stored.iter().collect::<HashSet<_>>().len(),
        1600,
        "an event was doubled"
    );
    assert_eq!(
        acked.into_iter().collect::<HashSet<_>>(),
        stored.into_iter().collect()
    );
    env.run(&["verify"]).ok();
}

#[test]
fn sigterm_under_load_keeps_every_acknowledged_event() {
    let env = Env::new();
    let secret = token(&env, "ci", "append");
    let server = Server::start(&env, &[]);
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (addr, secret) = (server.addr.clone(), secret.clone());
            std::thread::spawn(move || {
                let mut acked = Vec::new();
                for i in 0.. {
                    match post(&addr, &secret, &detected(&format!("t{c}-{i}"))) {
                        Ok(a) if a.status == 200 => {
                            acked.push(a.json()["receipts"][0]["id"].as_str().unwrap().to_string());
                        }
                        _ => break,
                    }
                }
                acked
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(400));
    assert_eq!(stopped(server), 0);
    let acked: Vec<String> = clients
        .into_iter()
        .flat_map(|c| c.join().unwrap())
        .collect();
    assert!(!acked.is_empty());
    let stored: HashSet<String> = stored_ids(&env).into_iter().collect();
    assert!(
        acked.iter().all(|id| stored.contains(id)),
        "an acknowledged event is missing"
    );
    env.run(&["verify"]).ok();
}

#[test]
fn the_cli_writes_while_serve_runs() {
    let env = Env::new();
    let secret = token(&env, "ci", "append");
    let server = Server::start(&env, &[]);
    assert_eq!(
        post(&server.addr, &secret, &detected("db-down"))
            .unwrap()
            .status,
        200
    );
    env.run(&[
        "add",
        "acknowledged",
        "--incident",
        "db-down",
        "--at",
        "2026-11-25T11:05:00Z",
    ])
    .ok();
    assert_eq!(
        post(&server.addr, &secret, &detected("other"))
            .unwrap()
            .status,
        200
    );
    env.run(&["log"]).ok();
    assert_eq!(stopped(server), 0);
    assert_eq!(stored_ids(&env).len(), 3);
}

#[test]
fn token_files_are_private_and_keep_no_secret() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let secret = token(&env, "ci", "append");
    assert!(secret.starts_with("lbk_") && secret.len() == 68, "{secret}");
    let path = env.path("tokens");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!std::fs::read_to_string(&path).unwrap().contains(&secret));
    for format in ["text", "json"] {
        let list = env
            .run(&["token", "list", "--tokens", s(&path), "--format", format])
            .ok();
        assert!(list.stdout.contains("ci") && !list.stdout.contains(&secret[4..]));
    }
    env.run(&["token", "revoke", "ci", "--tokens", s(&path)])
        .ok();
    env.run(&["token", "revoke", "ci", "--tokens", s(&path)])
        .code(1);
    // The default file is under XDG_CONFIG_HOME (here: HOME/.config).
    env.run(&["token", "new", "dflt", "--scope", "read"]).ok();
    assert!(env.path(".config/logbook/tokens").exists());
}

/// SIGTERM, and the exit status.
fn stopped(server: Server) -> i32 {
    server.stop()
}

/// The ids of every stored event, in seq order.
fn stored_ids(env: &Env) -> Vec<String> {
    env.run(&["export"])
        .ok()
        .json_lines()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

/// The API's figures follow the config file's `[policy]`, as the CLI's and the site's do; a
/// query parameter overrides it, as a flag does.
#[test]
fn the_read_routes_take_the_config_policy() {
    let env = Env::seeded();
    let dir = env.path(".config/logbook");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), "[policy]\npartial_weight = 1.0\n").unwrap();
    let read = token(&env, "reader", "read");
    let server = Server::start(&env, &[]);
    let weight = |path: &str| {
        get(&server.addr, &read, path).json()["policy"]["partial_outage_weight"].clone()
    };
    assert_eq!(weight("/v1/stats?service=dns"), 1.0);
    assert_eq!(weight("/v1/stats?service=dns&partial_weight=0.3"), 0.3);
    assert_eq!(weight("/v1/incidents/2011-06-16-upstream-routing"), 1.0);
}
