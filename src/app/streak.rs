//! Uptime streaks: one service's runs, or the board of every service and all of them
//! together, by calendar day in a zone.

use super::AppError;
use crate::event::At;
use crate::projection::service::Service;
use crate::projection::streak::{self, Streaks};
use crate::projection::zone::{self, Zone};
use crate::projection::{Incident, Policy};
use crate::store::Ledger;
use time::Date;

/// The day of `--as-of` (`as_of` over HTTP) in `zone`.
pub fn as_of(text: &str, zone: &dyn Zone) -> Result<Date, AppError> {
    At::parse(text)
        .map(|a| zone::day(&a, zone))
        .ok_or_else(|| AppError::BadValue {
            param: "as_of",
            value: text.to_string(),
            expected: "a date",
        })
}

/// [`AppError::NoService`] for a service that no incident names and that has no history of
/// its own.
pub fn require_known(service: &Service, incidents: &[Incident]) -> Result<(), AppError> {
    if incidents.is_empty() && service.commissioned.is_none() && service.retired.is_none() {
        return Err(AppError::NoService {
            name: service.name.clone(),
        });
    }
    Ok(())
}

/// Computes streaks from the projections, by calendar day in `zone`.
pub struct View<'a> {
    pub ledger: &'a Ledger,
    pub policy: Policy,
    pub zone: &'a dyn Zone,
    pub as_of: Date,
}

/// The board: one row per service, and all services together.
pub struct Board {
    pub rows: Vec<(String, Streaks)>,
    pub all: Streaks,
}

impl View<'_> {
    /// The streaks of one service, by name ("not found" when logbook knows nothing of it).
    pub fn service(&self, name: &str) -> Result<Streaks, AppError> {
        let service = self.ledger.service(name)?;
        let incidents = self.ledger.incidents_of(name)?;
        require_known(&service, &incidents)?;
        Ok(self.streaks(&service, &incidents))
    }

    /// The streaks of `service` from `incidents` (those that name it, at least).
    pub fn streaks<'i>(
        &self,
        service: &Service,
        incidents: impl IntoIterator<Item = &'i Incident>,
    ) -> Streaks {
        let name = service.name.as_str();
        let outages = incidents
            .into_iter()
            .filter_map(|i| streak::outage(i, Some(name), &self.policy, Some(self.zone)))
            .collect();
        let commissioned = service
            .commissioned
            .map(|c| streak::day(&c, Some(self.zone)));
        let as_of = service.retired.map_or(self.as_of, |r| {
            streak::day(&r, Some(self.zone)).min(self.as_of)
        });
        streak::streaks(commissioned, outages, as_of)
    }

    /// One row per service, and all services together: any service's outage breaks that run,
    /// whose first run starts at the earliest commissioning only when every service's
    /// commissioning is known.
    pub fn board(&self) -> Result<Board, AppError> {
        let services = self.ledger.services()?;
        let mut rows = Vec::with_capacity(services.len());
        for service in &services {
            let incidents = self.ledger.incidents_of(&service.name)?;
            rows.push((service.name.clone(), self.streaks(service, &incidents)));
        }
        let outages = rows
            .iter()
            .flat_map(|(_, s)| s.outages.iter().cloned())
            .collect();
        let commissioned = if services.iter().all(|s| s.commissioned.is_some()) {
            services
                .iter()
                .filter_map(|s| s.commissioned.map(|c| streak::day(&c, Some(self.zone))))
                .min()
        } else {
            None
        };
        let all = streak::streaks(commissioned, outages, self.as_of);
        Ok(Board { rows, all })
    }
}
