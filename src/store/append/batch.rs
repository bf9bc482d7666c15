//! Group commit: the appends of several requests in one write transaction (one fsync), each
//! request still all or nothing. A request whose lines break a rule is taken out and the
//! transaction is begun again without it, so every other request is written exactly as if
//! the requests had been appended one after the other, in order, without the refused one.

use super::{AppendContext, AppendError, Appended, Ledger, Line};

/// One request of a group: its lines, and what the ledger adds to them.
#[derive(Debug, Clone)]
pub struct Request {
    pub lines: Vec<Line>,
    pub ctx: AppendContext,
}

/// What became of one request of a group: its receipts, or why it wrote nothing.
pub type Outcome = Result<Vec<Appended>, AppendError>;

impl Ledger {
    /// Appends every request of `requests` in one write transaction, in order. Each request is
    /// all or nothing: one whose lines are refused gets its [`AppendError::Rejected`] and
    /// writes nothing, and the others are written without it. A storage failure fails the
    /// whole group (`Err`, nothing written). Outcomes are durable once this returns `Ok`.
    pub fn append_group(&self, requests: &[Request]) -> Result<Vec<Outcome>, AppendError> {
        let mut refused: Vec<Option<AppendError>> = requests.iter().map(|_| None).collect();
        loop {
            if refused.iter().all(Option::is_some) {
                return Ok(refused.into_iter().flatten().map(Err).collect());
            }
            let mut failed_at = None;
            let written = self.write(|w| {
                let mut all = Vec::with_capacity(requests.len());
                for (i, request) in requests.iter().enumerate() {
                    let mut receipts = Vec::new();
                    if refused[i].is_none() {
                        for line in &request.lines {
                            let number = line.number;
                            let admitted = w
                                .admit(line.clone(), &request.ctx)
                                .map_err(|e| e.at_line(number, &self.path));
                            match admitted {
                                Ok(a) => receipts.push(a),
                                Err(e) => {
                                    failed_at = Some(i);
                                    return Err(e);
                                }
                            }
                        }
                    }
                    all.push(receipts);
                }
                Ok(all)
            });
            match written {
                Ok(all) => {
                    return Ok(all
                        .into_iter()
                        .zip(refused)
                        .map(|(receipts, refusal)| refusal.map_or(Ok(receipts), Err))
                        .collect());
                }
                // The transaction was dropped: nothing is written. Only this request's
                // refusal is its own; the others are tried again without it.
                Err(e @ AppendError::Rejected { .. }) => match failed_at {
                    Some(i) => refused[i] = Some(e),
                    None => return Err(e),
                },
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::parse_line;

    fn request(lines: &[&str]) -> Request {
        let now = crate::event::time::parse_instant("2026-11-25T12:00:00Z").unwrap();
        Request {
            lines: lines
                .iter()
                .enumerate()
                .map(|(i, text)| Line {
                    number: i + 1,
                    submission: parse_line(text).unwrap(),
                })
                .collect(),
            ctx: AppendContext {
                now,
                actor: "t".into(),
                force: false,
                new_services: Vec::new(),
            },
        }
    }

    #[test]
    fn a_refused_request_writes_nothing_and_the_others_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::create(&dir.path().join("l.redb")).unwrap();
        let detected =
            r#"{"type":"detected","incident":"a","at":"2026-11-25T11:00:00Z","services":["db"]}"#;
        let good = request(&[detected]);
        // The second line acknowledges an incident that does not exist: the rules refuse it.
        let bad = request(&[
            r#"{"type":"detected","incident":"b","at":"2026-11-25T11:00:00Z","services":["db"]}"#,
            r#"{"type":"acknowledged","incident":"nope","at":"2026-11-25T11:01:00Z"}"#,
        ]);
        let later =
            request(&[r#"{"type":"acknowledged","incident":"a","at":"2026-11-25T11:02:00Z"}"#]);
        let outcomes = ledger.append_group(&[good, bad, later]).unwrap();
        assert_eq!(outcomes[0].as_ref().unwrap()[0].seq, 1);
        assert!(matches!(
            outcomes[1],
            Err(AppendError::Rejected { line: 2, .. })
        ));
        assert_eq!(outcomes[2].as_ref().unwrap()[0].seq, 2);
        assert_eq!(ledger.event_count().unwrap(), 2);
    }
}
