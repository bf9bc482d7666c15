//! The ledger as ingest's [`Lookup`]: which derived ids are stored, which incidents are open.

use super::tables::INCIDENTS;
use super::{Ledger, StoreError};
use crate::ingest::Lookup;
use uuid::Uuid;

impl Ledger {
    /// The keys of the open incidents whose key starts with `prefix`, in key order.
    pub fn open_with_prefix(&self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let txn = self.db.begin_read().map_err(self.storage())?;
        let table = txn.open_table(INCIDENTS).map_err(self.storage())?;
        let mut out = Vec::new();
        for entry in table.range(prefix..).map_err(self.storage())? {
            let (key, _) = entry.map_err(self.storage())?;
            let key = key.value();
            if !key.starts_with(prefix) {
                break;
            }
            if self.incident(key)?.is_some_and(|i| i.closed.is_none()) {
                out.push(key.to_string());
            }
        }
        Ok(out)
    }
}

impl Lookup for Ledger {
    type Error = StoreError;

    fn stored(&self, id: Uuid) -> Result<bool, StoreError> {
        Ok(!self.seqs_of([id])?.is_empty())
    }

    fn open(&self, key: &str) -> Result<Option<bool>, StoreError> {
        Ok(self.incident(key)?.map(|i| i.closed.is_none()))
    }

    fn open_with_prefix(&self, prefix: &str) -> Result<Option<String>, StoreError> {
        Ok(Ledger::open_with_prefix(self, prefix)?.pop())
    }

    fn open_before(&self, prefix: &str, before: &str) -> Result<Option<String>, StoreError> {
        Ok(Ledger::open_with_prefix(self, prefix)?
            .into_iter()
            .rfind(|k| k.as_str() < before))
    }
}
