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

/// The largest file the files API takes: 2 GB.
pub(crate) const UPLOAD_LIMIT: u64 = 2 * 1024 * 1024 * 1024;

/// How an attached file goes into a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placement {
    /// Inline (`inlineData`), read and base64-encoded.
    Inline,
    /// Uploaded with the files API and referenced (`fileData`).
    Upload,
}

/// Where each file goes: inline while the attachments stay under [`INLINE_LIMIT`] together,
/// uploaded beyond it. Fails, naming the file, when one cannot be read or is larger than the
/// files API takes; nothing is read yet.
pub(crate) fn plan(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Placement)>, AttachError> {
    let mut inline_total: u64 = 0;
    let mut plan = Vec::with_capacity(paths.len());
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| AttachError::read(path, e))?;
        if !meta.is_file() {
            return Err(AttachError::read(
                path,
                std::io::Error::other("not a regular file"),
            ));
        }
        if meta.len() > UPLOAD_LIMIT {
            return Err(AttachError::TooLarge {
                path: path.clone(),
                size: meta.len(),
                limit: UPLOAD_LIMIT,
            });
        }
        let encoded = base64_len(meta.len());
        if inline_total.saturating_add(encoded) <= INLINE_LIMIT {
            inline_total += encoded;
            plan.push((path.clone(), Placement::Inline));
        } else {
            plan.push((path.clone(), Placement::Upload));
        }
    }
    Ok(plan)
}

/// A file as an inline part.
pub(crate) fn attachment(path: &Path) -> Result<Part, AttachError> {
    let data = std::fs::read(path).map_err(|e| AttachError::read(path, e))?;
    if base64_len(data.len() as u64) > INLINE_LIMIT {
        // The file grew since its size was checked.
        return Err(AttachError::read(
            path,
            std::io::Error::other("the file grew past the inline limit while it was read"),
        ));
    }
    let mime = mime_type(path, &data);
    Ok(Part::inline_data(mime, data))
}

/// The MIME type of an upload: from the file name, else `application/octet-stream`.
pub(crate) fn upload_mime_type(path: &Path) -> String {
    match mime_guess::from_path(path).first() {
        Some(m) if m.type_() == "text" => "text/plain".to_owned(),
        Some(m) => m.essence_str().to_owned(),
        None => "application/octet-stream".to_owned(),
    }
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
    fn files_beyond_the_inline_limit_are_uploaded_and_too_large_ones_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.mp4");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(16_000_000)
            .unwrap(); // 21.3 MB as base64
        let small = dir.path().join("small.txt");
        std::fs::write(&small, "hi").unwrap();
        let placements: Vec<Placement> = plan(&[small.clone(), big, small.clone()])
            .unwrap()
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        assert_eq!(
            placements,
            [Placement::Inline, Placement::Upload, Placement::Inline]
        );
        let huge = dir.path().join("huge.bin");
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(UPLOAD_LIMIT + 1)
            .unwrap();
        match plan(&[small, huge.clone()]) {
            Err(AttachError::TooLarge { path, limit, .. }) => {
                assert_eq!(path, huge);
                assert_eq!(limit, UPLOAD_LIMIT);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = plan(&[PathBuf::from("/nonexistent/x.png")]).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.png"), "{e}");
    }
}
