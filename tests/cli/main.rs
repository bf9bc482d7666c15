//! The one integration-test binary: runs the real `logbook` in a hermetic environment (fixed
//! clock, fixed actor, private temporary directory) and snapshots what a person would see.

#![allow(clippy::disallowed_methods)] // tests read their environment (PATH, RUST_BACKTRACE)

mod common;

mod add;
mod append;
mod browser;
mod byteflip;
mod config;
mod corrections;
mod csv;
mod durability;
mod export_import;
mod fold;
mod fold_props;
mod inert;
mod ingest;
mod input;
mod projections;
mod readers;
mod rules;
mod schema;
mod serve;
mod serve_api;
mod serve_hooks;
mod serve_site;
mod site;
mod sla;
mod trust;
mod verify;
mod zones;
