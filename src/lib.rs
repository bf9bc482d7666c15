//! logbook: an event-sourced incident and maintenance ledger kept in one redb file.
//!
//! The pure core is [`event`] (the catalogue and its rules) and [`ingest`] (payloads of
//! monitoring systems as events); [`store`] owns the redb file, the
//! append transaction and the hash chain; [`demo`] carries the seed's history. The command line
//! lives in the binary (`src/cli/`).

#![forbid(unsafe_code)]

pub mod app;
pub mod demo;
pub mod event;
pub mod ingest;
pub mod parallel;
pub mod projection;
pub mod record;
pub mod report;
pub mod store;
pub mod synth;
