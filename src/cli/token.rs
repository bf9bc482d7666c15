//! `logbook token`: the API tokens of `logbook serve` — make one (its secret is printed once),
//! list them (never a secret), revoke one.

use super::error::CommandError;
use super::output::Out;
use super::{Context, Format};
use logbook::app::tokens::{Scope, TokenError, Tokens};
use std::path::PathBuf;

/// Manage the API tokens of `logbook serve`
///
/// A token has a name (shown in the server's access log) and a scope: `append` may post events,
/// `read` may query. The tokens file keeps only a SHA-256 hash of each secret, mode 0600.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  logbook token new alertmanager --scope append
  logbook token new grafana-read --scope read --tokens /etc/logbook/tokens
  logbook token list
  logbook token revoke alertmanager")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
    /// The tokens file [default: $XDG_CONFIG_HOME/logbook/tokens]
    #[arg(long, global = true, value_name = "FILE")]
    tokens: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// Make a token and print its secret (one line, shown only this once)
    New {
        /// Its name, for the access log and for `token revoke`
        name: String,
        /// What it may do
        #[arg(long, value_parser = ["append", "read"])]
        scope: String,
    },
    /// List the tokens: name, scope and when each was made (never a secret)
    List,
    /// Remove a token: its secret stops working at the server's next request
    Revoke {
        /// The token's name
        name: String,
    },
}

/// The default tokens file: `$XDG_CONFIG_HOME/logbook/tokens`, else `~/.config/logbook/tokens`.
#[allow(clippy::disallowed_methods)] // the default path comes from the environment
pub fn default_path(flag: Option<PathBuf>) -> Result<PathBuf, CommandError> {
    if let Some(path) = flag {
        return Ok(path);
    }
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .map(|dir| dir.join("logbook").join("tokens"))
        .ok_or_else(|| {
            CommandError::usage(
                "cannot tell where the tokens file lives: neither XDG_CONFIG_HOME nor HOME is set",
            )
            .hint("name it with --tokens FILE")
        })
}

pub fn error(e: TokenError) -> CommandError {
    let message = e.to_string();
    match e {
        TokenError::Exists { .. } => CommandError::rejected(message)
            .hint("choose another name, or `logbook token revoke` the old token first"),
        TokenError::NotFound { .. } => {
            CommandError::rejected(message).hint("`logbook token list` lists them")
        }
        TokenError::BadName { .. } => CommandError::usage(message),
        TokenError::Malformed { .. } => CommandError::unavailable(message)
            .hint("each line is: name, scope, created and a SHA-256 hash, separated by tabs"),
        TokenError::Io { ref source, .. } => CommandError::unavailable(message).caused_by(source),
        TokenError::Random(_) => CommandError::unavailable(message),
    }
}

pub fn run(args: Args, ctx: &Context, out: &mut Out) -> Result<(), CommandError> {
    let format = ctx.formats(&[Format::Text, Format::Json])?;
    let path = default_path(args.tokens)?;
    let mut tokens = Tokens::load(&path).map_err(error)?;
    match args.action {
        Action::New { name, scope } => {
            let scope = Scope::parse(&scope)
                .ok_or_else(|| CommandError::usage(format!("--scope: `{scope}` is not a scope")))?;
            let created = logbook::event::time::format_instant(ctx.now);
            let secret = tokens.add(&name, scope, created).map_err(error)?;
            tokens.save(&path).map_err(error)?;
            out.line(secret)?;
            eprintln!(
                "token {name} ({}) stored in {}; the secret was printed on standard output, once: it cannot be shown again",
                scope.as_str(),
                path.display()
            );
            Ok(())
        }
        Action::List => {
            if format == Format::Json {
                let list: Vec<serde_json::Value> = tokens
                    .list
                    .iter()
                    .map(|t| {
                        serde_json::json!({"name": t.name, "scope": t.scope.as_str(), "created": t.created})
                    })
                    .collect();
                return out.json(&list);
            }
            if tokens.list.is_empty() {
                eprintln!("no tokens in {}", path.display());
                return Ok(());
            }
            let rows: Vec<Vec<String>> = tokens
                .list
                .iter()
                .map(|t| vec![t.name.clone(), t.scope.as_str().into(), t.created.clone()])
                .collect();
            out.table(&rows)
        }
        Action::Revoke { name } => {
            tokens.revoke(&name).map_err(error)?;
            tokens.save(&path).map_err(error)?;
            out.line(format!("revoked token {name}"))
        }
    }
}
