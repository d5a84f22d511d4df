//! PCM for the Live endpoint: what the emulator "hears" (duration and a simple energy voice
//! detector) and what it "says" (deterministic tones, one per word, at 24 kHz).

use std::f64::consts::PI;

use crate::model::hash::hash64;

/// The output sample rate (`audio/pcm;rate=24000`).
pub(crate) const OUTPUT_RATE: u32 = 24_000;
/// The input sample rate when the MIME type does not say (`audio/pcm;rate=16000`).
pub(crate) const INPUT_RATE: u32 = 16_000;
/// Audio tokens per second (the Gemini API counts 32 tokens a second of audio).
pub(crate) const TOKENS_PER_SECOND: u32 = 32;
/// A chunk whose RMS is above this (of 32 767) is speech.
const VOICE_RMS: f64 = 300.0;
/// One spoken word: a tone this long, then a pause.
const WORD_MS: u32 = 120;
const PAUSE_MS: u32 = 30;
/// Fade in and out of each tone, so words do not click.
const FADE_MS: u32 = 10;

/// The sample rate a `audio/pcm[;rate=N]` MIME type declares; `None` for any other type.
pub(crate) fn pcm_rate(mime: &str) -> Option<u32> {
    let mut parts = mime.split(';').map(str::trim);
    if !parts.next()?.eq_ignore_ascii_case("audio/pcm") {
        return None;
    }
    let mut rate = INPUT_RATE;
    for p in parts {
        if let Some(v) = p.strip_prefix("rate=") {
            rate = v.parse().ok().filter(|r| (1_000..=192_000).contains(r))?;
        }
    }
    Some(rate)
}

/// Milliseconds of 16-bit mono PCM at `rate`.
pub(crate) fn duration_ms(bytes: usize, rate: u32) -> u64 {
    (bytes as u64 / 2) * 1000 / u64::from(rate.max(1))
}

/// Whether a chunk of 16-bit little-endian PCM holds speech (its RMS passes a fixed threshold).
pub(crate) fn is_voiced(pcm: &[u8]) -> bool {
    let n = pcm.len() / 2;
    if n == 0 {
        return false;
    }
    let sum: f64 = pcm
        .chunks_exact(2)
        .map(|s| {
            let v = f64::from(i16::from_le_bytes([s[0], s[1]]));
            v * v
        })
        .sum();
    (sum / n as f64).sqrt() > VOICE_RMS
}

/// Audio tokens for `ms` milliseconds.
pub(crate) fn tokens_for_ms(ms: u64) -> u32 {
    (ms * u64::from(TOKENS_PER_SECOND)).div_ceil(1000) as u32
}

/// Speech for `text` at 24 kHz: one tone per word, its pitch derived from the word (so the same
/// text always sounds the same), then a short pause. Empty text gives no samples.
pub(crate) fn speak(text: &str) -> Vec<u8> {
    let per_ms = OUTPUT_RATE / 1000;
    let tone = (WORD_MS * per_ms) as usize;
    let pause = (PAUSE_MS * per_ms) as usize;
    let fade = (FADE_MS * per_ms) as usize;
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = Vec::with_capacity(words.len() * (tone + pause) * 2);
    for word in words {
        let freq = 180.0 + (hash64(7, word.as_bytes()) % 240) as f64;
        for i in 0..tone {
            let envelope = (i.min(tone - 1 - i) as f64 / fade as f64).min(1.0);
            let t = i as f64 / f64::from(OUTPUT_RATE);
            let v = (2.0 * PI * freq * t).sin() * 8000.0 * envelope;
            out.extend_from_slice(&(v.round() as i16).to_le_bytes());
        }
        out.resize(out.len() + pause * 2, 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_durations() {
        assert_eq!(pcm_rate("audio/pcm;rate=16000"), Some(16_000));
        assert_eq!(pcm_rate("audio/pcm; rate=24000"), Some(24_000));
        assert_eq!(pcm_rate("audio/pcm"), Some(16_000));
        assert_eq!(pcm_rate("audio/pcm;rate=x"), None);
        assert_eq!(pcm_rate("audio/wav"), None);
        assert_eq!(duration_ms(32_000, 16_000), 1000);
        assert_eq!(tokens_for_ms(1000), 32);
        assert_eq!(tokens_for_ms(1), 1);
    }

    #[test]
    fn speech_is_deterministic_and_voiced() {
        let a = speak("hello there");
        assert_eq!(a, speak("hello there"));
        assert_ne!(a, speak("hello world"));
        // Two words of 150 ms at 24 kHz, 2 bytes a sample.
        assert_eq!(a.len(), 2 * 150 * 24 * 2);
        assert!(is_voiced(&a));
        assert!(!is_voiced(&[0u8; 640]));
        assert!(speak("").is_empty());
    }
}
