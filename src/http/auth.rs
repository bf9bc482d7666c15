//! Bearer tokens: the tokens file read again whenever it changes (a revoked token stops
//! working at the next request), and each request's token checked against the scope it needs.

use super::error::ApiError;
use axum::http::{HeaderMap, StatusCode, header};
use logbook::app::tokens::{Scope, Tokens};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

/// The name of the token a request was made with, for the access log (never the secret).
#[derive(Debug, Clone)]
pub struct TokenName(pub String);

/// A file's modification time and size, if it exists.
type Stamp = Option<(SystemTime, u64)>;

/// The tokens file and the tokens last read from it (with the file's stamp then).
pub struct TokenStore {
    path: PathBuf,
    cache: Mutex<Option<(Stamp, Tokens)>>,
}

impl TokenStore {
    pub fn new(path: PathBuf) -> TokenStore {
        TokenStore {
            path,
            cache: Mutex::new(None),
        }
    }

    /// The file's modification time and size: what tells that it changed.
    fn stamp(&self) -> Stamp {
        let meta = std::fs::metadata(&self.path).ok()?;
        Some((meta.modified().ok()?, meta.len()))
    }

    /// The tokens, read again if the file changed since the last request.
    fn current(&self) -> Result<Tokens, ApiError> {
        let stamp = self.stamp();
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((seen, tokens)) = cache.as_ref()
            && *seen == stamp
        {
            return Ok(tokens.clone());
        }
        let tokens = Tokens::load(&self.path).map_err(|e| {
            eprintln!("error: {e}");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the tokens file cannot be read",
            )
            .hint("the server's log says why")
        })?;
        *cache = Some((stamp, tokens.clone()));
        Ok(tokens)
    }

    /// The name of the request's token if it may do what `scope` allows: 401 for a missing or
    /// unknown token (the same answer for both), 403 for a token of another scope.
    pub fn check(&self, headers: &HeaderMap, scope: Scope) -> Result<TokenName, ApiError> {
        self.check_or(headers, None, scope)
    }

    /// [`TokenStore::check`], taking the secret from `fallback` when the request has no
    /// `Authorization` header (PagerDuty's Events API sends it as the body's `routing_key`).
    pub fn check_or(
        &self,
        headers: &HeaderMap,
        fallback: Option<&str>,
        scope: Scope,
    ) -> Result<TokenName, ApiError> {
        let secret = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (kind, secret) = v.trim().split_once(' ')?;
                kind.eq_ignore_ascii_case("bearer").then(|| secret.trim())
            })
            .or(if headers.contains_key(header::AUTHORIZATION) {
                None
            } else {
                fallback
            })
            .ok_or_else(ApiError::unauthorized)?;
        let tokens = self.current()?;
        let token = tokens.find(secret).ok_or_else(ApiError::unauthorized)?;
        if token.scope != scope {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "token {} has scope {}; this needs scope {}",
                    token.name,
                    token.scope.as_str(),
                    scope.as_str()
                ),
            )
            .hint(format!(
                "make a token for it with `logbook token new NAME --scope {}`",
                scope.as_str()
            )));
        }
        Ok(TokenName(token.name.clone()))
    }
}
