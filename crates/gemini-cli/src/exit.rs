//! Exit codes, and the failures that lead to them.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The command did what it was asked.
pub const SUCCESS: u8 = 0;
/// Bad input (a file, a schema), an answer that did not decode, an I/O error.
pub const FAILURE: u8 = 1;
/// A usage error: unknown option, missing argument (clap's own code too).
pub const USAGE: u8 = 2;
/// The service answered with an error (`400`, `403`, `404`, `429`, `500`...).
pub const API: u8 = 3;
/// No answer: connection refused or cut, a stalled stream, a timeout.
pub const NETWORK: u8 = 4;
/// Interrupted with Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// Why a command failed; each maps to one exit code and prints as one line.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The command line was valid for clap but not usable (e.g. no prompt at all).
    Usage(String),
    /// A local file could not be used.
    Attach(AttachError),
    /// Other bad input (a schema that is not JSON, a history file that is not one).
    Input(String),
    /// A call to the API failed.
    Gemini(gemini::Error),
    /// Reading or writing a local stream or file failed.
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: io::Error,
    },
    /// Ctrl-C.
    Interrupted,
    /// Ctrl-C with work left that can be picked up again: how to resume it.
    InterruptedResumable(String),
    /// A Live session failed.
    Live(gemini::live::LiveError),
    /// The service reported an error inside an answer (an interaction's `error` event, a
    /// failed interaction).
    Remote(String),
}

impl Failure {
    pub(crate) fn io(what: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }

    /// The exit code.
    pub(crate) fn code(&self) -> u8 {
        match self {
            Self::Usage(_) => USAGE,
            Self::Attach(_) | Self::Input(_) | Self::Io { .. } => FAILURE,
            Self::Gemini(e) => gemini_code(e),
            Self::Interrupted | Self::InterruptedResumable(_) => INTERRUPTED,
            Self::Live(e) => live_code(e),
            Self::Remote(_) => API,
        }
    }

    /// One line; with `verbose`, the whole chain of causes.
    pub(crate) fn message(&self, verbose: bool) -> String {
        match self {
            Self::Usage(m) | Self::Input(m) | Self::Remote(m) => m.clone(),
            Self::Attach(e) => e.to_string(),
            Self::Gemini(e) if verbose => e.report(),
            Self::Gemini(e) => with_root_cause(e),
            Self::Io { what, source } => format!("{what}: {source}"),
            Self::Interrupted => "interrupted".to_owned(),
            Self::InterruptedResumable(hint) => format!("interrupted; {hint}"),
            Self::Live(e) => format!("live session: {e}"),
        }
    }

    /// Whether this is Ctrl-C.
    pub(crate) fn is_interrupted(&self) -> bool {
        matches!(self, Self::Interrupted | Self::InterruptedResumable(_))
    }

    /// Whether this is stdout closed by its reader (`gemini-rs ... | head -1`): not an error.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// The error's own message and, when there is one, the root of its chain: the one line that
/// says what happened and why (`-v` prints every link).
fn with_root_cause(e: &gemini::Error) -> String {
    let mut out = e.to_string();
    let mut root: Option<&(dyn std::error::Error + 'static)> = None;
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        root = Some(c);
        cur = c.source();
    }
    if let Some(root) = root.map(ToString::to_string) {
        if !root.is_empty() && !out.ends_with(&root) {
            out.push_str(": ");
            out.push_str(&root);
        }
    }
    out
}

fn gemini_code(e: &gemini::Error) -> u8 {
    if e.api_error().is_some() {
        return API;
    }
    if e.is_timeout() {
        return NETWORK;
    }
    match e {
        gemini::Error::Transport(_) | gemini::Error::Stream(_) => NETWORK,
        gemini::Error::Incomplete(i) => gemini_code(i.cause()),
        _ => FAILURE,
    }
}

/// A Live failure's exit code: the server refused or ended the session (API), or the
/// connection could not be made or kept (network).
fn live_code(e: &gemini::live::LiveError) -> u8 {
    use gemini::live::LiveError as L;
    match e {
        L::Rejected { .. } | L::ResumeRejected { .. } | L::ClosedByServer { .. } => API,
        L::SetupTimeout(_)
        | L::ResumeBudgetSpent { .. }
        | L::ConnectionLost { .. }
        | L::Connect(_) => NETWORK,
        L::InvalidConfig(_) => USAGE,
        _ => FAILURE,
    }
}

impl From<gemini::live::LiveError> for Failure {
    fn from(e: gemini::live::LiveError) -> Self {
        Self::Live(e)
    }
}

impl From<gemini::Error> for Failure {
    fn from(e: gemini::Error) -> Self {
        Self::Gemini(e)
    }
}

impl From<AttachError> for Failure {
    fn from(e: AttachError) -> Self {
        Self::Attach(e)
    }
}

/// A local file that cannot be attached to a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum AttachError {
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The file is larger than the files API takes.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, in bytes.
        size: u64,
        /// The limit, in bytes.
        limit: u64,
    },
}

impl AttachError {
    pub(crate) fn read(path: &Path, source: io::Error) -> Self {
        Self::Read {
            path: path.to_owned(),
            source,
        }
    }
}

impl fmt::Display for AttachError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            Self::TooLarge { path, size, limit } => write!(
                f,
                "{} is too large to attach: {}, and the files API takes at most {} per file",
                path.display(),
                megabytes(*size),
                megabytes(*limit),
            ),
        }
    }
}

impl std::error::Error for AttachError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Read { source, .. } => Some(source),
            Self::TooLarge { .. } => None,
        }
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct() {
        let mut codes = [SUCCESS, FAILURE, USAGE, API, NETWORK, INTERRUPTED];
        codes.sort_unstable();
        let before = codes.len();
        let mut dedup = codes.to_vec();
        dedup.dedup();
        assert_eq!(dedup.len(), before);
    }

    #[test]
    fn failures_map_to_their_codes() {
        let api = gemini::Error::from(gemini::ApiError::from_body(
            http_status(429),
            r#"{"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED"}}"#.into(),
        ));
        assert_eq!(Failure::from(api).code(), API);
        assert_eq!(Failure::Interrupted.code(), INTERRUPTED);
        assert_eq!(Failure::Usage("x".into()).code(), USAGE);
        let too_large = AttachError::TooLarge {
            path: "big.mp4".into(),
            size: 3_000_000_000,
            limit: 2_147_483_648,
        };
        let message = too_large.to_string();
        assert!(
            message.contains("big.mp4") && message.contains("files API"),
            "{message}"
        );
        assert_eq!(Failure::from(too_large).code(), FAILURE);
        let pipe = Failure::io("stdout", io::Error::from(io::ErrorKind::BrokenPipe));
        assert!(pipe.is_broken_pipe());
    }

    fn http_status(code: u16) -> http::StatusCode {
        http::StatusCode::from_u16(code).unwrap()
    }
}
