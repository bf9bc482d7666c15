//! Incidents: the list (in the order every listing shows), one incident by key with a "did you
//! mean" for a near miss, and its post-incident report.

use super::AppError;
use crate::event::parse::suggest;
use crate::projection::{Incident, Policy};
use crate::report::{Report, build};
use crate::store::Ledger;
use time::OffsetDateTime;

/// Every incident, or those naming `service`, by the day their impact started (or they
/// opened), then by key.
pub fn list(ledger: &Ledger, service: Option<&str>) -> Result<Vec<Incident>, AppError> {
    let mut list = match service {
        Some(s) => ledger.incidents_of(s)?,
        None => ledger.incidents()?,
    };
    list.sort_by(|a, b| {
        a.impact_start
            .unwrap_or(a.opened)
            .at
            .date()
            .cmp(&b.impact_start.unwrap_or(b.opened).at.date())
            .then(a.key.cmp(&b.key))
    });
    Ok(list)
}

/// The incident named `key`, or [`AppError::NoIncident`] with a near key if there is one.
pub fn find(ledger: &Ledger, key: &str) -> Result<Incident, AppError> {
    if let Some(incident) = ledger.incident(key)? {
        return Ok(incident);
    }
    let keys: Vec<String> = ledger.incidents()?.into_iter().map(|i| i.key).collect();
    Err(AppError::NoIncident {
        key: key.to_string(),
        near: suggest(key, keys.iter().map(String::as_str)).map(str::to_string),
    })
}

/// The post-incident report of incident `key` as of `now`. An incident's figures do not
/// depend on the policy; the report prints `policy` (the one in force).
pub fn report(
    ledger: &Ledger,
    key: &str,
    now: OffsetDateTime,
    policy: Policy,
) -> Result<Report, AppError> {
    let incident = find(ledger, key)?;
    let stream = ledger.stream(key)?;
    Ok(build(incident, &stream, policy, now))
}

/// The customer version of the report of incident `key` (DESIGN section 6), times shown by
/// `clock`.
pub fn public_report(
    ledger: &Ledger,
    key: &str,
    now: OffsetDateTime,
    clock: crate::report::Clock,
) -> Result<crate::report::public::PublicReport, AppError> {
    let incident = find(ledger, key)?;
    let stream = ledger.stream(key)?;
    Ok(crate::report::public::build(&incident, &stream, now, clock))
}
