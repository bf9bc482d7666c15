//! `POST /v1/hooks/SOURCE`: a monitoring system's webhook goes through the same adapter as
//! `logbook ingest`, repeats add nothing, a payload of another format is a 400 with nothing
//! written, and PagerDuty may authenticate with the body's `routing_key`.

use crate::common::Env;
use crate::serve::{Server, request, token};
use serde_json::Value;

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/ingest/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn hook(addr: &str, source: &str, secret: Option<&str>, body: &str) -> crate::serve::Answer {
    let auth = secret.map(|s| format!("Bearer {s}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a));
    }
    request(
        addr,
        "POST",
        &format!("/v1/hooks/{source}"),
        &headers,
        body.as_bytes(),
    )
    .expect("POST")
}

fn receipts(answer: &crate::serve::Answer) -> Vec<Value> {
    let body: Value = serde_json::from_str(&answer.body).expect("JSON body");
    body["receipts"].as_array().expect("receipts").clone()
}

#[test]
fn a_webhook_appends_what_logbook_ingest_appends_and_repeats_add_nothing() {
    let payload = fixture("alertmanager/oncall-example.json");
    // The CLI's reading of the payload, in a ledger of its own.
    let cli = Env::new();
    let file = cli.write("payload.json", &payload);
    cli.run(&["ingest", "alertmanager", crate::common::s(&file)])
        .ok();
    let expected = cli.run(&["incidents", "--format", "json"]).ok().stdout;

    let env = Env::new();
    let secret = token(&env, "alertmanager", "append");
    let server = Server::start(&env, &[]);
    let first = hook(&server.addr, "alertmanager", Some(&secret), &payload);
    assert_eq!(first.status, 200, "{}", first.body);
    let written = receipts(&first);
    assert!(!written.is_empty());
    assert!(
        written.iter().all(|r| r["status"] == "appended"),
        "{written:?}"
    );
    // Alertmanager retries: the same payload again adds nothing.
    let again = hook(&server.addr, "alertmanager", Some(&secret), &payload);
    assert_eq!(again.status, 200, "{}", again.body);
    assert!(receipts(&again).iter().all(|r| r["status"] != "appended"));
    // The answer says why nothing was added, as `logbook ingest` does.
    let body: Value = serde_json::from_str(&again.body).unwrap();
    let ignored = body["ignored"].as_array().expect("ignored");
    assert!(!ignored.is_empty(), "{body}");
    assert!(
        ignored
            .iter()
            .all(|n| n.as_str().unwrap().contains("repeat")),
        "{body}"
    );
    drop(server);
    assert_eq!(
        env.run(&["incidents", "--format", "json"]).ok().stdout,
        expected
    );
    env.run(&["verify"]).ok();
}

#[test]
fn a_payload_of_another_format_is_a_400_and_an_unknown_source_a_404() {
    let env = Env::new();
    let secret = token(&env, "hooks", "append");
    let server = Server::start(&env, &[]);
    let kuma = fixture("uptime-kuma/down.json");
    let wrong = hook(&server.addr, "alertmanager", Some(&secret), &kuma);
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    let body: Value = serde_json::from_str(&wrong.body).unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("alertmanager payload"),
        "{body}"
    );
    assert!(
        body["hint"]
            .as_str()
            .unwrap()
            .contains("nothing was written"),
        "{body}"
    );
    let unknown = hook(&server.addr, "nagios", Some(&secret), "{}");
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    assert!(unknown.body.contains("alertmanager"), "{}", unknown.body);
    // Without a token: 401, as for every append.
    assert_eq!(hook(&server.addr, "uptime-kuma", None, &kuma).status, 401);
    drop(server);
    assert_eq!(env.export(), "");
}

#[test]
fn pagerduty_may_send_its_token_as_the_routing_key() {
    let env = Env::new();
    let secret = token(&env, "pagerduty", "append");
    let server = Server::start(&env, &[]);
    let mut trigger: Value = serde_json::from_str(&fixture("pagerduty/trigger.json")).unwrap();
    trigger["routing_key"] = Value::String("not-a-token".into());
    let refused = hook(&server.addr, "pagerduty", None, &trigger.to_string());
    assert_eq!(refused.status, 401, "{}", refused.body);
    trigger["routing_key"] = Value::String(secret.clone());
    let taken = hook(&server.addr, "pagerduty", None, &trigger.to_string());
    assert_eq!(taken.status, 200, "{}", taken.body);
    assert_eq!(receipts(&taken)[0]["type"], "detected");
    // The routing key is not a way around a token that the header names wrongly.
    let header_wins = hook(
        &server.addr,
        "pagerduty",
        Some("wrong"),
        &trigger.to_string(),
    );
    assert_eq!(header_wins.status, 401);
}
