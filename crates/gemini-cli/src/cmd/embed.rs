//! `embed`: vectors, or the cosine similarity between inputs.

use gemini::types::EmbedContentRequest;

use super::{Ctx, to_json};
use crate::cli::EmbedArgs;
use crate::exit::Failure;
use crate::term::Io;

pub(super) async fn run(ctx: &Ctx, args: EmbedArgs, io: &mut Io) -> Result<(), Failure> {
    if args.similarity && args.texts.len() < 2 {
        return Err(Failure::Usage(
            "--similarity needs at least two texts".to_owned(),
        ));
    }
    let requests = args.texts.iter().map(|t| {
        let r = EmbedContentRequest::new(t.as_str());
        match args.dimensions {
            Some(d) => r.with_output_dimensionality(d),
            None => r,
        }
    });
    let mut spinner = io.spinner(&format!("embedding with {}", ctx.embedding_model()));
    let response = ctx
        .client()
        .models()
        .batch_embed_contents(ctx.embedding_model(), requests.collect::<Vec<_>>())
        .await?;
    spinner.stop();
    let vectors: Vec<&[f64]> = response
        .embeddings
        .iter()
        .map(|e| e.values.as_slice())
        .collect();
    if vectors.len() != args.texts.len() {
        return Err(Failure::Input(format!(
            "asked for {} embeddings, got {}",
            args.texts.len(),
            vectors.len()
        )));
    }
    if args.similarity {
        let pairs = pairs(&args.texts, &vectors);
        if ctx.json() {
            let json: Vec<_> = pairs
                .iter()
                .map(|(a, b, s)| serde_json::json!({"a": a, "b": b, "similarity": s}))
                .collect();
            return io.println(&to_json(&json)?);
        }
        for (a, b, s) in pairs {
            io.println(&format!("{s:+.4}  {a:?}  {b:?}"))?;
        }
        return Ok(());
    }
    if ctx.json() {
        return io.println(&to_json(&response)?);
    }
    for v in vectors {
        let line = serde_json::to_string(v)
            .map_err(|e| Failure::Input(format!("cannot encode a vector: {e}")))?;
        io.println(&line)?;
    }
    Ok(())
}

/// Every pair of inputs `(i < j)` with its cosine similarity, in input order.
fn pairs<'a>(texts: &'a [String], vectors: &[&[f64]]) -> Vec<(&'a str, &'a str, f64)> {
    let mut out = Vec::new();
    for i in 0..texts.len() {
        for j in i + 1..texts.len() {
            out.push((
                texts[i].as_str(),
                texts[j].as_str(),
                cosine(vectors[i], vectors[j]),
            ));
        }
    }
    out
}

/// The cosine similarity; 0 for a zero vector.
pub(super) fn cosine(a: &[f64], b: &[f64]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let denominator = norm(a) * norm(b);
    if denominator == 0.0 {
        0.0
    } else {
        dot / denominator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_similarity() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]) - 1.0).abs() < 1e-12);
        assert!(cosine(&[1.0, 0.0], &[0.0, 1.0]).abs() < 1e-12);
        assert!((cosine(&[1.0, 0.0], &[-2.0, 0.0]) + 1.0).abs() < 1e-12);
        assert!(cosine(&[0.0, 0.0], &[1.0, 0.0]).abs() < f64::EPSILON);
    }

    #[test]
    fn every_pair_once() {
        let texts = ["a", "b", "c"].map(String::from);
        let v: [&[f64]; 3] = [&[1.0], &[1.0], &[-1.0]];
        let p = pairs(&texts, &v);
        assert_eq!(p.len(), 3);
        assert_eq!((p[0].0, p[0].1), ("a", "b"));
        assert_eq!((p[2].0, p[2].1), ("b", "c"));
    }
}
