//! Deterministic media for the model's image, speech and video answers: small PNG pictures
//! drawn from the prompt, 24 kHz 16-bit mono PCM "speech" (one tone per syllable, pitched by
//! the voice), and the frames the MP4 writer ([`super::mp4`]) packs.
//!
//! Nothing here is a real picture or voice: the point is bytes that a decoder accepts and a
//! test can predict (the same prompt always gives the same bytes).

use super::hash::{Rng, hash64};

/// Sample rate of generated speech (what TTS models answer: `audio/L16;codec=pcm;rate=24000`).
pub(crate) const SPEECH_RATE: u32 = 24_000;
/// The MIME type of generated speech.
pub(crate) const SPEECH_MIME: &str = "audio/L16;codec=pcm;rate=24000";
/// The longest speech generated for one answer.
const MAX_SPEECH_SECONDS: f64 = 30.0;
/// The long side of a picture at `1K` (`2K` doubles it, `4K` quadruples it).
const BASE_SIDE: u32 = 96;

/// The aspect ratios image models accept (`imageConfig.aspectRatio`), as `w:h`.
pub(crate) const ASPECT_RATIOS: &[&str] = &[
    "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9",
];

/// The prebuilt voices of the TTS models (`prebuiltVoiceConfig.voiceName`).
pub(crate) const VOICES: &[&str] = &[
    "Zephyr",
    "Puck",
    "Charon",
    "Kore",
    "Fenrir",
    "Leda",
    "Orus",
    "Aoede",
    "Callirrhoe",
    "Autonoe",
    "Enceladus",
    "Iapetus",
    "Umbriel",
    "Algieba",
    "Despina",
    "Erinome",
    "Algenib",
    "Rasalgethi",
    "Laomedeia",
    "Achernar",
    "Alnilam",
    "Schedar",
    "Gacrux",
    "Pulcherrima",
    "Achird",
    "Zubenelgenubi",
    "Vindemiatrix",
    "Sadachbia",
    "Sadaltager",
    "Sulafat",
];

/// The canonical spelling of voice `name` (matched without regard to case), if it is a voice.
pub(crate) fn voice(name: &str) -> Option<&'static str> {
    VOICES
        .iter()
        .copied()
        .find(|v| v.eq_ignore_ascii_case(name))
}

/// `(width, height)` of a picture with aspect ratio `ratio` (`"16:9"`) at `size` (`"1K"`,
/// `"2K"`, `"4K"`): the long side is 96, 192 or 384 pixels. `None` for a ratio that is not
/// `w:h` with positive integers.
pub(crate) fn image_size(ratio: &str, size: &str) -> Option<(u32, u32)> {
    let (w, h) = ratio.split_once(':')?;
    let w: u32 = w.trim().parse().ok().filter(|w| *w > 0 && *w <= 100)?;
    let h: u32 = h.trim().parse().ok().filter(|h| *h > 0 && *h <= 100)?;
    let long = BASE_SIDE
        * match size {
            "2K" => 2,
            "4K" => 4,
            _ => 1,
        };
    Some(if w >= h {
        (long, (long * h / w).max(1))
    } else {
        ((long * w / h).max(1), long)
    })
}

/// An RGB colour.
type Rgb = [u8; 3];

/// Colours a prompt can ask for by name.
const NAMED: &[(&str, Rgb)] = &[
    ("red", [220, 40, 40]),
    ("orange", [240, 140, 30]),
    ("yellow", [240, 220, 50]),
    ("green", [40, 170, 70]),
    ("blue", [40, 90, 220]),
    ("purple", [140, 60, 190]),
    ("pink", [240, 130, 180]),
    ("black", [15, 15, 15]),
    ("white", [245, 245, 245]),
    ("gray", [128, 128, 128]),
    ("grey", [128, 128, 128]),
    ("brown", [120, 75, 40]),
];

fn random_colour(rng: &mut Rng) -> Rgb {
    let v = rng.next_u64();
    [
        (v & 0xff) as u8,
        (v >> 8 & 0xff) as u8,
        (v >> 16 & 0xff) as u8,
    ]
}

/// The RGB pixels (row by row) of the picture for `prompt`: a vertical gradient (from the
/// first colour the prompt names, if any) with a few discs and a bar placed by the prompt's
/// hash.
pub(crate) fn picture(prompt: &str, width: u32, height: u32) -> Vec<u8> {
    let mut rng = Rng::new(hash64(0x1a6e, prompt.as_bytes()));
    let lower = prompt.to_lowercase();
    let named = lower
        .split(|c: char| !c.is_alphanumeric())
        .find_map(|w| NAMED.iter().find(|(n, _)| *n == w).map(|(_, c)| *c));
    let top = named.unwrap_or_else(|| random_colour(&mut rng));
    let bottom = random_colour(&mut rng);
    let (w, h) = (width as usize, height as usize);
    let mut px = vec![0u8; w * h * 3];
    for y in 0..h {
        let t = y as f64 / (h.max(2) - 1) as f64;
        for x in 0..w {
            let i = (y * w + x) * 3;
            for c in 0..3 {
                px[i + c] =
                    (f64::from(top[c]) * (1.0 - t) + f64::from(bottom[c]) * t).round() as u8;
            }
        }
    }
    let short = w.min(h) as f64;
    for _ in 0..3 {
        let colour = random_colour(&mut rng);
        let cx = rng.below(w as u64) as f64;
        let cy = rng.below(h as u64) as f64;
        let r = short * (0.12 + rng.below(20) as f64 / 100.0);
        for y in 0..h {
            for x in 0..w {
                let (dx, dy) = (x as f64 - cx, y as f64 - cy);
                if dx * dx + dy * dy <= r * r {
                    px[(y * w + x) * 3..][..3].copy_from_slice(&colour);
                }
            }
        }
    }
    let bar = random_colour(&mut rng);
    let y0 = rng.below(h as u64) as usize;
    for y in y0..(y0 + (h / 12).max(1)).min(h) {
        for x in 0..w {
            px[(y * w + x) * 3..][..3].copy_from_slice(&bar);
        }
    }
    px
}

/// The PNG (8-bit RGB) of [`picture`]`(prompt, width, height)`.
pub(crate) fn png(prompt: &str, width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let pixels = picture(prompt, width, height);
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

/// The baseline JPEG of [`picture`]`(prompt, width, height)` at `quality` (1 to 100).
pub(crate) fn jpeg(
    prompt: &str,
    width: u32,
    height: u32,
    quality: u8,
) -> Result<Vec<u8>, jpeg_encoder::EncodingError> {
    let pixels = picture(prompt, width, height);
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    encoder.encode(
        &pixels,
        width as u16,
        height as u16,
        jpeg_encoder::ColorType::Rgb,
    )?;
    Ok(out)
}

/// The base pitch (Hz) of voice `name`: spread over 95 to 255 Hz by the name's hash.
fn pitch(name: &str) -> f64 {
    95.0 + (hash64(0x70, name.to_ascii_lowercase().as_bytes()) % 160) as f64
}

/// Syllables of a word: its vowel groups (at least one).
fn syllables(word: &str) -> usize {
    let mut n = 0;
    let mut in_vowel = false;
    for c in word.chars() {
        let vowel = matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
        if vowel && !in_vowel {
            n += 1;
        }
        in_vowel = vowel;
    }
    n.max(1)
}

/// Appends `seconds` of silence.
fn silence(out: &mut Vec<i16>, seconds: f64) {
    out.resize(out.len() + (seconds * f64::from(SPEECH_RATE)) as usize, 0);
}

/// Appends one syllable: a tone at `f` Hz with two overtones and 8 ms fades.
fn syllable(out: &mut Vec<i16>, f: f64, seconds: f64) {
    let n = (seconds * f64::from(SPEECH_RATE)) as usize;
    let fade = (0.008 * f64::from(SPEECH_RATE)) as usize;
    for i in 0..n {
        let t = i as f64 / f64::from(SPEECH_RATE);
        let env = (i.min(n - 1 - i) as f64 / fade as f64).min(1.0);
        let tau = std::f64::consts::TAU;
        let s = 0.6 * (tau * f * t).sin()
            + 0.25 * (tau * 2.0 * f * t).sin()
            + 0.1 * (tau * 3.0 * f * t).sin();
        out.push((s * env * 0.5 * f64::from(i16::MAX)) as i16);
    }
}

/// The speech for `lines` (each a voice name and its text) as s16le mono PCM at
/// [`SPEECH_RATE`]: every syllable is a 110 ms tone near the voice's pitch (the word's hash
/// bends it), words are 50 ms apart, lines 250 ms; at most 30 seconds.
pub(crate) fn speech(lines: &[(&str, &str)]) -> Vec<u8> {
    let max = (MAX_SPEECH_SECONDS * f64::from(SPEECH_RATE)) as usize;
    let mut samples: Vec<i16> = Vec::new();
    'lines: for (i, (voice, text)) in lines.iter().enumerate() {
        if i > 0 {
            silence(&mut samples, 0.25);
        }
        let base = pitch(voice);
        for word in text.split_whitespace() {
            let bend = (hash64(1, word.to_lowercase().as_bytes()) % 41) as f64 / 100.0 - 0.2;
            for s in 0..syllables(word) {
                let f = base * (1.0 + bend - 0.04 * s as f64);
                syllable(&mut samples, f, 0.11);
            }
            silence(&mut samples, 0.05);
            if samples.len() >= max {
                break 'lines;
            }
        }
    }
    samples.truncate(max);
    if samples.is_empty() {
        silence(&mut samples, 0.25);
    }
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// The seconds of 16-bit mono PCM at [`SPEECH_RATE`] in `bytes` bytes.
pub(crate) fn speech_seconds(bytes: usize) -> f64 {
    bytes as f64 / 2.0 / f64::from(SPEECH_RATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pngs_decode_with_the_asked_size_and_follow_the_prompt() {
        let (w, h) = image_size("16:9", "1K").unwrap();
        assert_eq!((w, h), (96, 54));
        assert_eq!(image_size("9:16", "2K"), Some((108, 192)));
        assert_eq!(image_size("1:1", "4K"), Some((384, 384)));
        assert_eq!(image_size("wide", "1K"), None);
        let bytes = png("A red fox", w, h).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (96, 54));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(&buf[..info.buffer_size()], picture("A red fox", w, h));
        // The first colour named by the prompt is the top of the gradient.
        let top_left = &buf[..3];
        assert!(top_left[0] > 150 && top_left[1] < 100, "{top_left:?}");
        assert_eq!(bytes, png("A red fox", w, h).unwrap());
        assert_ne!(bytes, png("A blue fox", w, h).unwrap());
        let jpeg = jpeg("A red fox", w, h, 80).unwrap();
        // SOI, then a frame header (SOF0) with the size, and EOI at the end.
        assert_eq!(&jpeg[..2], &[0xff, 0xd8]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xff, 0xd9]);
        let sof = jpeg.windows(2).position(|m| m == [0xff, 0xc0]).unwrap();
        let size = |at: usize| u16::from_be_bytes([jpeg[at], jpeg[at + 1]]);
        assert_eq!((size(sof + 7), size(sof + 5)), (96, 54));
    }

    #[test]
    fn speech_is_pcm_that_depends_on_the_text_and_the_voice() {
        let a = speech(&[("Kore", "Hello there")]);
        assert_eq!(a.len() % 2, 0);
        // hel-lo the-re: 4 syllables of 110 ms and 2 gaps of 50 ms.
        let seconds = speech_seconds(a.len());
        assert!((seconds - 0.54).abs() < 0.01, "{seconds}");
        assert!(
            a.chunks(2)
                .any(|s| i16::from_le_bytes([s[0], s[1]]).abs() > 8000)
        );
        assert_ne!(a, speech(&[("Puck", "Hello there")]));
        assert_ne!(a, speech(&[("Kore", "Goodbye there")]));
        assert_eq!(a, speech(&[("kore", "Hello there")]));
        let long = "word ".repeat(10_000);
        let capped = speech(&[("Kore", &long)]);
        assert!(speech_seconds(capped.len()) <= 30.0);
        assert!(!speech(&[("Kore", "")]).is_empty());
        assert_eq!(voice("kore"), Some("Kore"));
        assert_eq!(voice("Nobody"), None);
    }
}
