//! Images: a picture from an image-output Gemini model (`responseModalities`, `imageConfig`),
//! then two from Imagen, with the filtered samples and their reasons kept apart.
//!
//! ```sh
//! cargo run -p gemini --example image
//! ```

#[path = "common/mod.rs"]
#[allow(dead_code)] // `common::model()` is the text model; this example names its own.
mod common;

use gemini::types::{GenerateContentRequest, GenerationConfig, ImageConfig, Modality};
use gemini::{AspectRatio, GenerateImages};

/// The image-output model.
pub(crate) const IMAGE_MODEL: &str = "gemini-2.5-flash-image";
/// The Imagen model.
pub(crate) const IMAGEN_MODEL: &str = "imagen-4.0-generate-001";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    let out = std::env::temp_dir();
    for (name, bytes) in run(&client, IMAGE_MODEL).await? {
        let path = out.join(name);
        std::fs::write(&path, bytes)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Generates the pictures and returns them as `(file name, bytes)`.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<Vec<(String, Vec<u8>)>, Box<dyn std::error::Error>> {
    let mut files = Vec::new();

    // A Gemini model that draws: ask for text and an image, in 16:9.
    let request = GenerateContentRequest::from("A watercolor fox in the snow")
        .with_generation_config(
            GenerationConfig::new()
                .with_response_modalities([Modality::Text, Modality::Image])
                .with_image_config(ImageConfig::aspect_ratio("16:9")),
        );
    let answer = client.models().generate_content(model, request).await?;
    println!("{}", answer.text().unwrap_or_default());
    for (i, image) in answer.images().into_iter().enumerate() {
        println!(
            "image {i}: {} ({} bytes)",
            image.mime_type,
            image.data.len()
        );
        files.push((format!("fox-{i}.png"), image.data.to_vec()));
    }

    // Imagen: two samples; a sample the safety filters remove comes back as a reason.
    let images = client
        .images()
        .generate(
            IMAGEN_MODEL,
            GenerateImages::new("A lighthouse at dusk, oil painting")
                .with_sample_count(2)
                .with_aspect_ratio(AspectRatio::Square)
                .with_rai_reason(true),
        )
        .await?;
    for image in &images.images {
        files.push((
            format!("lighthouse-{}.png", image.index),
            image.data.to_vec(),
        ));
    }
    for filtered in &images.filtered {
        println!(
            "sample {} was filtered: {}",
            filtered.index, filtered.reason
        );
    }
    println!("{} picture(s) in all", files.len());
    Ok(files)
}
