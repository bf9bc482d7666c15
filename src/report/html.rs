//! The post-incident report as one self-contained HTML page.

use super::Report;

/// Renders the report as HTML.
pub fn render(report: &Report) -> String {
    format!("<!doctype html><title>{}</title>", report.incident.key)
}
