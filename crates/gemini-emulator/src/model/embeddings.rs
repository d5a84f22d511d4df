//! Deterministic text embeddings: similar texts get similar vectors.
//!
//! Each text is turned into hashed features (lower-cased words, weight 1, and character
//! trigrams of each padded word, weight 0.5), each feature adds `±weight` to one coordinate
//! chosen by its hash, and the vector is L2-normalised. Two texts sharing words or word pieces
//! therefore have a high cosine similarity; unrelated texts are near orthogonal.

use super::hash::hash64;

const WORD_KEY: u64 = 0x5745_4d42_574f_5244; // "WEMBWORD"
const GRAM_KEY: u64 = 0x5745_4d42_4752_414d; // "WEMBGRAM"

/// An L2-normalised embedding of `text` with `dims` coordinates (`dims >= 1`).
pub(crate) fn embed_text(text: &str, dims: usize) -> Vec<f32> {
    let dims = dims.max(1);
    let mut v = vec![0f32; dims];
    let lower = text.to_lowercase();
    for word in lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        add_feature(&mut v, WORD_KEY, word.as_bytes(), 1.0);
        let padded: Vec<char> = std::iter::once(' ')
            .chain(word.chars())
            .chain(std::iter::once(' '))
            .collect();
        for gram in padded.windows(3) {
            let s: String = gram.iter().collect();
            add_feature(&mut v, GRAM_KEY, s.as_bytes(), 0.5);
        }
    }
    normalise(&mut v);
    v
}

fn add_feature(v: &mut [f32], key: u64, feature: &[u8], weight: f32) {
    let h = hash64(key, feature);
    let idx = (h % v.len() as u64) as usize;
    let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
    if let Some(slot) = v.get_mut(idx) {
        *slot += sign * weight;
    }
}

/// Scales `v` to unit length; a zero vector becomes the first basis vector.
pub(crate) fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in v.iter_mut() {
            *x /= norm;
        }
    } else if let Some(first) = v.first_mut() {
        *first = 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cos(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn unit_length_and_deterministic() {
        let a = embed_text("The quick brown fox", 768);
        assert_eq!(a.len(), 768);
        let norm: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4);
        assert_eq!(a, embed_text("The quick brown fox", 768));
        assert_eq!(embed_text("", 8).first().copied(), Some(1.0));
    }

    #[test]
    fn similar_texts_are_closer() {
        let a = embed_text("the cat sat on the mat", 256);
        let b = embed_text("a cat sat on a mat", 256);
        let c = embed_text("quarterly revenue grew by twelve percent", 256);
        assert!(cos(&a, &b) > 0.5, "{}", cos(&a, &b));
        assert!(cos(&a, &b) > cos(&a, &c) + 0.3);
    }
}
