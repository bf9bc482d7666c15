//! The config file (DESIGN section 5, **Config**): `$XDG_CONFIG_HOME/logbook/config.toml`, or
//! the file `LOGBOOK_CONFIG` names. It gives defaults that flags and environment variables
//! override: the zone, the actor, the policy and the services that are new on purpose although
//! spelled like known ones. A file that is missing is no config; a file that is there but wrong
//! is a usage error naming the file, line and key, so a typo never goes unnoticed.

use super::error::CommandError;
use logbook::projection::Policy;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// What the config file says; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The file it was read from, for messages (`None`: no file).
    #[serde(skip)]
    pub path: Option<PathBuf>,
    /// The zone, as `--tz` takes it; between `LOGBOOK_TZ` and `TZ`.
    pub timezone: Option<String>,
    /// The actor of events that name none; after `--actor` and `LOGBOOK_ACTOR`.
    pub actor: Option<String>,
    /// Services and vendors that are meant as they are spelled, even beside a known name
    /// that differs only by case or a small edit (as `--new-service` names them).
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub policy: PolicyConfig,
    /// `[site]`: the status site's title, address and services.
    #[serde(default)]
    pub site: logbook::app::site::Settings,
    /// `[ingest.<source>]` mappings: the service label, the severity map, auto-resolve.
    #[serde(default)]
    pub ingest: logbook::ingest::Config,
}

/// `[policy]`: the default policy of every figure (DESIGN section 4); flags override it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    pub partial_weight: Option<f64>,
    pub count_degraded: Option<bool>,
    pub include_maintenance: Option<bool>,
}

impl PolicyConfig {
    /// The policy this section gives, the default policy where it is silent.
    pub fn policy(&self) -> Policy {
        let default = Policy::default();
        Policy {
            partial_weight: self.partial_weight.unwrap_or(default.partial_weight),
            count_degraded: self.count_degraded.unwrap_or(default.count_degraded),
            include_maintenance: self
                .include_maintenance
                .unwrap_or(default.include_maintenance),
        }
    }
}

/// Where the config file is: `LOGBOOK_CONFIG`, else `$XDG_CONFIG_HOME/logbook/config.toml`,
/// else `~/.config/logbook/config.toml`. The flag says whether it was named explicitly (a
/// named file must exist).
#[allow(clippy::disallowed_methods)] // the context reads the environment
fn location() -> Option<(PathBuf, bool)> {
    if let Some(path) = std::env::var_os("LOGBOOK_CONFIG").filter(|v| !v.is_empty()) {
        return Some((PathBuf::from(path), true));
    }
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|dir| (dir.join("logbook").join("config.toml"), false))
}

/// Reads the config file, if there is one.
pub fn load() -> Result<Config, CommandError> {
    let Some((path, named)) = location() else {
        return Ok(Config::default());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !named => {
            return Ok(Config::default());
        }
        Err(e) => {
            return Err(CommandError::usage(format!(
                "cannot read the config file {}: {e}",
                path.display()
            ))
            .hint("LOGBOOK_CONFIG names the config file; unset it to use the default one"));
        }
    };
    parse(&text, &path)
}

/// Parses a config file's text; `path` is for messages.
pub fn parse(text: &str, path: &Path) -> Result<Config, CommandError> {
    let mut config: Config = toml::from_str(text).map_err(|e| {
        // One line: where, then what (toml's own rendering draws a multi-line picture).
        let place = match e.span() {
            Some(span) => {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                format!(", line {line}, column {column}")
            }
            None => String::new(),
        };
        CommandError::usage(format!(
            "config file {}{place}: {}",
            path.display(),
            e.message().trim_end().replace('\n', "; ")
        ))
        .hint(
            "keys: timezone, actor, services, [policy] partial_weight, count_degraded, \
             include_maintenance, [site] title, url, services, [ingest.SOURCE]",
        )
    })?;
    if let Some(w) = config.policy.partial_weight
        && !(0.0..=1.0).contains(&w)
    {
        return Err(CommandError::usage(format!(
            "config file {}: [policy] partial_weight = {w} is not between 0 and 1",
            path.display()
        )));
    }
    config.path = Some(path.to_path_buf());
    Ok(config)
}

/// Where a setting came from, for messages: `what` is the flag or variable, else the file.
pub fn source(config: &Config, key: &str) -> String {
    match &config.path {
        Some(path) => format!("{key} in {}", path.display()),
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_read() {
        let c = parse(
            "timezone = \"Europe/Berlin\"\nactor = \"kai\"\nservices = [\"Web1\"]\n\
             [policy]\npartial_weight = 0.5\ncount_degraded = true\n\
             [site]\ntitle = \"x\"\nurl = \"https://status.example.com\"\n[ingest.alertmanager]\nservice_labels = [\"job\"]\n",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(c.timezone.as_deref(), Some("Europe/Berlin"));
        assert_eq!(c.actor.as_deref(), Some("kai"));
        assert_eq!(c.services, ["Web1"]);
        let p = c.policy.policy();
        assert_eq!(
            (p.partial_weight, p.count_degraded, p.include_maintenance),
            (0.5, true, false)
        );
        assert_eq!(c.ingest.alertmanager.service_labels, ["job"]);
        assert_eq!(c.site.title.as_deref(), Some("x"));
    }

    #[test]
    fn an_unknown_key_names_its_line() {
        let e = parse("timezone = \"UTC\"\ntimzone = \"x\"\n", Path::new("c.toml")).unwrap_err();
        let text = e.render();
        assert!(text.contains("c.toml"), "{text}");
        assert!(text.contains("line 2"), "{text}");
        assert!(text.contains("timzone"), "{text}");
    }

    #[test]
    fn a_weight_out_of_range_is_refused() {
        let e = parse("[policy]\npartial_weight = 3\n", Path::new("c.toml"));
        assert!(e.unwrap_err().render().contains("partial_weight"));
    }
}
