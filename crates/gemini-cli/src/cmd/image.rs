//! `image`: pictures from a prompt, by an image-output Gemini model (`generateContent` with
//! the `IMAGE` modality) or by Imagen (`predict`), saved as PNG or JPEG files.

use std::io::Write;
use std::path::{Path, PathBuf};

use gemini::types::{GenerateContentRequest, GenerationConfig, ImageConfig, Modality};
use gemini::{AspectRatio, GenerateImages};
use serde_json::json;

use super::{Ctx, create_new, refused, to_json};
use crate::cli::{DEFAULT_IMAGE_MODEL, ImageArgs};
use crate::exit::Failure;
use crate::input;
use crate::term::Io;

/// One image to save: its bytes and MIME type.
struct Picture {
    data: Vec<u8>,
    mime_type: String,
}

pub(super) async fn run(ctx: &Ctx, args: ImageArgs, io: &mut Io) -> Result<(), Failure> {
    let prompt = input::prompt(args.prompt, io).await?;
    let model = ctx.model_or(DEFAULT_IMAGE_MODEL);
    let (dir, stem) = target(args.out.as_deref(), args.out_prefix.as_deref())?;

    let mut spinner = io.spinner(&format!("asking {model}"));
    let mut pictures = Vec::new();
    let mut filtered = Vec::new();
    if is_imagen(model) {
        let mut request = GenerateImages::new(prompt)
            .with_sample_count(args.count)
            .with_rai_reason(true);
        if let Some(ratio) = &args.aspect_ratio {
            request = request.with_aspect_ratio(ratio.parse::<AspectRatio>().map_err(refused)?);
        }
        let answer = ctx
            .client()
            .images()
            .generate(model, request)
            .await
            .map_err(refused)?;
        pictures.extend(answer.images.into_iter().map(|i| Picture {
            data: i.data.to_vec(),
            mime_type: i.mime_type,
        }));
        filtered.extend(answer.filtered.into_iter().map(|f| (f.index, f.reason)));
    } else {
        // One call per image: image-output models draw one picture per answer.
        for _ in 0..args.count {
            let mut config = GenerationConfig::new().with_response_modalities([Modality::Image]);
            if let Some(ratio) = &args.aspect_ratio {
                config = config.with_image_config(ImageConfig::aspect_ratio(ratio.as_str()));
            }
            let request =
                GenerateContentRequest::from(prompt.as_str()).with_generation_config(config);
            let answer = ctx
                .client()
                .models()
                .generate_content(model, request)
                .await
                .map_err(refused)?;
            let images = answer.images();
            if images.is_empty() {
                spinner.stop();
                super::generate::warn_if_cut(&answer, io);
            }
            pictures.extend(images.into_iter().map(|i| Picture {
                data: i.data.to_vec(),
                mime_type: i.mime_type,
            }));
        }
    }
    spinner.stop();

    for (index, reason) in &filtered {
        io.note(&format!("gemini-rs: sample {index} was filtered: {reason}"));
    }
    if pictures.is_empty() {
        return Err(Failure::Input(format!("{model} generated no image")));
    }
    let mut written = Vec::with_capacity(pictures.len());
    for picture in &pictures {
        let (path, mut file) = create_new(&dir, &stem, extension(&picture.mime_type), true)?;
        file.write_all(&picture.data)
            .map_err(|e| Failure::io(format!("cannot write {}", path.display()), e))?;
        written.push(path);
    }

    if ctx.json() {
        let images: Vec<_> = written
            .iter()
            .zip(&pictures)
            .map(|(path, p)| {
                json!({
                    "path": path.display().to_string(),
                    "mimeType": p.mime_type,
                    "sizeBytes": p.data.len(),
                })
            })
            .collect();
        let filtered: Vec<_> = filtered
            .iter()
            .map(|(index, reason)| json!({"index": index, "reason": reason}))
            .collect();
        let summary = json!({"model": model, "images": images, "filtered": filtered});
        return io.println(&to_json(&summary)?);
    }
    for path in &written {
        io.println(&path.display().to_string())?;
    }
    Ok(())
}

/// Whether the model is Imagen (`predict`) rather than a Gemini model (`generateContent`).
fn is_imagen(model: &str) -> bool {
    model
        .strip_prefix("models/")
        .unwrap_or(model)
        .starts_with("imagen-")
}

/// The directory and the file name stem of the images: `--out DIR` (stem `image`),
/// `--out-prefix PREFIX` (its directory and last component), or `./image`.
fn target(out: Option<&Path>, prefix: Option<&Path>) -> Result<(PathBuf, String), Failure> {
    if let Some(dir) = out {
        return Ok((dir.to_owned(), "image".to_owned()));
    }
    let Some(prefix) = prefix else {
        return Ok((PathBuf::new(), "image".to_owned()));
    };
    let stem = prefix
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Failure::Usage(format!(
                "--out-prefix {} does not end with a file name",
                prefix.display()
            ))
        })?;
    let dir = prefix.parent().map(Path::to_owned).unwrap_or_default();
    Ok((dir, stem))
}

/// The file extension of an image MIME type.
fn extension(mime_type: &str) -> &'static str {
    let essence = mime_type.split(';').next().unwrap_or("").trim();
    match essence.to_ascii_lowercase().as_str() {
        "image/jpeg" | "image/jpg" => "jpg",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "image/heic" => "heic",
        _ => "png",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_extensions() {
        assert_eq!(extension("image/jpeg"), "jpg");
        assert_eq!(extension("image/png"), "png");
        assert!(is_imagen("imagen-4.0-generate-001"));
        assert!(is_imagen("models/imagen-4.0-generate-001"));
        assert!(!is_imagen("gemini-2.5-flash-image"));
        let (dir, stem) = target(None, Some(Path::new("out/fox"))).unwrap();
        assert_eq!((dir, stem.as_str()), (PathBuf::from("out"), "fox"));
        let (dir, stem) = target(Some(Path::new("pics")), None).unwrap();
        assert_eq!((dir, stem.as_str()), (PathBuf::from("pics"), "image"));
    }
}
