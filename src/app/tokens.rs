//! API tokens of `logbook serve`: a file of names, scopes, creation times and SHA-256 hashes
//! of the secrets (never the secrets), mode 0600; new secrets from the system's random source;
//! lookups that compare hashes in constant time.

use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `POST /v1/events` and `POST /v1/hooks/SOURCE`.
    Append,
    /// The `GET /v1/...` queries.
    Read,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Append => "append",
            Scope::Read => "read",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        match text {
            "append" => Some(Scope::Append),
            "read" => Some(Scope::Read),
            _ => None,
        }
    }
}

/// One token as the file keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub name: String,
    pub scope: Scope,
    /// When it was made (RFC 3339).
    pub created: String,
    hash: [u8; 32],
}

/// Why the tokens file could not be used or changed.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("cannot use the tokens file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the tokens file {} is malformed at line {line}", path.display())]
    Malformed { path: PathBuf, line: usize },
    #[error("a token named {name} already exists")]
    Exists { name: String },
    #[error("no token named {name}")]
    NotFound { name: String },
    #[error("`{name}` is not a token name: letters, digits, `.`, `_` and `-`, at most 64")]
    BadName { name: String },
    #[error("cannot read random bytes for a secret: {0}")]
    Random(std::io::Error),
}

/// The tokens of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens {
    pub list: Vec<Token>,
}

const HEADER: &str = "# logbook serve tokens: name, scope, created, sha256 of the secret\n";

fn hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Equal in time that does not depend on where the first difference is.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

impl Tokens {
    /// Reads the file; a missing file holds no tokens.
    pub fn load(path: &Path) -> Result<Tokens, TokenError> {
        let io = |source| TokenError::Io {
            path: path.to_path_buf(),
            source,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Tokens::default()),
            Err(e) => return Err(io(e)),
        };
        let mut list = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let malformed = || TokenError::Malformed {
                path: path.to_path_buf(),
                line: i + 1,
            };
            let fields: Vec<&str> = line.split('\t').collect();
            let [name, scope, created, digest] = fields[..] else {
                return Err(malformed());
            };
            list.push(Token {
                name: name.to_string(),
                scope: Scope::parse(scope).ok_or_else(malformed)?,
                created: created.to_string(),
                hash: unhex(digest).ok_or_else(malformed)?,
            });
        }
        Ok(Tokens { list })
    }

    /// Writes the file whole, mode 0600, through a new file renamed over the old one.
    pub fn save(&self, path: &Path) -> Result<(), TokenError> {
        use std::os::unix::fs::OpenOptionsExt;
        let io = |source| TokenError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut text = HEADER.to_string();
        for t in &self.list {
            let line = [t.name.as_str(), t.scope.as_str(), &t.created, &hex(&t.hash)];
            text.push_str(&line.join("\t"));
            text.push('\n');
        }
        let mut temp = path.as_os_str().to_owned();
        temp.push(format!(".{}.new", std::process::id()));
        let temp = PathBuf::from(temp);
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
            .and_then(|mut f| {
                f.write_all(text.as_bytes())?;
                f.sync_all()
            })
            .and_then(|()| std::fs::rename(&temp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written.map_err(io)
    }

    /// Adds a token named `name`; returns its secret, which is kept nowhere else.
    pub fn add(&mut self, name: &str, scope: Scope, created: String) -> Result<String, TokenError> {
        if !valid_name(name) {
            return Err(TokenError::BadName { name: name.into() });
        }
        if self.list.iter().any(|t| t.name == name) {
            return Err(TokenError::Exists { name: name.into() });
        }
        let mut random = [0u8; 32];
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut random))
            .map_err(TokenError::Random)?;
        let secret = format!("lbk_{}", hex(&random));
        self.list.push(Token {
            name: name.to_string(),
            scope,
            created,
            hash: hash(&secret),
        });
        Ok(secret)
    }

    /// Removes the token named `name`.
    pub fn revoke(&mut self, name: &str) -> Result<(), TokenError> {
        let before = self.list.len();
        self.list.retain(|t| t.name != name);
        if self.list.len() == before {
            return Err(TokenError::NotFound { name: name.into() });
        }
        Ok(())
    }

    /// The token whose secret is `secret`: every hash is compared, each in constant time.
    pub fn find(&self, secret: &str) -> Option<&Token> {
        let wanted = hash(secret);
        let mut found = None;
        for t in &self.list {
            if same(&t.hash, &wanted) {
                found = Some(t);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_found_by_its_hash_and_the_file_keeps_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("conf/tokens");
        let mut tokens = Tokens::load(&path).unwrap();
        let secret = tokens
            .add("ci", Scope::Append, "2026-11-25T12:00:00Z".into())
            .unwrap();
        assert!(tokens.add("ci", Scope::Read, String::new()).is_err());
        assert!(tokens.add("bad name", Scope::Read, String::new()).is_err());
        tokens.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&secret));
        let loaded = Tokens::load(&path).unwrap();
        assert_eq!(loaded, tokens);
        assert_eq!(loaded.find(&secret).map(|t| t.name.as_str()), Some("ci"));
        assert!(loaded.find("lbk_wrong").is_none());
        let mut loaded = loaded;
        loaded.revoke("ci").unwrap();
        assert!(loaded.find(&secret).is_none());
        assert!(loaded.revoke("ci").is_err());
    }
}
