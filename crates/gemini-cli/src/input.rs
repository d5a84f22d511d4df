//! What goes into a request: the prompt (argument or stdin) and attached files.

use std::path::{Path, PathBuf};

use gemini::types::Part;

use crate::exit::{AttachError, Failure};
use crate::term::Io;

/// The most a request may carry inline, base64-encoded ("whole request ≤ ~20 MB"; larger files
/// go through the files API).
pub(crate) const INLINE_LIMIT: u64 = 20_000_000;

/// The prompt: the argument, else stdin when it is not a terminal.
pub(crate) async fn prompt(arg: Option<String>, io: &mut Io) -> Result<String, Failure> {
    let prompt = match arg {
        Some(p) if p != "-" => p,
        _ if io.stdin_tty => {
            return Err(Failure::Usage(
                "no prompt: give it as an argument or pipe it on stdin".to_owned(),
            ));
        }
        _ => io.read_stdin().await?,
    };
    let trimmed = prompt.trim();
    if trimmed.is_empty() {
        return Err(Failure::Usage("the prompt is empty".to_owned()));
    }
    Ok(trimmed.to_owned())
}

/// The files as inline parts, the MIME type guessed from each name. Fails, naming the file,
/// when one cannot be read or when together they are more than a request can hold.
pub(crate) fn attachments(paths: &[PathBuf]) -> Result<Vec<Part>, AttachError> {
    let mut encoded_total: u64 = 0;
    // Sizes first, so that nothing large is read before the limit is known to hold.
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| AttachError::read(path, e))?;
        if !meta.is_file() {
            return Err(AttachError::read(
                path,
                std::io::Error::other("not a regular file"),
            ));
        }
        encoded_total = encoded_total.saturating_add(base64_len(meta.len()));
        if encoded_total > INLINE_LIMIT {
            return Err(AttachError::TooLarge {
                path: path.clone(),
                encoded: encoded_total,
                limit: INLINE_LIMIT,
            });
        }
    }
    paths.iter().map(|path| attachment(path)).collect()
}

fn attachment(path: &Path) -> Result<Part, AttachError> {
    let data = std::fs::read(path).map_err(|e| AttachError::read(path, e))?;
    if base64_len(data.len() as u64) > INLINE_LIMIT {
        // The file grew since its size was checked.
        return Err(AttachError::TooLarge {
            path: path.to_owned(),
            encoded: base64_len(data.len() as u64),
            limit: INLINE_LIMIT,
        });
    }
    let mime = mime_type(path, &data);
    Ok(Part::inline_data(mime, data))
}

/// The MIME type from the file name; unknown names are `text/plain` when the content is UTF-8
/// text, `application/octet-stream` otherwise.
fn mime_type(path: &Path, data: &[u8]) -> String {
    match mime_guess::from_path(path).first() {
        // Source code and the like come back as `text/x-...` or `application/x-...`; the API
        // takes them as plain text.
        Some(m) if m.type_() == "text" => "text/plain".to_owned(),
        Some(m) if m.essence_str() != "application/octet-stream" => m.essence_str().to_owned(),
        _ if std::str::from_utf8(data).is_ok() => "text/plain".to_owned(),
        _ => "application/octet-stream".to_owned(),
    }
}

fn base64_len(n: u64) -> u64 {
    n.div_ceil(3).saturating_mul(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_types() {
        assert_eq!(mime_type(Path::new("a.png"), b"\x89PNG"), "image/png");
        assert_eq!(mime_type(Path::new("a.pdf"), b"%PDF"), "application/pdf");
        assert_eq!(
            mime_type(Path::new("main.rs"), b"fn main() {}"),
            "text/plain"
        );
        assert_eq!(mime_type(Path::new("notes"), b"hello"), "text/plain");
        assert_eq!(
            mime_type(Path::new("blob"), b"\xff\xfe\x00"),
            "application/octet-stream"
        );
    }

    #[test]
    fn files_over_the_inline_limit_are_refused_by_name_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.mp4");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(16_000_000).unwrap(); // 21.3 MB as base64
        let small = dir.path().join("small.txt");
        std::fs::write(&small, "hi").unwrap();
        assert_eq!(attachments(std::slice::from_ref(&small)).unwrap().len(), 1);
        match attachments(&[small, big.clone()]) {
            Err(AttachError::TooLarge { path, limit, .. }) => {
                assert_eq!(path, big);
                assert_eq!(limit, INLINE_LIMIT);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = attachments(&[PathBuf::from("/nonexistent/x.png")]).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.png"), "{e}");
    }
}
