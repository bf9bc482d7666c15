//! Keeping the projection tables: every append re-folds the incidents it touched, in the same
//! write transaction, and `rebuild` drops the tables and folds every stream again. Both go
//! through [`Projections::refresh`], so a rebuilt ledger equals an incrementally kept one.

use super::tables::{CORRECTIONS, EVENTS, INCIDENTS, SERVICE_INCIDENTS, STREAM_STATE, STREAMS};
use super::{Ledger, StoreError, codec};
use crate::event::rules;
use crate::projection::{Incident, incident};
use crate::record::Stored;
use redb::{ReadableTable, StorageError, Table, WriteTransaction};

/// The projection tables, open for writing.
pub(super) struct Projections<'t> {
    incidents: Table<'t, &'static str, &'static [u8]>,
    by_service: Table<'t, (&'static str, &'static str), ()>,
}

impl<'t> Projections<'t> {
    pub(super) fn open(txn: &'t WriteTransaction) -> Result<Projections<'t>, redb::TableError> {
        Ok(Projections {
            incidents: txn.open_table(INCIDENTS)?,
            by_service: txn.open_table(SERVICE_INCIDENTS)?,
        })
    }

    /// Whether some incident names `service` in the service index.
    pub(super) fn names_service(&self, service: &str) -> Result<bool, StorageError> {
        let mut range = self.by_service.range((service, "")..)?;
        Ok(match range.next() {
            Some(entry) => entry?.0.value().0 == service,
            None => false,
        })
    }

    /// Every service the service index names, once each.
    pub(super) fn services(&self) -> Result<Vec<String>, StorageError> {
        let mut out: Vec<String> = Vec::new();
        for entry in self.by_service.iter()? {
            let service = entry?.0.value().0.to_string();
            if out.last() != Some(&service) {
                out.push(service);
            }
        }
        Ok(out)
    }

    /// Replaces the projection of incident `key` with the fold of its whole `stream`.
    pub(super) fn refresh(&mut self, key: &str, stream: &[Stored]) -> Result<(), StorageError> {
        self.put(key, project(key, stream))
    }

    /// Replaces the projection of incident `key` with `projected`, the fold of its whole
    /// stream (`None`: nothing is left of it).
    pub(super) fn put(
        &mut self,
        key: &str,
        projected: Option<Projected>,
    ) -> Result<(), StorageError> {
        let old: Option<Incident> = self
            .incidents
            .get(key)?
            .and_then(|v| codec::decode_incident(v.value()).ok());
        for service in old.iter().flat_map(|i| &i.services) {
            self.by_service.remove((service.as_str(), key))?;
        }
        match projected {
            Some(new) => {
                for service in &new.services {
                    self.by_service.insert((service.as_str(), key), ())?;
                }
                self.incidents.insert(key, new.bytes.as_slice())?;
            }
            None => {
                self.incidents.remove(key)?;
            }
        }
        Ok(())
    }
}

/// What the projection tables hold for one incident: its encoded fold and its services.
pub(super) struct Projected {
    pub bytes: Vec<u8>,
    pub services: Vec<String>,
}

/// The projection of incident `key` from its whole stream (`None` when nothing is left of it).
pub(super) fn project(key: &str, stream: &[Stored]) -> Option<Projected> {
    let incident = incident::fold(key, stream)?;
    Some(Projected {
        bytes: codec::encode_incident(&incident),
        services: incident.services,
    })
}

/// The kept state of a stream from its whole stream, encoded as the `stream_state` table
/// holds it.
pub(super) fn state_bytes(stream: &[Stored]) -> Option<Vec<u8>> {
    let mut state = None;
    for s in stream {
        state = Some(rules::apply(state, &s.event, s.revision));
    }
    state.as_ref().map(codec::encode_state)
}

/// Reads one stream's events, in revision order, through the stream index.
pub(super) fn load_stream(
    streams: &impl ReadableTable<&'static str, &'static [u8]>,
    events: &impl ReadableTable<u64, &'static [u8]>,
    key: &str,
) -> Result<Vec<Stored>, StorageError> {
    load_events(events, &stream_seqs(streams, key)?)
}

/// The seqs the stream index lists for stream `key`, in revision order (empty for none).
pub(super) fn stream_seqs(
    streams: &impl ReadableTable<&'static str, &'static [u8]>,
    key: &str,
) -> Result<Vec<u64>, StorageError> {
    let Some(list) = streams.get(key)? else {
        return Ok(Vec::new());
    };
    let seqs = super::tables::seqs(list.value()).ok_or_else(|| {
        corrupt(format!(
            "the stream index entry of {key} is not a list of seqs"
        ))
    })?;
    Ok(seqs.collect())
}

/// The stored events with `seqs`, decoded, in that order.
pub(super) fn load_events(
    events: &impl ReadableTable<u64, &'static [u8]>,
    seqs: &[u64],
) -> Result<Vec<Stored>, StorageError> {
    let mut out = Vec::with_capacity(seqs.len());
    let mut reader = super::chunk::Reader::new(events);
    for &seq in seqs {
        let bytes = reader
            .get(seq)?
            .ok_or_else(|| corrupt(format!("the stream index names missing event {seq}")))?;
        let stored = Stored::decode(bytes)
            .map_err(|e| corrupt(format!("event {seq} cannot be read: {e}")))?;
        if stored.seq != seq {
            return Err(misplaced(seq, stored.seq));
        }
        out.push(stored);
    }
    Ok(out)
}

/// The event at `seq`'s place in the log says it is event `holds`: the chunk framing, which
/// the hash does not cover, was changed.
pub(super) fn misplaced(seq: u64, holds: u64) -> StorageError {
    corrupt(format!("the log's place of seq {seq} holds event {holds}"))
}

fn corrupt(detail: String) -> StorageError {
    StorageError::Corrupted(detail)
}

/// What `rebuild` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    pub streams: u64,
    pub incidents: u64,
}

impl Ledger {
    /// Drops every projection table and folds every stream again, in one transaction.
    pub fn rebuild(&self) -> Result<Rebuilt, StoreError> {
        self.rebuild_with(&|_, _| {})
    }

    /// [`Ledger::rebuild`], calling `progress` with streams done and streams in all.
    pub fn rebuild_with(&self, progress: &dyn Fn(u64, u64)) -> Result<Rebuilt, StoreError> {
        let txn = self.begin_write()?;
        let mut done = Rebuilt {
            streams: 0,
            incidents: 0,
        };
        {
            txn.delete_table(STREAM_STATE).map_err(self.storage())?;
            txn.delete_table(INCIDENTS).map_err(self.storage())?;
            txn.delete_table(SERVICE_INCIDENTS)
                .map_err(self.storage())?;
            txn.delete_table(CORRECTIONS).map_err(self.storage())?;
            let mut corrections = txn.open_table(CORRECTIONS).map_err(self.storage())?;
            let streams = txn.open_table(STREAMS).map_err(self.storage())?;
            let events = txn.open_table(EVENTS).map_err(self.storage())?;
            let mut states = txn.open_table(STREAM_STATE).map_err(self.storage())?;
            let mut projections = Projections::open(&txn).map_err(self.storage())?;
            let mut keys: Vec<String> = Vec::new();
            for entry in streams.iter().map_err(self.storage())? {
                let (key, _) = entry.map_err(self.storage())?;
                keys.push(key.value().to_string());
            }
            let total = keys.len() as u64;
            for key in keys {
                let stream = load_stream(&streams, &events, &key).map_err(self.storage())?;
                for s in &stream {
                    if let Some((target, kind)) = super::append::correction_of(&s.event) {
                        corrections
                            .insert((target.as_u128(), s.seq), kind)
                            .map_err(self.storage())?;
                    }
                }
                if let Some(state) = state_bytes(&stream) {
                    states
                        .insert(key.as_str(), state.as_slice())
                        .map_err(self.storage())?;
                }
                done.streams += 1;
                if done.streams.is_multiple_of(1024) {
                    progress(done.streams, total);
                }
                if !key.starts_with('@') {
                    projections.refresh(&key, &stream).map_err(self.storage())?;
                    done.incidents += 1;
                }
            }
        }
        txn.commit().map_err(self.storage())?;
        Ok(done)
    }
}
