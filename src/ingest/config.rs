//! How each source's payloads map to events: which label names the service, how severity maps
//! to an impact level, whether a resolve closes the incident. Every field has a default, and
//! the whole is read from `[ingest.<source>]` tables (serde).

use crate::event::Level;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Severity (lower-cased) → impact level.
pub type SeverityMap = BTreeMap<String, Level>;

/// The mapping of every source (`[ingest]` in `config.toml`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub alertmanager: AlertmanagerConfig,
    pub grafana: AlertmanagerConfig,
    #[serde(rename = "uptime-kuma", alias = "uptime_kuma")]
    pub uptime_kuma: UptimeKumaConfig,
    pub pagerduty: PagerDutyConfig,
}

/// `[ingest.alertmanager]` and `[ingest.grafana]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertmanagerConfig {
    /// Labels that name the affected service, first present wins.
    pub service_labels: Vec<String>,
    /// The label that holds the severity.
    pub severity_label: String,
    /// Severity → level; a severity not listed (or none) gets `default_level`.
    pub levels: SeverityMap,
    pub default_level: Level,
    /// A resolved alert also resolves its incident (else only restores the service).
    pub auto_resolve: bool,
}

impl Default for AlertmanagerConfig {
    fn default() -> Self {
        AlertmanagerConfig {
            service_labels: vec!["service".into(), "job".into(), "instance".into()],
            severity_label: "severity".into(),
            levels: levels(&[
                ("critical", Level::MajorOutage),
                ("warning", Level::PartialOutage),
            ]),
            default_level: Level::Degraded,
            auto_resolve: true,
        }
    }
}

/// `[ingest.uptime-kuma]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UptimeKumaConfig {
    /// The level of a monitor that is DOWN.
    pub level: Level,
    /// An UP beat also resolves the incident (else only restores the service).
    pub auto_resolve: bool,
}

impl Default for UptimeKumaConfig {
    fn default() -> Self {
        UptimeKumaConfig {
            level: Level::MajorOutage,
            auto_resolve: true,
        }
    }
}

/// `[ingest.pagerduty]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PagerDutyConfig {
    /// `payload.severity` → level; one not listed gets `default_level`.
    pub levels: SeverityMap,
    pub default_level: Level,
    /// A `resolve` also resolves the incident (else only restores the service).
    pub auto_resolve: bool,
}

impl Default for PagerDutyConfig {
    fn default() -> Self {
        PagerDutyConfig {
            levels: levels(&[
                ("critical", Level::MajorOutage),
                ("error", Level::MajorOutage),
                ("warning", Level::PartialOutage),
            ]),
            default_level: Level::Degraded,
            auto_resolve: true,
        }
    }
}

fn levels(pairs: &[(&str, Level)]) -> SeverityMap {
    pairs.iter().map(|(k, v)| ((*k).to_string(), *v)).collect()
}

/// The level of `severity` (compared lower-cased) under `levels`, else `default`.
pub fn level_of(levels: &SeverityMap, default: Level, severity: Option<&str>) -> Level {
    severity
        .and_then(|s| levels.get(&s.trim().to_lowercase()))
        .copied()
        .unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_partial_tables_over_the_defaults() {
        let config: Config = serde_json::from_str(
            r#"{"alertmanager":{"service_labels":["app"],"levels":{"page":"major_outage"}},"uptime-kuma":{"auto_resolve":false}}"#,
        )
        .unwrap();
        assert_eq!(config.alertmanager.service_labels, ["app"]);
        assert_eq!(config.alertmanager.severity_label, "severity");
        assert_eq!(config.alertmanager.default_level, Level::Degraded);
        assert!(!config.uptime_kuma.auto_resolve);
        assert_eq!(config.pagerduty, PagerDutyConfig::default());
        assert!(serde_json::from_str::<Config>(r#"{"alertmanager":{"labels":[]}}"#).is_err());
    }
}
