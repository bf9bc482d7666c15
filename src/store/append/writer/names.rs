//! The spelling check of an append: a new service or vendor named like a known one only by
//! case or punctuation is refused as a typo, unless the writer says it is new.

use super::{WriteError, Writer};
use crate::event::{Body, Event, FieldError};
use crate::store::append::AppendContext;
use redb::ReadableTable;
use std::collections::HashMap;

impl Writer<'_> {
    /// A new service or vendor spelled like a known one only by case or punctuation (`Web1`
    /// beside `web1`, `hetzner` beside `Hetzner`) is a typo that would split its figures:
    /// refused with the known name, unless the writer said the service is new.
    pub(super) fn check_names(
        &mut self,
        event: &Event,
        ctx: &AppendContext,
    ) -> Result<(), WriteError> {
        use crate::event::{folded, spelled_alike};
        for name in event.services() {
            let name = name.as_str();
            if self.m.named.contains(name)
                || ctx.new_services.iter().any(|n| n == name)
                || self.service_known(name)?
            {
                continue;
            }
            let alike = self.known_folded()?.get(&folded(name)).cloned();
            if let Some(known) = alike.filter(|k| spelled_alike(name, k)) {
                let field = if event.service.is_some() {
                    "service"
                } else {
                    "services"
                };
                return Err(FieldError::new(
                    field,
                    format!(
                        "service `{name}` is new, but `{known}` is known: did you mean `{known}`?"
                    ),
                )
                .with_problem(crate::event::Problem::NearService)
                .into());
            }
        }
        let (Body::VendorEngaged { vendor, .. } | Body::VendorResponded { vendor, .. }) =
            &event.body
        else {
            return Ok(());
        };
        let key = event.stream().key();
        let stream = self.stream(&key)?;
        let near = stream.iter().find_map(|s| match &s.event.body {
            Body::VendorEngaged { vendor: v, .. } | Body::VendorResponded { vendor: v, .. }
                if spelled_alike(vendor, v) =>
            {
                Some(v.clone())
            }
            _ => None,
        });
        match near {
            Some(known) => Err(FieldError::new(
                "vendor",
                format!(
                    "`{vendor}` is spelled `{known}` elsewhere in this incident: did you mean `{known}`?"
                ),
            )
            .with_problem(crate::event::Problem::NearVendor)
            .into()),
            None => Ok(()),
        }
    }

    /// Whether some incident already names `service`, or it has a history of its own.
    fn service_known(&mut self, service: &str) -> Result<bool, WriteError> {
        // The projections the folding thread still owes may name or drop the service.
        self.settle_folds()?;
        if self.states.get(format!("@{service}").as_str())?.is_some() {
            return Ok(true);
        }
        Ok(self.projections.names_service(service)?)
    }

    /// Every service the ledger knew before this transaction, keyed by its folded name: read
    /// once, the first time a new name must be compared (names this transaction adds are in
    /// `named`, and a new name spelled like one of those is a typo too).
    fn known_folded(&mut self) -> Result<&HashMap<String, String>, WriteError> {
        if self.m.known.is_none() {
            self.settle_folds()?;
            let mut known = HashMap::new();
            for service in self.projections.services()? {
                known.insert(crate::event::folded(&service), service);
            }
            for entry in self.states.range("@"..="@\u{10ffff}")? {
                let service = entry?.0.value()[1..].to_string();
                known.insert(crate::event::folded(&service), service);
            }
            for service in &self.m.named {
                known
                    .entry(crate::event::folded(service))
                    .or_insert_with(|| service.clone());
            }
            self.m.known = Some(known);
        }
        Ok(self.m.known.get_or_insert_with(HashMap::new))
    }
}
