//! Reading the projection tables: incidents by key, by service or all, and services. Queries
//! read maintained projections and single streams, never the whole log.

use super::projections::load_stream;
use super::tables::{CORRECTIONS, EVENTS, INCIDENTS, SERVICE_INCIDENTS, STREAM_STATE, STREAMS};
use super::{Ledger, StoreError};
use crate::projection::Incident;
use crate::projection::service::{self, Service};
use crate::record::Stored;
use redb::{ReadTransaction, ReadableTable};
use std::collections::BTreeSet;

impl Ledger {
    fn read(&self) -> Result<ReadTransaction, StoreError> {
        self.db.begin_read().map_err(self.storage())
    }

    fn decode_incident(&self, key: &str, bytes: &[u8]) -> Result<Incident, StoreError> {
        super::codec::decode_incident(bytes).map_err(|e| {
            self.corrupt(&format!(
                "the projection of incident {key} cannot be read: {e} (run `logbook rebuild`)"
            ))
        })
    }

    /// One incident's projection.
    pub fn incident(&self, key: &str) -> Result<Option<Incident>, StoreError> {
        let txn = self.read()?;
        let table = txn.open_table(INCIDENTS).map_err(self.storage())?;
        let found = table.get(key).map_err(self.storage())?;
        found
            .map(|v| self.decode_incident(key, v.value()))
            .transpose()
    }

    /// Every incident's projection, in key order.
    pub fn incidents(&self) -> Result<Vec<Incident>, StoreError> {
        let txn = self.read()?;
        let table = txn.open_table(INCIDENTS).map_err(self.storage())?;
        let mut out = Vec::new();
        for entry in table.iter().map_err(self.storage())? {
            let (key, value) = entry.map_err(self.storage())?;
            out.push(self.decode_incident(key.value(), value.value())?);
        }
        Ok(out)
    }

    /// The incidents that name `service`, in key order.
    pub fn incidents_of(&self, service: &str) -> Result<Vec<Incident>, StoreError> {
        let txn = self.read()?;
        let index = txn.open_table(SERVICE_INCIDENTS).map_err(self.storage())?;
        let table = txn.open_table(INCIDENTS).map_err(self.storage())?;
        let mut out = Vec::new();
        for entry in index.range((service, "")..).map_err(self.storage())? {
            let (key, _) = entry.map_err(self.storage())?;
            let (s, incident) = key.value();
            if s != service {
                break;
            }
            let bytes = table.get(incident).map_err(self.storage())?;
            let bytes = bytes.ok_or_else(|| {
                self.corrupt(&format!(
                    "the service index names missing incident {incident}"
                ))
            })?;
            out.push(self.decode_incident(incident, bytes.value())?);
        }
        Ok(out)
    }

    /// One stream's stored events, in revision order (an incident key, or `@service`).
    pub fn stream(&self, key: &str) -> Result<Vec<Stored>, StoreError> {
        let txn = self.read()?;
        let streams = txn.open_table(STREAMS).map_err(self.storage())?;
        let events = txn.open_table(EVENTS).map_err(self.storage())?;
        load_stream(&streams, &events, key).map_err(self.storage())
    }

    /// One service's own history (possibly empty).
    pub fn service(&self, name: &str) -> Result<Service, StoreError> {
        Ok(service::fold(name, &self.stream(&format!("@{name}"))?))
    }

    /// Every service logbook knows: named by an incident or with a history of its own.
    pub fn services(&self) -> Result<Vec<Service>, StoreError> {
        let txn = self.read()?;
        let mut names = BTreeSet::new();
        let index = txn.open_table(SERVICE_INCIDENTS).map_err(self.storage())?;
        let mut last = String::new();
        for entry in index.iter().map_err(self.storage())? {
            let (key, _) = entry.map_err(self.storage())?;
            let service = key.value().0;
            if service != last {
                last = service.to_string();
                names.insert(last.clone());
            }
        }
        let states = txn.open_table(STREAM_STATE).map_err(self.storage())?;
        for entry in states.range("@"..="@\u{10ffff}").map_err(self.storage())? {
            let (key, _) = entry.map_err(self.storage())?;
            names.insert(key.value()[1..].to_string());
        }
        names.into_iter().map(|n| self.service(&n)).collect()
    }
}

/// What the corrections index says about one event: the seqs of its amendments and of its
/// retractions, in log order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Corrected {
    pub amended_by: Vec<u64>,
    pub retracted_by: Vec<u64>,
}

impl Ledger {
    /// The stored bytes of the events with seqs in `range`, in seq order (a batch of a read
    /// that streams: the caller lets go of the ledger before writing them out).
    pub fn raw_range(
        &self,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        let txn = self.read()?;
        let events = txn.open_table(EVENTS).map_err(self.storage())?;
        let mut out = Vec::new();
        let end = *range.end();
        super::chunk::from(&events, *range.start(), self.storage(), |seq, bytes| {
            if seq > end {
                return Ok(std::ops::ControlFlow::Break(()));
            }
            out.push((seq, bytes.to_vec()));
            Ok(std::ops::ControlFlow::Continue(()))
        })?;
        Ok(out)
    }

    /// The corrections the index holds for each of `ids` (events no correction names are left
    /// out). A ledger made before the index existed has none until its next write or rebuild.
    pub fn corrections_of(
        &self,
        ids: impl IntoIterator<Item = uuid::Uuid>,
    ) -> Result<std::collections::HashMap<uuid::Uuid, Corrected>, StoreError> {
        let txn = self.read()?;
        let table = match txn.open_table(CORRECTIONS) {
            Ok(table) => table,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Default::default()),
            Err(e) => return Err(self.storage_error(e)),
        };
        let mut out = std::collections::HashMap::new();
        for id in ids {
            let key = id.as_u128();
            for entry in table
                .range((key, 0)..=(key, u64::MAX))
                .map_err(self.storage())?
            {
                let (k, kind) = entry.map_err(self.storage())?;
                let c: &mut Corrected = out.entry(id).or_default();
                match kind.value() {
                    0 => c.amended_by.push(k.value().1),
                    _ => c.retracted_by.push(k.value().1),
                }
            }
        }
        Ok(out)
    }
}
